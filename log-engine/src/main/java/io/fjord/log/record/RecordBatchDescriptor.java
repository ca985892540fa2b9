package io.fjord.log.record;

/**
 * Layout of a Kafka v2 record batch (magic 2), byte for byte as it travels on the wire and sits in a
 * segment file. All multi-byte fields are big-endian.
 *
 * <pre>
 *  offset size  field                                   covered by CRC
 *  +-----+----+---------------------------------------+---------------
 *  |   0 |  8 | baseOffset                 int64      |  no   (patched by the leader)
 *  |   8 |  4 | batchLength                int32      |  no   bytes after this field
 *  +-----+----+---------------------------------------+  <- LOG_OVERHEAD = 12
 *  |  12 |  4 | partitionLeaderEpoch       int32      |  no   (patched by the leader)
 *  |  16 |  1 | magic                      int8 = 2   |  no
 *  |  17 |  4 | crc                        uint32     |  no   CRC-32C of bytes 21 .. end
 *  |  21 |  2 | attributes                 int16      |  yes
 *  |  23 |  4 | lastOffsetDelta            int32      |  yes
 *  |  27 |  8 | baseTimestamp              int64      |  yes
 *  |  35 |  8 | maxTimestamp               int64      |  yes
 *  |  43 |  8 | producerId                 int64      |  yes
 *  |  51 |  2 | producerEpoch              int16      |  yes
 *  |  53 |  4 | baseSequence               int32      |  yes
 *  |  57 |  4 | recordsCount               int32      |  yes
 *  +-----+----+---------------------------------------+  <- HEADER_SIZE = RECORDS_OFFSET = 61
 *  |  61 |  n | records (see {@link RecordCursor})     |  yes
 *  +-----+----+---------------------------------------+  <- LOG_OVERHEAD + batchLength
 *
 *  attributes (int16):
 *   bits 15..7 |    6     |    5    |       4       |       3        |  2..0
 *   unused     | delete   | control | transactional | timestamp type | compression: 0 none, 1 gzip,
 *              | horizon  |         |               | 1 = log append | 2 snappy, 3 lz4, 4 zstd
 * </pre>
 *
 * <p>The first 21 bytes lie outside the CRC. Of those, a writer only ever changes {@code baseOffset} and
 * {@code partitionLeaderEpoch}. That is deliberate in Kafka's design and the reason a leader can
 * assign offsets and stamp its epoch without recomputing the checksum.
 *
 * <p>Thread safety: constants only, stateless.
 */
public final class RecordBatchDescriptor {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int BATCH_LENGTH_OFFSET = BASE_OFFSET_OFFSET + Long.BYTES;                    // 8
    public static final int PARTITION_LEADER_EPOCH_OFFSET = BATCH_LENGTH_OFFSET + Integer.BYTES;      // 12
    public static final int MAGIC_OFFSET = PARTITION_LEADER_EPOCH_OFFSET + Integer.BYTES;             // 16
    public static final int CRC_OFFSET = MAGIC_OFFSET + Byte.BYTES;                                   // 17
    public static final int ATTRIBUTES_OFFSET = CRC_OFFSET + Integer.BYTES;                           // 21
    public static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + Short.BYTES;               // 23
    public static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + Integer.BYTES;         // 27
    public static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + Long.BYTES;                // 35
    public static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + Long.BYTES;                   // 43
    public static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + Long.BYTES;                  // 51
    public static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + Short.BYTES;               // 53
    public static final int RECORDS_COUNT_OFFSET = BASE_SEQUENCE_OFFSET + Integer.BYTES;              // 57
    public static final int RECORDS_OFFSET = RECORDS_COUNT_OFFSET + Integer.BYTES;                    // 61

    /** Bytes before {@code batchLength} starts counting: baseOffset + batchLength itself. */
    public static final int LOG_OVERHEAD = PARTITION_LEADER_EPOCH_OFFSET;                             // 12
    /** Size of a batch with zero records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;                                             // 61
    /** Smallest legal {@code batchLength}: the header after the log overhead. */
    public static final int MIN_BATCH_LENGTH = HEADER_SIZE - LOG_OVERHEAD;                            // 49

    public static final byte MAGIC_V2 = 2;

    public static final long NO_PRODUCER_ID = -1;
    public static final short NO_PRODUCER_EPOCH = -1;
    public static final int NO_SEQUENCE = -1;
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    public static final long NO_TIMESTAMP = -1;

    /** attributes bits 0-2. */
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    /** attributes bit 3: 1 = LogAppendTime, 0 = CreateTime. */
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    /** attributes bit 4. */
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    /** attributes bit 5. */
    public static final int CONTROL_FLAG_MASK = 0x20;
    /** attributes bit 6: baseTimestamp holds the delete horizon (KIP-534). */
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    public static final int COMPRESSION_NONE = 0;
    public static final int COMPRESSION_GZIP = 1;
    public static final int COMPRESSION_SNAPPY = 2;
    public static final int COMPRESSION_LZ4 = 3;
    public static final int COMPRESSION_ZSTD = 4;

    private RecordBatchDescriptor() {
    }

    /** Human-readable codec name for error messages, e.g. {@code "gzip"}; never allocates. */
    public static String compressionName(int compressionId) {
        switch (compressionId) {
            case COMPRESSION_NONE: return "none";
            case COMPRESSION_GZIP: return "gzip";
            case COMPRESSION_SNAPPY: return "snappy";
            case COMPRESSION_LZ4: return "lz4";
            case COMPRESSION_ZSTD: return "zstd";
            default: return "unknown";
        }
    }
}
