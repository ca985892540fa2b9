package io.fjord.connect;

import org.apache.kafka.connect.storage.OffsetStorageReader;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** What a source connector or task sees of its stored offsets: its own, by source partition. */
final class TaskOffsetReader implements OffsetStorageReader {
    private final SourceOffsetStore store;
    private final String connector;

    TaskOffsetReader(SourceOffsetStore store, String connector) {
        this.store = store;
        this.connector = connector;
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
        return store.offset(connector, partition);
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
        for (Map<String, T> partition : partitions) {
            Map<String, Object> offset = store.offset(connector, partition);
            if (offset != null) {
                out.put(partition, offset);
            }
        }
        return out;
    }
}
