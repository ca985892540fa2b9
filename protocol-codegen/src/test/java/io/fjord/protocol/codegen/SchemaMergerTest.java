package io.fjord.protocol.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaMergerTest {

    private static MessageSpec parse(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) JsonParser.parse(json);
        return SchemaReader.readMessage(object);
    }

    // Shaped like OffsetCommitRequest: 4.0 dropped v0-1 and the v1-only CommitTimestamp.
    private static final String OLD = """
            // license header comment, as in the real files
            { "apiKey": 8, "type": "request", "name": "OffsetCommitRequest",
              "validVersions": "0-9", "flexibleVersions": "8+",
              "fields": [
                { "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                  { "name": "Name", "type": "string", "versions": "0+" },
                  { "name": "CommittedOffset", "type": "int64", "versions": "0+" },
                  { "name": "CommitTimestamp", "type": "int64", "versions": "1", "default": "-1" },
                  { "name": "Metadata", "type": "string", "versions": "0+", "nullableVersions": "0+" }
                ]}
              ]}
            """;
    private static final String NEW = """
            { "apiKey": 8, "type": "request", "name": "OffsetCommitRequest",
              "validVersions": "2-10", "flexibleVersions": "8+",
              "fields": [
                { "name": "Topics", "type": "[]Topic", "versions": "0+", "fields": [
                  { "name": "Name", "type": "string", "versions": "0-9", "ignorable": true },
                  { "name": "TopicId", "type": "uuid", "versions": "10+" },
                  { "name": "CommittedOffset", "type": "int64", "versions": "0+" },
                  /* an inline comment */
                  { "name": "Metadata", "type": "string", "versions": "0+", "nullableVersions": "0+" }
                ]}
              ]}
            """;

    @Test
    void oldVersionsComeFrom39AndDroppedFieldsKeepTheirPlace() {
        List<String> log = new ArrayList<>();
        MessageSpec merged = new SchemaMerger(log::add)
                .merge(Map.of("OffsetCommitRequest", parse(OLD)), Map.of("OffsetCommitRequest", parse(NEW)))
                .get("OffsetCommitRequest");
        assertEquals("0-10", merged.validVersions().toString());
        assertEquals("8+", merged.flexibleVersions().toString());
        List<FieldSpec> fields = merged.fields().get(0).fields();
        assertEquals(List.of("Name", "TopicId", "CommittedOffset", "CommitTimestamp", "Metadata"),
                fields.stream().map(FieldSpec::name).toList());
        assertEquals("0-9", fields.get(0).versions().toString());
        assertEquals("10+", fields.get(1).versions().toString());
        assertEquals("1", fields.get(3).versions().toString());
        assertEquals(1, log.size(), log.toString());
    }

    @Test
    void reorderedFieldsFailTheBuild() {
        String swapped = NEW.replace("\"CommittedOffset\"", "\"Tmp\"").replace("\"Metadata\"", "\"CommittedOffset\"")
                .replace("\"Tmp\"", "\"Metadata\"");
        assertThrows(IllegalArgumentException.class, () -> new SchemaMerger(line -> { })
                .merge(Map.of("OffsetCommitRequest", parse(OLD)), Map.of("OffsetCommitRequest", parse(swapped))));
    }

    @Test
    void versionRangesAndGuards() {
        VersionRange context = VersionRange.parse("0-13");
        assertEquals(VersionGuard.TRUE, VersionGuard.within(VersionRange.parse("0+"), context));
        assertEquals("version >= 3", VersionGuard.within(VersionRange.parse("3+"), context));
        assertEquals("version <= 12", VersionGuard.within(VersionRange.parse("0-12"), context));
        assertEquals("version == 1", VersionGuard.within(VersionRange.parse("1"), context));
        assertEquals(VersionGuard.FALSE, VersionGuard.within(VersionRange.parse("none"), context));
        assertEquals("version < 3", VersionGuard.outside(VersionRange.parse("3+"), context));
        assertThrows(IllegalArgumentException.class,
                () -> VersionRange.parse("0-1").union(VersionRange.parse("3+")));
    }
}
