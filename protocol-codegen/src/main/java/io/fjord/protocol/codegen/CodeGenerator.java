package io.fjord.protocol.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point, run by protocol-adapter's build:
 * {@code CodeGenerator <kafka-3.9 schema dir> <kafka-4.x schema dir> <output source root>}.
 * Writes one Java file per message plus {@code ApiKey} under
 * {@code <output>/io/fjord/protocol/message/}.
 *
 * <p>Silent by default, so that {@code mvn -q} prints nothing but errors (this runs inside Maven's
 * JVM, where {@code -q} cannot silence {@code System.out}); {@code -Dfjord.codegen.verbose=true}
 * prints each merge decision and the count of files written.
 */
public final class CodeGenerator {
    /** System property that turns on the merge report: {@code mvn -Dfjord.codegen.verbose=true ...}. */
    static final String VERBOSE_PROPERTY = "fjord.codegen.verbose";

    private CodeGenerator() {
    }

    static void report(String line) {
        if (Boolean.getBoolean(VERBOSE_PROPERTY)) {
            System.out.println("[protocol-codegen] " + line);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: CodeGenerator <3.9 schemas> <4.x schemas> <output dir>");
        }
        int files = generate(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        report("wrote " + files + " files to " + args[2]);
    }

    static int generate(Path schemas39, Path schemas4, Path outputRoot) throws IOException {
        Map<String, MessageSpec> merged = new SchemaMerger(CodeGenerator::report)
                .merge(SchemaReader.readDirectory(schemas39), SchemaReader.readDirectory(schemas4));
        Path packageDir = outputRoot.resolve(MessageEmitter.PACKAGE.replace('.', '/'));
        Files.createDirectories(packageDir);
        int files = 0;
        for (MessageSpec message : merged.values()) {
            write(packageDir.resolve(message.name() + ".java"), new MessageEmitter(message).emit());
            files++;
        }
        write(packageDir.resolve("ApiKey.java"), new ApiKeyEmitter(merged.values()).emit());
        return files + 1;
    }

    /** Writes only when the content changed, so an unchanged build does not recompile everything. */
    private static void write(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return;
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
