package io.fjord.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.testsupport.TestSeeds;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Frames are reassembled exactly however the stream is split across reads. */
class FrameReaderTest {

    /** Hands out the stream in random-sized pieces, sometimes none, like a non-blocking socket. */
    private static final class ChoppyChannel implements ScatteringByteChannel {
        private final ByteBuffer source;
        private final Random random;

        ChoppyChannel(final byte[] stream, final Random random) {
            this.source = ByteBuffer.wrap(stream);
            this.random = random;
        }

        @Override
        public long read(final ByteBuffer[] dsts, final int offset, final int length) {
            if (!source.hasRemaining()) {
                return -1;
            }
            int budget = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(3000);
            long total = 0;
            for (int i = offset; i < offset + length && budget > 0; i++) {
                final int n = Math.min(budget, Math.min(dsts[i].remaining(), source.remaining()));
                dsts[i].put(source.slice().limit(n));
                source.position(source.position() + n);
                budget -= n;
                total += n;
            }
            return total;
        }

        @Override
        public long read(final ByteBuffer[] dsts) {
            return read(dsts, 0, dsts.length);
        }

        @Override
        public int read(final ByteBuffer dst) {
            return (int) read(new ByteBuffer[] {dst}, 0, 1);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void reassemblesFramesSplitAtRandomPoints() throws IOException {
        final long seed = TestSeeds.seed("FrameReaderTest.reassemblesFramesSplitAtRandomPoints");
        final Random random = new Random(seed);
        final List<byte[]> frames = new ArrayList<>();
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(stream);
        for (int i = 0; i < 500; i++) {
            final byte[] frame = new byte[random.nextInt(10) == 0 ? random.nextInt(600_000) : random.nextInt(50)];
            random.nextBytes(frame);
            frames.add(frame);
            out.writeInt(frame.length);
            out.write(frame);
        }
        final FrameReader reader = new FrameReader(1_000_000, FramePool.of(NetConfig.defaults()));
        final ChoppyChannel channel = new ChoppyChannel(stream.toByteArray(), random);
        int received = 0;
        int outcome;
        while ((outcome = reader.read(channel)) != FrameReader.END_OF_STREAM) {
            if (outcome == FrameReader.FRAME_READY) {
                final ByteBuffer frame = reader.takeFrame();
                assertEquals(frames.get(received).length, frame.remaining(), "seed=" + seed);
                final byte[] copy = new byte[frame.remaining()];
                frame.get(copy);
                assertArrayEquals(frames.get(received), copy, "frame " + received + ", seed=" + seed);
                received++;
            }
        }
        assertEquals(frames.size(), received, "seed=" + seed);
        assertEquals(stream.size(), reader.bytesRead());
    }

    @Test
    void rejectsSizesBeforeAllocating() throws IOException {
        final FrameReader reader = new FrameReader(100, FramePool.of(NetConfig.defaults()));
        final ChoppyChannel channel = new ChoppyChannel(new byte[] {0, 0, 0, 101}, new Random(1));
        int outcome;
        do {
            outcome = reader.read(channel);
        } while (outcome == FrameReader.NEED_MORE);
        assertEquals(FrameReader.INVALID_SIZE, outcome);
        assertEquals(101, reader.lastFrameSize());
        assertTrue(reader.isMidFrame());
    }
}
