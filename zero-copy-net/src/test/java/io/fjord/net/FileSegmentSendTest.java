package io.fjord.net;

import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.sizePrefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.net.TestSupport.Client;
import io.fjord.testsupport.TestSeeds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Responses made of a header buffer, a file region sent with transferTo, and a trailer buffer.
 * Request: int64 position, int64 count. Response: int32 size | int64 position | file bytes | int32 0xCAFEBABE.
 */
class FileSegmentSendTest {

    private static final int FILE_BYTES = 8 * 1024 * 1024;
    private static final int TRAILER = 0xCAFEBABE;

    @TempDir
    Path dir;

    private byte[] content;
    private FileChannel file;
    private NetServer server;
    private final List<Boolean> listenerCalls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        final long seed = TestSeeds.seed("FileSegmentSendTest");
        content = new byte[FILE_BYTES];
        new Random(seed).nextBytes(content);
        final Path path = dir.resolve("segment.log");
        Files.write(path, content);
        file = FileChannel.open(path, StandardOpenOption.READ);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            closeAndAssertNoThreads(server);
        }
        file.close();
    }

    private void startServer(final FileChannel channel) throws IOException {
        // 8 MiB regions exceed any socket send buffer, so transferTo returns partial counts and the
        // send resumes on OP_WRITE many times.
        server = NetServer.start(loopback().build(), ctx -> {
            final long position = ctx.frame().getLong(0);
            final long count = ctx.frame().getLong(8);
            ctx.respond(Send.builder()
                .add(sizePrefix((int) (8 + count + 4)))
                .add(ByteBuffer.allocate(8).putLong(0, position))
                .add(new FileSegment(channel, position, count))
                .add(ByteBuffer.allocate(4).putInt(0, TRAILER))
                .listener(listenerCalls::add)
                .build());
        });
    }

    private static void request(final Client client, final long position, final long count) throws IOException {
        client.out.writeInt(16);
        client.out.writeLong(position);
        client.out.writeLong(count);
        client.out.flush();
    }

    private void expectRegion(final Client client, final long position, final int count) throws IOException {
        assertEquals(8 + count + 4, client.in.readInt());
        assertEquals(position, client.in.readLong());
        final byte[] body = new byte[count];
        client.in.readFully(body);
        assertArrayEquals(Arrays.copyOfRange(content, (int) position, (int) position + count), body,
            "region at " + position + " +" + count);
        assertEquals(TRAILER, client.in.readInt());
    }

    @Test
    void fileRegionsArriveByteExact() throws Exception {
        startServer(file);
        final long[][] regions = {
            {0, FILE_BYTES}, {0, 0}, {1, 1}, {FILE_BYTES - 1, 1}, {12_345, 3_000_000}, {4096, 4096}, {0, FILE_BYTES},
        };
        try (Client client = connect(server)) {
            for (long[] r : regions) { // pipelined: all requests before any response is read
                request(client, r[0], r[1]);
            }
            for (long[] r : regions) {
                expectRegion(client, r[0], (int) r[1]);
            }
        }
        TestSupport.await(() -> listenerCalls.size() == regions.length, "every listener told");
        assertTrue(listenerCalls.stream().allMatch(Boolean::booleanValue), "all written: " + listenerCalls);
    }

    @Test
    void closedFileChannelClosesTheConnectionNotTheServer() throws Exception {
        final FileChannel closed = FileChannel.open(dir.resolve("segment.log"), StandardOpenOption.READ);
        closed.close();
        startServer(closed);
        try (Client client = connect(server)) {
            request(client, 0, 1000);
            assertTrue(client.awaitClosedByServer(), "connection should be closed");
        }
        TestSupport.await(() -> listenerCalls.size() == 1, "listener told");
        assertEquals(List.of(false), List.copyOf(listenerCalls));
        assertEquals(1, server.metrics().sendFailures());
    }

    @Test
    void segmentPastEndOfFileClosesTheConnectionInsteadOfHanging() throws Exception {
        startServer(file);
        try (Client client = connect(server)) {
            request(client, FILE_BYTES - 100, 1000); // 900 bytes promised that do not exist
            assertTrue(client.awaitClosedByServer(), "connection should be closed");
        }
        TestSupport.await(() -> server.metrics().sendFailures() == 1, "send failure counted");
        try (Client client = connect(server)) {
            request(client, 100, 100);
            expectRegion(client, 100, 100);
        }
    }
}
