/**
 * Fjord's network layer: a non-blocking TCP server for 4-byte big-endian size-prefixed request
 * frames, with no knowledge of the protocol inside them.
 *
 * <ul>
 *   <li>{@link io.fjord.net.NetServer} binds, accepts, and runs the selector threads;
 *       {@link io.fjord.net.NetConfig} holds its limits.</li>
 *   <li>{@link io.fjord.net.RequestHandler} gets each frame with a
 *       {@link io.fjord.net.RequestContext}, answered exactly once, from any thread, with a
 *       {@link io.fjord.net.Send} of buffers and {@link io.fjord.net.FileSegment}s (sendfile), or with
 *       nothing, or by closing the connection.</li>
 *   <li>Responses leave each connection in request order; requests may be pipelined up to
 *       {@link io.fjord.net.NetConfig#maxInFlightRequests()}.</li>
 *   <li>Back-pressure is "stop reading that connection", never an unbounded queue.</li>
 *   <li>A request answered with {@link io.fjord.net.RequestContext#closeConnection()} condemns its
 *       connection: nothing behind it is read or dispatched.</li>
 *   <li>What a peer can make happen at will (invalid frames, rejected connections, handler failures)
 *       is counted in {@link io.fjord.net.NetMetrics} and logged through a per-cause
 *       {@link io.fjord.net.RateLimitedLog}, so no peer can fill the disk with log lines.</li>
 *   <li>Request frames live in pooled direct buffers ({@code FramePool}). A frame belongs to its
 *       request until the response is written or dropped (or, with no response, until the answer);
 *       a handler that keeps reading it after answering, as the produce path does until its last
 *       append, calls {@link io.fjord.net.RequestContext#retainFrame()} before answering and gives it back
 *       with {@link io.fjord.net.RequestContext#releaseFrame()}. A frame is reused only after both.</li>
 *   <li>Socket buffers default to the kernel's autotuning ({@code -1}): on loopback a fixed 100 KiB
 *       send buffer, Kafka's default, measured 1.4-2.2x the CPU per GB of a sendfile consume, as
 *       every ~64 KiB then costs a wake-up and a call (docs/bench-vs-kafka.md).</li>
 * </ul>
 *
 * Everything not public here is an implementation detail: {@code Acceptor}, {@code NetworkThread}
 * (one selector's duty cycle), {@code Connection}, {@code FrameReader}, {@code OutboundQueue}.
 */
package io.fjord.net;
