package io.fjord.protocol.metrics;

import io.fjord.log.InvalidConfigException;

import java.util.Locale;

/**
 * Where the broker serves {@code /metrics} and {@code /health}: {@code fjord.http.listener}, as
 * {@code http://HOST:PORT} (port 0: any free port) or {@code none}.
 */
public record HttpListener(String host, int port) {
    public static final String CONFIG = "fjord.http.listener";
    public static final String NONE = "none";
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The port of {@code bin/fjord broker}'s endpoint when the Kafka listener has a fixed port. */
    public static final int DEFAULT_PORT = 9644;

    public HttpListener {
        if (host == null || host.isEmpty()) {
            throw new InvalidConfigException(CONFIG + ": the host is empty");
        }
        if (port < 0 || port > 65_535) {
            throw new InvalidConfigException(CONFIG + ": port " + port + " is not in [0, 65535]");
        }
    }

    /**
     * @return the listener, or null for {@code none}
     * @throws InvalidConfigException naming the key and the expected form
     */
    public static HttpListener parse(String value) {
        String spec = value.trim();
        if (spec.equalsIgnoreCase(NONE)) {
            return null;
        }
        String expected = CONFIG + ": expected http://HOST:PORT or none, got '" + value + "'";
        int scheme = spec.indexOf("://");
        if (scheme < 0) {
            throw new InvalidConfigException(expected);
        }
        if (!spec.substring(0, scheme).toLowerCase(Locale.ROOT).equals("http")) {
            throw new InvalidConfigException(CONFIG + ": only http is served, got '" + value + "'");
        }
        String hostPort = spec.substring(scheme + 3);
        if (hostPort.endsWith("/")) {
            hostPort = hostPort.substring(0, hostPort.length() - 1);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || hostPort.indexOf('/') >= 0) {
            throw new InvalidConfigException(expected);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(expected);
        }
        return new HttpListener(host, port);
    }

    @Override
    public String toString() {
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
