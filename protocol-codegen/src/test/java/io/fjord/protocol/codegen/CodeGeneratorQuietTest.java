package io.fjord.protocol.codegen;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 18.4: a quiet build ({@code mvn -q}) prints nothing from the generator unless asked to. */
class CodeGeneratorQuietTest {
    @Test
    void mergeReportsPrintOnlyWhenVerbose() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            System.clearProperty(CodeGenerator.VERBOSE_PROPERTY);
            CodeGenerator.report("merged X: versions 0-1");
            assertEquals("", captured.toString(StandardCharsets.UTF_8));
            System.setProperty(CodeGenerator.VERBOSE_PROPERTY, "true");
            CodeGenerator.report("merged X: versions 0-1");
            assertEquals("[protocol-codegen] merged X: versions 0-1" + System.lineSeparator(),
                    captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.clearProperty(CodeGenerator.VERBOSE_PROPERTY);
            System.setOut(original);
        }
    }
}
