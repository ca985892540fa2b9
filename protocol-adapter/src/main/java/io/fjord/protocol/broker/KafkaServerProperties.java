package io.fjord.protocol.broker;

import io.fjord.log.InvalidConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the cluster shape of a Kafka {@code server.properties} as one Fjord node: what lets Kafka's
 * own KRaft single-node file load, and what refuses a file that describes a cluster.
 *
 * <ul>
 *   <li>{@code process.roles} must include {@code broker}; {@code broker,controller} (combined, Kafka's
 *       single-node mode) is what Fjord is. A broker-only node would need a controller quorum elsewhere.</li>
 *   <li>{@code controller.quorum.voters} may name only this node ({@code node.id}), and
 *       {@code controller.quorum.bootstrap.servers} only one server: a quorum of several nodes is a
 *       cluster, which Fjord cannot join (it does not exist yet).</li>
 *   <li>{@code listeners}: the listeners named in {@code controller.listener.names} are not opened
 *       (nothing to serve there; one warning), of the rest exactly one must be PLAINTEXT after
 *       {@code listener.security.protocol.map}; SSL and SASL listeners are refused. The one left is
 *       what {@link BrokerConfig} binds; {@code advertised.listeners} is cut to the same listener name.</li>
 *   <li>{@code inter.broker.listener.name} must be that listener, if set.</li>
 * </ul>
 * The keys settled here are removed from the map handed on, so {@link BrokerConfig} never sees them.
 */
final class KafkaServerProperties {
    private static final System.Logger LOG = System.getLogger(KafkaServerProperties.class.getName());

    private static final Set<String> SECURITY_PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private KafkaServerProperties() {
    }

    /** @return the properties with the cluster-shape keys checked and settled for one node */
    static Map<String, String> singleNode(Map<String, String> raw) {
        Map<String, String> properties = new LinkedHashMap<>();
        raw.forEach((key, value) -> properties.put(key.trim(), value.trim()));
        int nodeId = nodeId(properties);
        checkRoles(properties.remove("process.roles"));
        checkVoters(properties.remove("controller.quorum.voters"), nodeId);
        checkBootstrapServers(properties.remove("controller.quorum.bootstrap.servers"));

        List<String> controllerNames = names(properties.remove("controller.listener.names")).stream()
                .map(name -> name.toUpperCase(Locale.ROOT)).toList();
        Map<String, String> protocols = protocolMap(properties.remove("listener.security.protocol.map"));
        String interBroker = properties.remove("inter.broker.listener.name");
        String listeners = properties.get("listeners");
        Endpoint client = new Endpoint("PLAINTEXT", null); // Fjord's default listener
        if (listeners != null) {
            client = clientListener(listeners, controllerNames, protocols);
            properties.put("listeners", "PLAINTEXT://" + client.address());
        }
        if (interBroker != null && !interBroker.trim().toUpperCase(Locale.ROOT).equals(client.name())) {
            throw new InvalidConfigException("inter.broker.listener.name=" + interBroker + " is not the client listener "
                    + client.name() + ": Fjord has one listener, which is also the one other brokers would use");
        }
        String advertised = properties.remove("advertised.listeners");
        if (advertised != null) {
            Endpoint match = null;
            for (Endpoint endpoint : endpoints("advertised.listeners", advertised)) {
                if (endpoint.name().equals(client.name())) {
                    match = endpoint;
                } else if (!controllerNames.contains(endpoint.name())) {
                    throw new InvalidConfigException("advertised.listeners: " + endpoint.name()
                            + " is not a listener of this broker (listeners has " + client.name() + ")");
                }
            }
            if (match != null) {
                properties.put("advertised.listeners", "PLAINTEXT://" + match.address());
            }
        }
        return properties;
    }

    private static int nodeId(Map<String, String> properties) {
        String key = properties.containsKey("node.id") ? "node.id" : "broker.id";
        String id = properties.get(key);
        if (id == null) {
            return BrokerConfig.DEFAULT_NODE_ID;
        }
        // The same check BrokerSettings makes later, so the message is the same whichever reads it first.
        return BrokerSetting.parseInt(key, id, 0, Integer.MAX_VALUE);
    }

    private static void checkRoles(String roles) {
        if (roles == null) {
            return;
        }
        List<String> named = names(roles);
        for (String role : named) {
            if (!role.equals("broker") && !role.equals("controller")) {
                throw new InvalidConfigException("process.roles: unknown role '" + role + "' (broker, controller)");
            }
        }
        if (!named.contains("broker")) {
            throw new InvalidConfigException("process.roles=" + roles + ": Fjord is a broker; a controller-only node "
                    + "would serve no client (use process.roles=broker,controller or leave it out)");
        }
        if (!named.contains("controller")) {
            throw new InvalidConfigException("process.roles=broker: a broker-only node joins a controller quorum on "
                    + "other nodes, and Fjord is a single node (use process.roles=broker,controller or leave it out)");
        }
    }

    private static void checkVoters(String voters, int nodeId) {
        if (voters == null || voters.isEmpty()) {
            return;
        }
        List<String> others = new ArrayList<>();
        List<String> entries = names(voters);
        for (String voter : entries) {
            int at = voter.indexOf('@');
            String id = at < 0 ? voter : voter.substring(0, at);
            int dash = id.indexOf('-'); // KIP-853: id-directoryId@host:port
            String plainId = dash < 0 ? id : id.substring(0, dash);
            if (!plainId.equals(Integer.toString(nodeId))) {
                others.add(voter);
            }
        }
        if (!others.isEmpty() || entries.size() > 1) {
            throw new InvalidConfigException("controller.quorum.voters=" + voters + " names other nodes than this one "
                    + "(node.id=" + nodeId + "): Fjord runs as one node, a cluster of several is not supported; "
                    + "name only this node (" + nodeId + "@host:port) or leave it out");
        }
    }

    private static void checkBootstrapServers(String servers) {
        if (servers == null || servers.isEmpty()) {
            return;
        }
        if (names(servers).size() > 1) {
            throw new InvalidConfigException("controller.quorum.bootstrap.servers=" + servers + " names "
                    + names(servers).size() + " controllers: Fjord runs as one node, a cluster of several is not "
                    + "supported; name one server (this node) or leave it out");
        }
    }

    private static Endpoint clientListener(String listeners, List<String> controllerNames,
                                           Map<String, String> protocols) {
        List<Endpoint> client = new ArrayList<>();
        List<String> notOpened = new ArrayList<>();
        for (Endpoint endpoint : endpoints("listeners", listeners)) {
            if (controllerNames.contains(endpoint.name())) {
                notOpened.add(endpoint.name() + "://" + endpoint.address());
                continue;
            }
            String protocol = protocols.getOrDefault(endpoint.name(),
                    SECURITY_PROTOCOLS.contains(endpoint.name()) ? endpoint.name() : null);
            if (protocol == null) {
                throw new InvalidConfigException("listeners: " + endpoint.name() + " has no security protocol in "
                        + "listener.security.protocol.map (Fjord serves PLAINTEXT)");
            }
            if (!protocol.equals("PLAINTEXT")) {
                throw new InvalidConfigException("listeners: " + endpoint.name() + " is " + protocol + "; Fjord serves "
                        + "PLAINTEXT only (no TLS, no SASL), so its clients would not be protected as this asks");
            }
            client.add(endpoint);
        }
        if (client.size() != 1) {
            throw new InvalidConfigException("listeners=" + listeners + ": Fjord serves exactly one client listener"
                    + (client.isEmpty() ? ", and this names none besides the controller's" : ", got " + client.size()));
        }
        if (!notOpened.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Not opening controller listener " + String.join(", ", notOpened)
                    + " (controller.listener.names): Fjord is one node and has no controller quorum to serve");
        }
        return client.get(0);
    }

    /** {@code NAME://host:port} entries; a bare {@code host:port} is PLAINTEXT. */
    private static List<Endpoint> endpoints(String key, String value) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String entry : names(value)) {
            int scheme = entry.indexOf("://");
            String name = scheme < 0 ? "PLAINTEXT" : entry.substring(0, scheme).toUpperCase(Locale.ROOT);
            String address = scheme < 0 ? entry : entry.substring(scheme + 3);
            if (address.lastIndexOf(':') < 0) {
                throw new InvalidConfigException(key + ": expected NAME://host:port, got '" + entry + "'");
            }
            endpoints.add(new Endpoint(name, address));
        }
        return endpoints;
    }

    private static Map<String, String> protocolMap(String map) {
        Map<String, String> protocols = new LinkedHashMap<>();
        for (String pair : names(map)) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new InvalidConfigException("listener.security.protocol.map: expected NAME:PROTOCOL, got '"
                        + pair + "'");
            }
            String protocol = pair.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (!SECURITY_PROTOCOLS.contains(protocol)) {
                throw new InvalidConfigException("listener.security.protocol.map: unknown security protocol '"
                        + protocol + "'");
            }
            protocols.put(pair.substring(0, colon).trim().toUpperCase(Locale.ROOT), protocol);
        }
        return protocols;
    }

    private static List<String> names(String list) {
        List<String> names = new ArrayList<>();
        if (list == null) {
            return names;
        }
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }

    private record Endpoint(String name, String address) {
    }
}
