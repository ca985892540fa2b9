package io.fjord.protocol.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * README.md's list of broker settings is generated from {@link BrokerSettings}: this fails when the two
 * differ, and with {@code -Dfjord.updateReadme=true} rewrites the README's section instead.
 */
class BrokerSettingsReadmeTest {
    /** Tests run in the module's directory; the README is the repository's. */
    private static final Path README = Path.of("..", "README.md");
    static final String REGENERATE = "mvn -B -q test -pl protocol-adapter -am -Dtest=BrokerSettingsReadmeTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dfjord.updateReadme=true";

    @Test
    void theReadmeListsExactlyTheSettingsOfTheTable() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String generated = BrokerSettingsDoc.withTable(readme);
        if (Boolean.getBoolean("fjord.updateReadme") && !generated.equals(readme)) {
            Files.writeString(README, generated, StandardCharsets.UTF_8);
            readme = generated;
        }
        // The section alone, so a failure shows the table's difference, not the whole README.
        assertEquals(section(generated), section(readme), "README.md's broker settings section is not what "
                + "BrokerSettings generates; regenerate it with: " + REGENERATE);
        assertEquals(generated, readme);
    }

    private static String section(String readme) {
        return readme.substring(readme.indexOf(BrokerSettingsDoc.BEGIN), readme.indexOf(BrokerSettingsDoc.END));
    }

    @Test
    void everySettingHasARowAndTheRowsAreInTableOrder() {
        String table = BrokerSettingsDoc.table();
        int previous = -1;
        for (BrokerSetting setting : BrokerSettings.ALL) {
            int row = table.indexOf("\n| `" + setting.name() + "` |");
            assertTrue(row > previous, setting.name() + " has a row after the one before it");
            previous = row;
        }
        assertEquals(BrokerSettings.ALL.size() + 2, table.split("\n").length, "a header, a rule, a row each");
        assertTrue(table.contains("| `log.dir` | one directory | `data` | Kafka's older name of `log.dirs`. "
                + "`log.dirs` wins when both are set. |"), table);
    }

    @Test
    void aReadmeWithoutTheMarkersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BrokerSettingsDoc.withTable("# README\nno section here\n"));
        assertTrue(e.getMessage().contains(BrokerSettingsDoc.BEGIN), e.getMessage());
    }
}
