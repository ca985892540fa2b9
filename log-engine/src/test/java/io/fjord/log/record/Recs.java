package io.fjord.log.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.Record;

/**
 * Test support: a record as plain data, readable from Fjord's cursor and from Kafka's classes, compared through
 * a canonical string so a mismatch prints both sides readably.
 */
final class Recs {
    private static final HexFormat HEX = HexFormat.of();

    record Hdr(String key, byte[] value) {
        @Override
        public String toString() {
            return key + "=" + hex(value);
        }
    }

    record Rec(long offset, long timestamp, byte[] key, byte[] value, List<Hdr> headers) {
        @Override
        public String toString() {
            return "Rec{offset=" + offset + ", ts=" + timestamp + ", key=" + hex(key) + ", value=" + hex(value)
                + ", headers=" + headers + "}";
        }
    }

    private Recs() {
    }

    static String hex(byte[] bytes) {
        return bytes == null ? "null" : bytes.length + ":" + HEX.formatHex(bytes);
    }

    static List<Rec> readFjord(RecordBatch batch) {
        RecordCursor cursor = new RecordCursor().reset(batch);
        List<Rec> out = new ArrayList<>();
        while (cursor.next()) {
            List<Hdr> headers = new ArrayList<>();
            int seen = 0;
            while (cursor.nextHeader()) {
                headers.add(new Hdr(cursor.headerKey(), cursor.headerValue()));
                seen++;
            }
            if (seen != cursor.headersCount()) {
                throw new AssertionError("headersCount " + cursor.headersCount() + " but iterated " + seen);
            }
            out.add(new Rec(cursor.offset(), cursor.timestamp(), cursor.keyBytes(), cursor.valueBytes(), headers));
        }
        return out;
    }

    static List<Rec> readKafka(org.apache.kafka.common.record.internal.RecordBatch batch) {
        List<Rec> out = new ArrayList<>();
        for (Record r : batch) {
            r.ensureValid();
            List<Hdr> headers = new ArrayList<>();
            for (Header h : r.headers()) {
                headers.add(new Hdr(h.key(), h.value()));
            }
            out.add(new Rec(r.offset(), r.timestamp(), bytes(r.key()), bytes(r.value()), headers));
        }
        return out;
    }

    static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String render(List<Rec> recs) {
        StringBuilder sb = new StringBuilder();
        for (Rec r : recs) {
            sb.append(r).append('\n');
        }
        return sb.toString();
    }

    /** Copies {@code src[0, length)} into a fresh heap buffer of exactly {@code length} bytes. */
    static ByteBuffer copyOf(ByteBuffer src, int length) {
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put(0, src, 0, length);
        return out;
    }
}
