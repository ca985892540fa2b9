package io.fjord.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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
}
