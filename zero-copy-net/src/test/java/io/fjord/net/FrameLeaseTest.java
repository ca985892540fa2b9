package io.fjord.net;

import static io.fjord.net.TestSupport.bytes;
import static io.fjord.net.TestSupport.closeAndAssertNoThreads;
import static io.fjord.net.TestSupport.connect;
import static io.fjord.net.TestSupport.loopback;
import static io.fjord.net.TestSupport.sizePrefix;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pooled frames are reused only when every holder is done: a handler that retains its frame past the
 * answer still reads its own bytes while later frames of the same size class arrive.
 */
@Timeout(60)
class FrameLeaseTest {
    private static final int FRAME_BYTES = 16_384;
    private static final int FRAMES = 200;

    @Test
    void aRetainedFrameOutlivesItsAnswerUntilReleased() throws Exception {
        assertEquals(0, checkFramesLater(true), "retained frames changed under their holder");
    }

    /** The control: without a retain the same handler sees its frames overwritten, so the check above can fail. */
    @Test
    void anUnretainedFrameIsReusedOnceAnswered() throws Exception {
        assertTrue(checkFramesLater(false) > 0, "frames read after their answer should have been reused");
    }

    @Test
    void releasingMoreOftenThanRetainedIsRefused() throws Exception {
        final AtomicInteger refused = new AtomicInteger();
        final CountDownLatch checked = new CountDownLatch(1);
        final NetServer server = NetServer.start(loopback().build(), ctx -> {
            ctx.retainFrame();
            ctx.respondNothing();
            ctx.releaseFrame();
            try {
                ctx.releaseFrame();
            } catch (IllegalStateException expected) {
                refused.incrementAndGet();
            }
            assertThrows(IllegalStateException.class, ctx::retainFrame, "retain after the last release");
            checked.countDown();
        });
        try (TestSupport.Client client = connect(server)) {
            client.send(bytes(FRAME_BYTES, 1));
            assertTrue(checked.await(TestSupport.WAIT_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } finally {
            closeAndAssertNoThreads(server);
        }
        assertEquals(1, refused.get());
    }

    /**
     * Sends {@link #FRAMES} frames of distinct content; the handler answers each at once and checks
     * its frame's bytes 20 ms later, after later frames have arrived.
     *
     * @return how many frames had changed by then
     */
    private static int checkFramesLater(final boolean retain) throws Exception {
        final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        final AtomicInteger changed = new AtomicInteger();
        final CountDownLatch allChecked = new CountDownLatch(FRAMES);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final NetServer server = NetServer.start(loopback().build(), ctx -> {
            final ByteBuffer frame = ctx.frame();
            final byte[] expected = new byte[frame.remaining()];
            frame.duplicate().get(expected);
            if (retain) {
                ctx.retainFrame();
            }
            ctx.respond(Send.of(sizePrefix(0)));
            later.schedule(() -> {
                try {
                    final byte[] now = new byte[expected.length];
                    // Absolute read: a reused buffer's position moves with the frame now filling it.
                    frame.get(0, now);
                    if (!java.util.Arrays.equals(expected, now)) {
                        changed.incrementAndGet();
                    }
                    if (retain) {
                        ctx.releaseFrame();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    allChecked.countDown();
                }
            }, 20, TimeUnit.MILLISECONDS);
        });
        try (TestSupport.Client client = connect(server)) {
            for (int i = 0; i < FRAMES; i++) {
                assertArrayEquals(new byte[0], client.roundTrip(bytes(FRAME_BYTES, i)));
            }
            assertTrue(allChecked.await(TestSupport.WAIT_TIMEOUT_MS, TimeUnit.MILLISECONDS), "every frame checked");
        } finally {
            later.shutdownNow();
            closeAndAssertNoThreads(server);
        }
        assertEquals(List.of(), List.copyOf(failures));
        return changed.get();
    }
}
