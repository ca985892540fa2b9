package io.fjord.net;

import static io.fjord.net.TestSupport.ECHO;
import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.openFileDescriptors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.fjord.net.TestSupport.Client;
import io.fjord.testsupport.TestSeeds;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated and abandoned frames from many connections: the server keeps serving a normal
 * client and, once the hostile peers are gone, holds no more file descriptors than before.
 */
class HostileInputTest {

    private static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final int ROUNDS = 8;
    private static final int CONNECTIONS_PER_ROUND = 40;
    /** Descriptors the JVM may open on its own meanwhile (jar files, class data, ...). */
    private static final int FD_SLACK = 4;

    @Test
    void hostilePeersDoNotHurtOthersOrLeakDescriptors() throws Exception {
        final long seed = TestSeeds.seed("HostileInputTest.hostilePeersDoNotHurtOthersOrLeakDescriptors");
        final Random random = new Random(seed);
        final NetServer server = NetServer.start(loopback().maxFrameBytes(MAX_FRAME_BYTES).build(), ECHO);
        try (Client normal = connect(server)) {
            assertArrayEquals(bytes(100, 0), normal.roundTrip(bytes(100, 0)));
            final int baselineFds = openFileDescriptors();
            for (int round = 0; round < ROUNDS; round++) {
                final List<Socket> hostile = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS_PER_ROUND; i++) {
                    final Socket socket = new Socket(server.boundAddress().getAddress(), server.boundAddress().getPort());
                    hostile.add(socket);
                    misbehave(socket, random);
                }
                // The normal client is served while the hostile ones are still open.
                final byte[] payload = bytes(1 + random.nextInt(10_000), round);
                assertArrayEquals(payload, normal.roundTrip(payload), "seed=" + seed);
                for (Socket socket : hostile) {
                    if (random.nextBoolean()) {
                        socket.setSoLinger(true, 0); // close with RST instead of FIN
                    }
                    socket.close();
                }
            }
            TestSupport.await(() -> server.metrics().openConnections() == 1,
                "hostile connections closed by the server, seed=" + seed + ", " + server.metrics());
            if (baselineFds >= 0) {
                TestSupport.await(() -> openFileDescriptors() <= baselineFds + FD_SLACK,
                    "descriptors back to baseline " + baselineFds + ", seed=" + seed);
            }
            assertArrayEquals(bytes(5000, 1), normal.roundTrip(bytes(5000, 1)), "seed=" + seed);
        }
        closeAndAssertNoThreads(server);
    }

    private static void misbehave(final Socket socket, final Random random) throws IOException {
        final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        try {
            switch (random.nextInt(7)) {
                case 0: { // random bytes: almost surely an out-of-range size
                    final byte[] garbage = new byte[1 + random.nextInt(2000)];
                    random.nextBytes(garbage);
                    out.write(garbage);
                    break;
                }
                case 1: // half a size prefix
                    out.write(new byte[1 + random.nextInt(3)]);
                    break;
                case 2: { // a valid size, then only part of the payload
                    final int size = 1 + random.nextInt(MAX_FRAME_BYTES);
                    out.writeInt(size);
                    out.write(new byte[random.nextInt(size)]);
                    break;
                }
                case 3: // over the limit
                    out.writeInt(MAX_FRAME_BYTES + 1 + random.nextInt(1_000_000));
                    break;
                case 4: // negative
                    out.writeInt(-1 - random.nextInt(Integer.MAX_VALUE));
                    break;
                case 5: { // valid frames whose responses are never read, then a truncated one
                    for (int i = random.nextInt(5); i >= 0; i--) {
                        final byte[] payload = new byte[random.nextInt(1000)];
                        out.writeInt(payload.length);
                        out.write(payload);
                    }
                    out.writeInt(100);
                    out.write(new byte[10]);
                    break;
                }
                default: // connects and says nothing
                    break;
            }
            out.flush();
        } catch (IOException e) {
            // The server may close first (e.g. on an invalid size) and reset our write: that is fine.
        }
    }
}
