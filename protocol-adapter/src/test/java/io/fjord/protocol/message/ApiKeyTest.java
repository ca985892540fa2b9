package io.fjord.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.kafka.common.message.ApiMessageType;
import org.junit.jupiter.api.Test;

/** The generated registry against kafka-clients 4.4's ApiMessageType. */
class ApiKeyTest {

    @Test
    void everyApiKafkaDescribesIsKnownWithTheSameHeaderVersions() {
        int checked = 0;
        for (ApiMessageType kafka : ApiMessageType.values()) {
            short highest = kafka.highestSupportedVersion(true);
            if (highest < kafka.lowestSupportedVersion()) {
                continue; // e.g. ControlledShutdown: no versions left in 4.x
            }
            ApiKey fjord = ApiKey.forId(kafka.apiKey());
            assertNotNull(fjord, kafka.name);
            assertEquals(kafka.name, fjord.apiName);
            assertEquals(highest, fjord.highestVersion, kafka.name);
            assertEquals(kafka.latestVersionUnstable(), fjord.latestVersionUnstable, kafka.name);
            for (short version = kafka.lowestSupportedVersion(); version <= highest; version++) {
                assertEquals(kafka.requestHeaderVersion(version), fjord.requestHeaderVersion(version), kafka.name + " v" + version);
                assertEquals(kafka.responseHeaderVersion(version), fjord.responseHeaderVersion(version), kafka.name + " v" + version);
                assertEquals(kafka.apiKey(), fjord.newRequest().apiKey());
                checked++;
            }
        }
        assertEquals(true, checked > 250, "checked " + checked);
    }

    @Test
    void oldVersionsFromKafka39AreInTheUnion() {
        assertEquals(0, ApiKey.PRODUCE.lowestVersion);
        assertEquals(0, ApiKey.FETCH.lowestVersion);
        assertEquals(0, ApiKey.OFFSET_COMMIT.lowestVersion);
        assertEquals(0, ApiKey.LIST_OFFSETS.lowestVersion);
        assertEquals(9, ApiKey.PRODUCE.firstFlexibleVersion);
        // Old, non-flexible versions use request header v1 and response header v0.
        assertEquals(1, ApiKey.FETCH.requestHeaderVersion((short) 3));
        assertEquals(0, ApiKey.FETCH.responseHeaderVersion((short) 3));
        // ApiVersions answers with header v0 even at flexible versions.
        assertEquals(2, ApiKey.API_VERSIONS.requestHeaderVersion((short) 3));
        assertEquals(0, ApiKey.API_VERSIONS.responseHeaderVersion((short) 3));
    }

    @Test
    void unknownIdsAreNull() {
        assertNull(ApiKey.forId(-1));
        assertNull(ApiKey.forId(Short.MAX_VALUE));
    }
}
