package io.fjord.protocol.broker;

import io.fjord.log.FileRegion;
import io.fjord.net.FileSegment;
import io.fjord.protocol.codec.RecordsPayload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Record batches that stay in their segment file until the socket takes them (sendfile). */
record FileRecords(FileRegion region) implements RecordsPayload {
    @Override
    public int sizeInBytes() {
        return region.sizeBytes();
    }

    /** Only for encoders that need bytes in memory; the broker sends {@link #segment()} instead. */
    @Override
    public void copyTo(ByteBuffer destination) {
        try {
            int read = region.readInto(destination.duplicate());
            destination.position(destination.position() + read);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading " + region + " failed: " + e.getMessage(), e);
        }
    }

    FileSegment segment() {
        return new FileSegment(region.channel(), region.position(), region.sizeBytes());
    }
}
