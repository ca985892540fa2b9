package io.fjord.log.group;

/**
 * Layout of the records Fjord writes to its internal topic {@code __consumer_offsets}. Fjord's own
 * format (not Kafka's): both key and value start with an int16 so the format can evolve; all
 * integers big-endian; a string is an int32 byte length (-1 = null) then UTF-8 bytes; bytes are an
 * int32 length then the bytes. A record with a null value is a tombstone: the key was deleted.
 *
 * <pre>
 * Offset-commit key (one per group and partition):
 *   0        2                      2+4+g                      +4+t          +4
 *   +--------+----------------------+--------------------------+-------------+
 *   | type=1 | group: int32 len, g B| topic: int32 len, t B    | partition   |
 *   +--------+----------------------+--------------------------+-------------+
 *
 * Offset-commit value:
 *   0         2        10              14                      +8
 *   +---------+--------+---------------+-----------------------+--------------------+
 *   | ver=0   | offset | leader epoch  | metadata: nullable str| commit timestamp ms|
 *   | int16   | int64  | int32 (-1)    |                       | int64              |
 *   +---------+--------+---------------+-----------------------+--------------------+
 *
 * Group-metadata key (one per group):
 *   +--------+----------------------+
 *   | type=2 | group: int32 len, g B|
 *   +--------+----------------------+
 *
 * Group-metadata value (written per completed generation, and when the group empties):
 *   +-------+---------------+------------+---------------+---------------+-------------+---------+
 *   | ver=0 | protocol type | generation | protocol name | leader id     | state ts ms | members |
 *   | int16 | nullable str  | int32      | nullable str  | nullable str  | int64       | int32 n |
 *   +-------+---------------+------------+---------------+---------------+-------------+---------+
 *   then n members:
 *   +-----------+--------------+-----------+-------------+--------------+--------------+-------------+-------------+
 *   | member id | instance id  | client id | client host | rebalance    | session      | subscription| assignment  |
 *   | str       | nullable str | str       | str         | timeout int32| timeout int32| bytes       | bytes       |
 *   +-----------+--------------+-----------+-------------+--------------+--------------+-------------+-------------+
 * </pre>
 * Unknown key types or value versions are skipped on replay (logged), so a newer writer does not
 * make an older reader fail to start.
 */
final class OffsetsTopicDescriptor {
    static final String TOPIC = io.fjord.log.TopicNames.CONSUMER_OFFSETS;

    static final short KEY_TYPE_OFFSET_COMMIT = 1;
    static final short KEY_TYPE_GROUP_METADATA = 2;
    static final short OFFSET_VALUE_VERSION = 0;
    static final short GROUP_VALUE_VERSION = 0;

    static final int TYPE_OFFSET = 0;
    static final int GROUP_ID_OFFSET = TYPE_OFFSET + 2;

    static final int NULL_LENGTH = -1;

    private OffsetsTopicDescriptor() {
    }

    /** The internal partition holding a group's records (Kafka's rule, so a group has one home). */
    static int partitionFor(String groupId, int partitions) {
        return Math.floorMod(groupId.hashCode(), partitions);
    }
}
