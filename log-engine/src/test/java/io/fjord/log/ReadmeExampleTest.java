package io.fjord.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's embedded example compiles against this build and runs as it says. */
class ReadmeExampleTest {
    private static final String START = "<!-- embedded-example:start -->";
    private static final String END = "<!-- embedded-example:end -->";

    @TempDir
    Path dir;

    @Test
    void readmeExampleCompilesAndRuns() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertTrue(start >= 0 && end > start, "README.md has the example markers");
        String block = readme.substring(start + START.length(), end).trim();
        assertTrue(block.startsWith("```java") && block.endsWith("```"), "the example is a java code block");
        String source = block.substring("```java".length(), block.length() - 3);

        Path sourceFile = dir.resolve("src").resolve("EmbeddedExample.java");
        Files.createDirectories(sourceFile.getParent());
        Files.writeString(sourceFile, source, StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = compiler.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), sourceFile.toString());
        assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

        Path dataDir = dir.resolve("data");
        String firstRun = run(classes, dataDir);
        assertTrue(firstRun.contains("appended at offset 0"), firstRun);
        assertTrue(firstRun.contains("0: {\"qty\":3}"), firstRun);
        String secondRun = run(classes, dataDir); // the data survived, the topic is reused
        assertTrue(secondRun.contains("appended at offset 1"), secondRun);
        assertTrue(secondRun.contains("1: {\"qty\":3}"), secondRun);
    }

    private static String run(Path classes, Path dataDir) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader())) {
            Method main = loader.loadClass("EmbeddedExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {dataDir.toString()});
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
