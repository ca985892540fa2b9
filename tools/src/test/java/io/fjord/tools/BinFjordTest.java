package io.fjord.tools;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18.4: {@code bin/fjord} runs {@code $JAVA_HOME/bin/java} when JAVA_HOME is set (as Kafka's
 * scripts do), for the broker and for the class-data-sharing training run alike, and its build is
 * quiet: one progress line, no escape codes. The script runs in a copy of the repository layout
 * whose {@code java} and {@code mvn} are recording stand-ins, so nothing real is built or started.
 */
class BinFjordTest {
    private static final Path SCRIPT = Path.of(System.getProperty("user.dir")).resolve("../bin/fjord").normalize();

    @TempDir
    Path dir;
    private Path root;
    private Path calls;
    private Path pathBin;
    private Path javaHome;

    @BeforeEach
    void layOut() throws IOException {
        root = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(SCRIPT, root.resolve("bin/fjord"));
        executable(root.resolve("bin/fjord"));
        calls = dir.resolve("calls.txt");
        Files.createFile(calls);
        pathBin = Files.createDirectories(dir.resolve("path-bin"));
        javaHome = Files.createDirectories(dir.resolve("jdk"));
        Files.createDirectories(javaHome.resolve("bin"));
        recorder(pathBin.resolve("java"), "path-java");
        recorder(javaHome.resolve("bin/java"), "home-java");
        // A Maven that prints what a coloured quiet build prints, and builds the jar.
        script(pathBin.resolve("mvn"), "echo \"mvn JAVA_HOME=$JAVA_HOME $*\" >> '" + calls + "'\n"
                + "printf '\\033[0m\\033[0m\\n'\nmkdir -p tools/target && touch tools/target/fjord.jar\n");
    }

    @Test
    void javaHomesJavaRunsTheBrokerAndTheTraining() throws Exception {
        freshJar();
        Result result = run(Map.of("JAVA_HOME", javaHome.toString()), "--help");
        assertEquals(0, result.status(), result.err());
        List<String> lines = Files.readAllLines(calls);
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("path-java")), "java on the PATH ran: " + lines);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("home-java") && line.contains("CdsTraining")),
                "training with JAVA_HOME's java: " + lines);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("home-java") && line.endsWith("fjord.jar --help")),
                "the jar with JAVA_HOME's java: " + lines);
    }

    @Test
    void withoutJavaHomeJavaOnThePathRuns() throws Exception {
        freshJar();
        Result result = run(Map.of(), "broker", "--help");
        assertEquals(0, result.status(), result.err());
        List<String> lines = Files.readAllLines(calls);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("path-java") && line.endsWith("fjord.jar broker --help")),
                lines.toString());
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("home-java")), lines.toString());
    }

    @Test
    void aJavaHomeWithoutJavaIsOneLine() throws Exception {
        freshJar();
        Result result = run(Map.of("JAVA_HOME", dir.resolve("no-jdk").toString()), "broker");
        assertEquals(1, result.status());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("fjord: JAVA_HOME is " + dir.resolve("no-jdk")), result.err());
    }

    @Test
    void theBuildIsQuietWithOneProgressLineAndUsesJavaHome() throws Exception {
        Result result = run(Map.of("JAVA_HOME", javaHome.toString()), "--help");
        assertEquals(0, result.status(), result.err());
        assertEquals(List.of("fjord: building Fjord (mvn package, tests skipped; 'mvn -B verify' runs them)..."),
                result.err().lines().toList(), "one progress line, no escape codes");
        String mvn = Files.readAllLines(calls).stream().filter(line -> line.startsWith("mvn")).findFirst().orElseThrow();
        assertTrue(mvn.startsWith("mvn JAVA_HOME=" + javaHome + " -B -q"), mvn);
        assertTrue(mvn.contains("-Dstyle.color=never"), mvn);
    }

    private void freshJar() throws IOException {
        Path jar = Files.createDirectories(root.resolve("tools/target")).resolve("fjord.jar");
        Files.createFile(jar);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(3600)));
    }

    private record Result(int status, String err) {
    }

    private Result run(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(root.resolve("bin/fjord").toString());
        builder.command().addAll(List.of(args));
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("FJORD_OPTS");
        builder.environment().put("PATH", pathBin + ":/usr/bin:/bin");
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), err);
    }

    private void recorder(Path file, String name) throws IOException {
        script(file, "echo \"" + name + " $*\" >> '" + calls + "'\n");
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        executable(file);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
