package io.fjord.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18.7: the README's embedded example compiles and runs with exactly the command the README
 * gives, against the jar that command names. Runs in tools' {@code package} phase, after the shaded
 * jar is built (a second surefire execution, see tools/pom.xml), in a scratch directory laid out as
 * the README says: the example saved as {@code EmbeddedExample.java}, {@code tools/target/fjord.jar}
 * the built jar.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedExampleReadmeIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();

    @TempDir
    Path dir;

    @Test
    void theReadmesExampleRunsWithTheReadmesCommand() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String example = block(readme, "embedded-example", "java");
        String command = block(readme, "embedded-example-run", "sh").lines()
                .filter(line -> line.startsWith("java ")).reduce((first, second) -> second).orElseThrow(
                        () -> new AssertionError("no 'java ...' line in the README's run block"));
        Path jar = ROOT.resolve("tools/target/fjord.jar");
        assertTrue(Files.isRegularFile(jar), "the shaded jar is built before this runs: " + jar);
        Files.createDirectories(dir.resolve("tools/target"));
        Files.createSymbolicLink(dir.resolve("tools/target/fjord.jar"), jar);
        Files.writeString(dir.resolve("EmbeddedExample.java"), example, StandardCharsets.UTF_8);

        String first = run(command);
        assertTrue(first.contains("appended at offset 0"), first);
        assertTrue(first.contains("0: {\"qty\":3}"), first);
        String second = run(command);
        assertTrue(second.contains("appended at offset 1"), "the data survived the first run: " + second);
    }

    private String run(String command) throws IOException, InterruptedException {
        // The README's line, run by a shell in the layout the README describes; java is this JVM's.
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), command + "\n" + output);
        return output;
    }

    /** The fenced {@code language} block between {@code <!-- marker:start -->} and {@code <!-- marker:end -->}. */
    static String block(String readme, String marker, String language) {
        int start = readme.indexOf("<!-- " + marker + ":start -->");
        int end = readme.indexOf("<!-- " + marker + ":end -->");
        assertTrue(start >= 0 && end > start, "README markers for " + marker);
        String section = readme.substring(start, end);
        int open = section.indexOf("```" + language + "\n");
        int close = section.indexOf("```", open + 4 + language.length());
        assertTrue(open >= 0 && close > open, "a ```" + language + " block inside " + marker);
        List<String> lines = section.substring(open + 4 + language.length(), close).lines().toList();
        return String.join("\n", lines) + "\n";
    }
}
