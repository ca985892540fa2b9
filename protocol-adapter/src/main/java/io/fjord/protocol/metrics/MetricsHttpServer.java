package io.fjord.protocol.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The broker's HTTP endpoint on {@code fjord.http.listener}, on the JDK's {@code com.sun.net.httpserver}:
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus text format (client_java's handler: it also answers
 *       OpenMetrics when asked, and {@code ?name[]=} filters);
 *   <li>{@code GET /health}: 200 "ok" while the broker serves, else 503 with the reason (see
 *       {@code Broker}'s health check).
 * </ul>
 * One daemon thread serves both: scrapes are rare and cheap, and never touch the network threads.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** Connections waiting to be accepted; a scraper or a health checker makes one at a time. */
    private static final int BACKLOG = 16;
    private static final int STOP_DELAY_SECONDS = 0;
    /** How long close waits for a scrape in progress to end. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param health null while the broker serves, else why it does not
     * @throws IOException if the address cannot be bound
     */
    public static MetricsHttpServer start(HttpListener listener, MultiCollector metrics, Supplier<String> health,
                                          String threadName) throws IOException {
        InetSocketAddress address = new InetSocketAddress(listener.host(), listener.port());
        if (listener.port() != 0) {
            refuseIfTaken(address);
        }
        HttpServer server = HttpServer.create(address, BACKLOG);
        server.createContext("/metrics", new FirstScrapeHandler(metrics));
        server.createContext("/health", exchange -> answerHealth(exchange, health.get()));
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsHttpServer(server, executor);
    }

    /**
     * Builds client_java's handler on the first scrape, not at start: it costs ~40 ms of CPU (its
     * properties and format writers load), measured, which would otherwise lengthen every broker's
     * start-up by about as much as the JDK's HTTP server itself. Runs on the single serving thread.
     */
    private static final class FirstScrapeHandler implements HttpHandler {
        private final MultiCollector metrics;
        private MetricsHandler handler;

        FirstScrapeHandler(MultiCollector metrics) {
            this.metrics = metrics;
        }

        @Override
        public synchronized void handle(HttpExchange exchange) throws IOException {
            if (handler == null) {
                PrometheusRegistry registry = new PrometheusRegistry();
                registry.register(metrics);
                handler = new MetricsHandler(registry);
            }
            handler.handle(exchange);
        }
    }

    private static void answerHealth(HttpExchange exchange, String problem) throws IOException {
        try (exchange) {
            byte[] body = ((problem == null ? "ok" : problem) + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(problem == null ? 200 : 503, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /**
     * Throws the bind's exception if {@code address} cannot be bound now. The JDK's HttpServer opens
     * its socket before binding it and leaves it open when the bind fails, so the usual failure, a
     * port another process holds, is found with a socket of our own, closed at once.
     */
    private static void refuseIfTaken(InetSocketAddress address) throws IOException {
        try (java.nio.channels.ServerSocketChannel probe = java.nio.channels.ServerSocketChannel.open()) {
            probe.bind(address);
        }
    }

    /** The bound address (the real port when the listener asked for port 0). */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    /** Stops accepting, closes the socket and ends the serving thread. */
    @Override
    public void close() {
        server.stop(STOP_DELAY_SECONDS);
        executor.shutdownNow();
        try {
            executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
