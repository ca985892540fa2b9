package io.fjord.protocol.broker;

import io.fjord.protocol.message.ApiKey;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The APIs and versions the broker advertises in ApiVersions: only what is implemented, never a
 * version because the codec happens to decode it. Each range is a deliberate choice; the reason
 * for each cap is next to it.
 */
final class SupportedApis {
    record Range(short min, short max) {
        boolean contains(short version) {
            return version >= min && version <= max;
        }
    }

    private final Map<ApiKey, Range> ranges = new EnumMap<>(ApiKey.class);

    SupportedApis() {
        add(ApiKey.API_VERSIONS, 0, 4);
        // Min 0: librdkafka disables compression when Produce does not go down to 0. Requests of
        // v0-2 carrying message format v0/v1 are refused per partition (no up-conversion yet).
        // Max 12: v13 names topics by id, which Fjord does not assign yet.
        add(ApiKey.PRODUCE, 0, 12);
        // 4..12: v0-3 need down-conversion to message format v0/v1; v13+ name topics by id.
        add(ApiKey.FETCH, 4, 12);
        // Max 6: v7 adds the max-timestamp spec (-3), not implemented yet.
        add(ApiKey.LIST_OFFSETS, 1, 6);
        // Max 9: v10+ carry topic ids.
        add(ApiKey.METADATA, 0, 9);
        add(ApiKey.INIT_PRODUCER_ID, 0, 4);
        add(ApiKey.CREATE_TOPICS, 0, 6);
        add(ApiKey.DELETE_TOPICS, 0, 5);
        add(ApiKey.CREATE_PARTITIONS, 0, 3);
        add(ApiKey.DESCRIBE_CONFIGS, 0, 4);
        add(ApiKey.ALTER_CONFIGS, 0, 2);
        add(ApiKey.INCREMENTAL_ALTER_CONFIGS, 0, 1);
        add(ApiKey.DELETE_RECORDS, 0, 2);
        add(ApiKey.DESCRIBE_CLUSTER, 0, 1);
        // Min 0: librdkafka turns LZ4 on only when FindCoordinator v0 is advertised.
        add(ApiKey.FIND_COORDINATOR, 0, 6);
        // The classic group protocol. Max versions stop before topic ids (OffsetCommit/OffsetFetch
        // v10) and the KIP-848 protocol, which is not served (ConsumerGroupHeartbeat is not advertised).
        add(ApiKey.JOIN_GROUP, 0, 9);
        add(ApiKey.SYNC_GROUP, 0, 5);
        add(ApiKey.HEARTBEAT, 0, 4);
        add(ApiKey.LEAVE_GROUP, 0, 5);
        add(ApiKey.LIST_GROUPS, 0, 5);
        add(ApiKey.DESCRIBE_GROUPS, 0, 5);
        add(ApiKey.DELETE_GROUPS, 0, 2);
        add(ApiKey.OFFSET_COMMIT, 0, 9);
        add(ApiKey.OFFSET_FETCH, 0, 9);
        add(ApiKey.OFFSET_DELETE, 0, 0);
    }

    private void add(ApiKey api, int min, int max) {
        if (min < api.lowestVersion || max > api.highestVersion) {
            throw new IllegalStateException(api + " " + min + ".." + max + " is outside the codec's range "
                    + api.lowestVersion + ".." + api.highestVersion);
        }
        ranges.put(api, new Range((short) min, (short) max));
    }

    Range range(ApiKey api) {
        return ranges.get(api);
    }

    boolean isSupported(ApiKey api, short version) {
        Range range = ranges.get(api);
        return range != null && range.contains(version);
    }

    void forEach(BiConsumer<ApiKey, Range> action) {
        ranges.forEach(action);
    }
}
