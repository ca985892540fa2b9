package io.fjord.bench;

import org.HdrHistogram.Histogram;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection of its own that sends a Metadata request for one topic on a fixed schedule and
 * times each round trip (write of the request to the last byte of the answer), nothing else on
 * the socket: a raw blocking {@link SocketChannel}, no client library thread or batching between
 * the clock and the broker. A request that comes back late delays the next ones; the histogram
 * charges them the wait with HdrHistogram's expected-interval correction (coordinated omission),
 * so a stalled broker cannot hide behind a probe that stopped asking.
 */
final class MetadataProbe implements Runnable {
    /** Version 9: the newest both Fjord (0-9) and Kafka 4.4 answer. */
    static final short METADATA_VERSION = 9;
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final int SIGNIFICANT_DIGITS = 3;
    /** A size prefix above this is not a Metadata answer for one topic: fail rather than allocate it. */
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final InetSocketAddress broker;
    private final String topic;
    private final long intervalNanos;
    private final Histogram histogram = new Histogram(HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private volatile long measureFromNanos = Long.MAX_VALUE;
    private volatile long stopAtNanos = Long.MAX_VALUE;
    private volatile Throwable error;

    MetadataProbe(InetSocketAddress broker, String topic, long intervalMicros) {
        this.broker = broker;
        this.topic = topic;
        this.intervalNanos = TimeUnit.MICROSECONDS.toNanos(intervalMicros);
    }

    /** Round trips sent at or after {@code fromNanos} are recorded; the loop ends at {@code toNanos}. */
    void window(long fromNanos, long toNanos) {
        measureFromNanos = fromNanos;
        stopAtNanos = toNanos;
    }

    @Override
    public void run() {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(broker);
            ByteBuffer sizePrefix = ByteBuffer.allocate(Integer.BYTES);
            int correlationId = 0;
            long intended = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                awaitNanoTime(intended);
                if (System.nanoTime() - stopAtNanos >= 0) {
                    return;
                }
                correlationId++;
                ByteBuffer request = encode(correlationId);
                long sent = System.nanoTime();
                while (request.hasRemaining()) {
                    channel.write(request);
                }
                ByteBuffer response = readFrame(channel, sizePrefix);
                long roundTripMicros = (System.nanoTime() - sent) / 1_000;
                check(response, correlationId);
                if (sent - measureFromNanos >= 0) {
                    histogram.recordValueWithExpectedInterval(Math.min(HIGHEST_MICROS, roundTripMicros),
                            intervalNanos / 1_000);
                }
                // Fixed schedule; after a late answer the next request goes at once, not in a burst.
                intended = Math.max(intended + intervalNanos, System.nanoTime());
            }
        } catch (Throwable t) {
            error = t;
        }
    }

    Histogram histogram() {
        return histogram;
    }

    /** The failure that ended the loop early, or null. */
    Throwable error() {
        return error;
    }

    private ByteBuffer encode(int correlationId) {
        MetadataRequest request = new MetadataRequest.Builder(List.of(topic), false, METADATA_VERSION,
                METADATA_VERSION).build(METADATA_VERSION);
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, METADATA_VERSION, "fjord-bench-probe",
                correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        ByteBuffer framed = ByteBuffer.allocate(Integer.BYTES + body.remaining());
        framed.putInt(body.remaining()).put(body).flip();
        return framed;
    }

    private static ByteBuffer readFrame(SocketChannel channel, ByteBuffer sizePrefix) throws IOException {
        sizePrefix.clear();
        readFully(channel, sizePrefix);
        int size = sizePrefix.getInt(0);
        if (size < 0 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("Metadata answer of " + size + " bytes: not a Metadata answer for one topic");
        }
        ByteBuffer frame = ByteBuffer.allocate(size);
        readFully(channel, frame);
        frame.flip();
        return frame;
    }

    private static void readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("broker closed the probe connection");
            }
        }
    }

    /** The answer is for this request and names the topic without an error; else the probe fails. */
    private void check(ByteBuffer frame, int correlationId) {
        MetadataResponse response = (MetadataResponse) AbstractResponse.parseResponse(frame,
                new RequestHeader(ApiKeys.METADATA, METADATA_VERSION, "fjord-bench-probe", correlationId));
        MetadataResponseData.MetadataResponseTopic answered = response.data().topics().find(topic);
        if (answered == null || answered.errorCode() != Errors.NONE.code()) {
            throw new ApiException("Metadata answer for " + topic + ": "
                    + (answered == null ? "topic missing" : Errors.forCode(answered.errorCode())));
        }
    }

    private static void awaitNanoTime(long deadline) {
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }
}
