package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code fjord bench --help} prints the usage (Bench.main exits 0 then); other words are options. */
class BenchOptionsTest {
    @Test
    void helpIsRecognisedAnywhere() {
        assertTrue(BenchOptions.wantsHelp(new String[] {"--help"}));
        assertTrue(BenchOptions.wantsHelp(new String[] {"--smoke", "-h"}));
        assertFalse(BenchOptions.wantsHelp(new String[] {"--smoke"}));
        assertTrue(BenchOptions.USAGE.contains("--help"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--nope", "1"}, Path.of(".")));
        assertTrue(unknown.getMessage().startsWith("unknown option --nope"), unknown.getMessage());
    }

    @Test
    void compressionDefaultsToNoneAndIsShownInTheCommandLine() {
        BenchOptions defaults = BenchOptions.parse(new String[] {"--smoke"}, Path.of("."));
        assertEquals("none", defaults.compression());
        assertEquals("none", defaults.warmUp().compression());

        BenchOptions lz4 = BenchOptions.parse(new String[] {"--rounds", "1", "--compression", "LZ4"}, Path.of("."));
        assertEquals("lz4", lz4.compression());
        assertEquals("lz4", lz4.warmUp().compression(), "the warm-up compiles the same client path");
        assertTrue(lz4.commandLine().contains("--compression LZ4"), lz4.commandLine());
        assertEquals("lz4", ClientConfigs.throughputProducer("127.0.0.1:1", "1", lz4.compression())
                .get("compression.type"));
        for (String codec : BenchOptions.CODECS) {
            assertEquals(codec, BenchOptions.parse(new String[] {"--compression", codec}, Path.of(".")).compression());
        }
        assertTrue(BenchOptions.USAGE.contains("--compression CODEC"));
    }

    @Test
    void unknownCompressionCodecIsRefusedWithTheChoices() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--compression", "brotli"}, Path.of(".")));
        assertTrue(bad.getMessage().contains("none|gzip|snappy|lz4|zstd"), bad.getMessage());
        assertTrue(bad.getMessage().contains("brotli"), bad.getMessage());
    }
}
