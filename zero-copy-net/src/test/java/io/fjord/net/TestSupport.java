package io.fjord.net;

import java.time.Duration;
import io.fjord.testsupport.Waits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Helpers shared by the tests: blocking loopback clients, framing, bounded waits. */
final class TestSupport {

    /** Upper bound of every wait in these tests; generous because CI machines stall. */
    static final long WAIT_TIMEOUT_MS = 20_000;

    /** Echoes each frame back, size-prefixed. */
    static final RequestHandler ECHO = ctx -> ctx.respond(Send.of(sizePrefix(ctx.frame().remaining()), ctx.frame()));

    private TestSupport() {
    }

    static NetConfig.Builder loopback() {
        return NetConfig.builder().host("127.0.0.1").port(0);
    }

    static ByteBuffer sizePrefix(final int size) {
        return ByteBuffer.allocate(4).putInt(0, size);
    }

    static Client connect(final NetServer server) throws IOException {
        return new Client(new Socket(server.boundAddress().getAddress(), server.boundAddress().getPort()));
    }

    /** Polls {@code condition} every few milliseconds for at most {@link #WAIT_TIMEOUT_MS}. */
    static void await(final BooleanSupplier condition, final String what) {
        try {
            Waits.waitUntil(Duration.ofMillis(WAIT_TIMEOUT_MS), condition, () -> what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("Interrupted waiting for: " + what);
        }
    }

    /** @return names of live threads that belong to {@code server} */
    static List<String> liveThreadsOf(final NetServer server) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith(server.threadNamePrefix()))
            .collect(Collectors.toList());
    }

    /** Closes {@code server} and asserts none of its threads survived. */
    static void closeAndAssertNoThreads(final NetServer server) {
        server.close();
        assertEquals(List.of(), liveThreadsOf(server), "threads left running after close()");
    }

    /** @return open file descriptors of this JVM, or -1 where /proc is unavailable */
    static int openFileDescriptors() {
        final Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return (int) list.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(final int size, final int seed) {
        final byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i * 7);
        }
        return b;
    }

    /** A blocking test client speaking size-prefixed frames; every read times out rather than hang. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final DataOutputStream out;

        Client(final Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout((int) WAIT_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        void send(final byte[] payload) throws IOException {
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
        }

        byte[] receive() throws IOException {
            final int size = in.readInt();
            final byte[] payload = new byte[size];
            in.readFully(payload);
            return payload;
        }

        byte[] roundTrip(final byte[] payload) throws IOException {
            send(payload);
            return receive();
        }

        /** @return true once the server has closed the connection (end of stream or reset) */
        boolean awaitClosedByServer() throws IOException {
            try {
                while (true) {
                    if (in.read() < 0) {
                        return true;
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // connection reset: the server closed with our bytes unread
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
