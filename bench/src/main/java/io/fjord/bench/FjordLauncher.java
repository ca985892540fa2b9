package io.fjord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java [class-data-sharing options] -jar tools/target/fjord.jar broker}, exactly what
 * {@code bin/fjord broker} runs.
 */
final class FjordLauncher implements BrokerLauncher {
    private final Path fjordJar;
    private final Path cdsArchive;
    private final List<String> jvmOptions;
    private final Path jfrFile;
    private final List<String> brokerOverrides;

    FjordLauncher(Path fjordJar, Path cdsArchive, List<String> jvmOptions, Path jfrFile) {
        this(fjordJar, cdsArchive, jvmOptions, jfrFile, List.of());
    }

    /**
     * @param cdsArchive the archive bin/fjord made for this jar, or null to start without one
     * @param jfrFile when not null, a JFR recording (profile settings) is written there on exit
     * @param brokerOverrides KEY=VALUE broker properties, each passed as {@code --override KEY=VALUE}
     */
    FjordLauncher(Path fjordJar, Path cdsArchive, List<String> jvmOptions, Path jfrFile,
                  List<String> brokerOverrides) {
        if (!Files.isRegularFile(fjordJar)) {
            throw new IllegalArgumentException("Fjord broker jar not found: " + fjordJar
                    + " (build it: cd /path/to/fjord && mvn -B -DskipTests -pl tools -am package)");
        }
        this.fjordJar = fjordJar;
        this.cdsArchive = cdsArchive;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.jfrFile = jfrFile;
        this.brokerOverrides = List.copyOf(brokerOverrides);
    }

    @Override
    public BrokerKind kind() {
        return BrokerKind.FJORD;
    }

    @Override
    public BrokerProcess start(Path sessionDir) throws IOException {
        Path dataDir = Files.createDirectories(sessionDir.resolve("data"));
        int port = Ports.freeLoopbackPort();
        List<String> command = new ArrayList<>();
        command.add(BrokerLauncher.javaExecutable());
        if (cdsArchive != null) {
            // The same options as bin/fjord: an unusable archive is ignored without a word.
            command.addAll(List.of("-XX:SharedArchiveFile=" + cdsArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        }
        command.addAll(jvmOptions);
        if (jfrFile != null) {
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfrFile);
        }
        command.addAll(List.of("-jar", fjordJar.toString(), "broker",
                "--data-dir", dataDir.toString(),
                "--listeners", "PLAINTEXT://127.0.0.1:" + port,
                // /metrics on a free port: benchmarks running side by side must not collide on 9644.
                "--override", "fjord.http.listener=http://127.0.0.1:0"));
        for (String override : brokerOverrides) {
            command.addAll(List.of("--override", override));
        }
        return BrokerProcess.start(kind(), command, "127.0.0.1:" + port, sessionDir.resolve("broker.log"));
    }
}
