package io.fjord.protocol.broker;

import io.fjord.log.InvalidConfigException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Fjord does with an Apache Kafka broker config it does not implement, so that a Kafka user's
 * {@code server.properties} loads without a typo ever passing silently.
 *
 * <p>The table of Kafka's names is data: {@code kafka-4.4-broker-configs.tsv} beside this class, every
 * documented (non-internal) key of Kafka 4.4.0's {@code KafkaConfig} with its default. For a key in it
 * that {@link BrokerConfig} does not implement:
 * <ul>
 *   <li><b>refused</b>, with the reason, where ignoring it would weaken safety: TLS and SASL
 *       ({@code ssl.*}, {@code sasl.*}), an authorizer, topic and config policies, config providers,
 *       client quota callbacks, a replication factor or minimum ISR above 1 (one broker holds one
 *       copy), {@code delete.topic.enable=false}, tiered storage, and protective limits set to other
 *       than Kafka's default (per-IP connection limits, request queue bounds, ...);</li>
 *   <li><b>honoured without a word</b> where one node already does what it says (a replication factor
 *       or minimum ISR of 1, {@code delete.topic.enable=true});</li>
 *   <li><b>ignored with one warning naming it</b> otherwise: thread counts, replication and controller
 *       timings, metrics reporters, other group protocols' settings, ...: settings that change how
 *       Kafka's machinery runs, not what a client may do or what is kept.</li>
 * </ul>
 * A key that is neither Fjord's nor Kafka's is refused as unknown.
 * Cluster-shape keys ({@code process.roles}, the controller quorum, listener names) are settled before
 * this by {@link KafkaServerProperties}.
 */
final class KafkaBrokerConfigTable {
    private static final System.Logger LOG = System.getLogger(KafkaBrokerConfigTable.class.getName());

    static final String RESOURCE = "kafka-4.4-broker-configs.tsv";
    static final String KAFKA_VERSION = "4.4";

    /** Kafka's documented broker configs and their defaults ("null" where Kafka has none). */
    private static final Map<String, String> KAFKA_DEFAULTS = load();

    /** Replication factors: one broker keeps one copy, so 1 is met exactly and more can never be. */
    private static final Set<String> REPLICATION_FACTORS = Set.of("default.replication.factor",
            "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
            "share.coordinator.state.topic.replication.factor");
    /** Minimum in-sync replicas: acks=all writes Kafka refuses below it; one broker has one replica. */
    private static final Set<String> MIN_ISRS = Set.of("min.insync.replicas", "transaction.state.log.min.isr",
            "share.coordinator.state.topic.min.isr");
    /** Plug-ins that restrict or rewrite what clients may do: ignoring one would open what it closes. */
    private static final Set<String> PROTECTIVE_PLUGINS = Set.of("authorizer.class.name",
            "create.topic.policy.class.name", "alter.config.policy.class.name", "client.quota.callback.class",
            "config.providers", "security.providers");
    /** Limits that protect the broker or its clients: accepted only at Kafka's default, which Fjord does not undercut. */
    private static final Set<String> PROTECTIVE_LIMITS = Set.of("max.connections.per.ip",
            "max.connections.per.ip.overrides", "max.connection.creation.rate", "queued.max.requests",
            "queued.max.request.bytes", "fetch.max.bytes", "max.request.partition.size.limit",
            "max.decompressed.message.bytes", "transaction.max.timeout.ms", "producer.id.expiration.ms",
            "transactional.id.expiration.ms");

    private KafkaBrokerConfigTable() {
    }

    static boolean isKafkaKey(String key) {
        return KAFKA_DEFAULTS.containsKey(key);
    }

    /** @return Kafka's default for a documented key, or null where Kafka has none (or the key is not Kafka's) */
    static String kafkaDefault(String key) {
        String value = KAFKA_DEFAULTS.get(key);
        return value == null || value.equals("null") ? null : value;
    }

    /** @return every documented Kafka 4.4 broker config name, in name order */
    static Set<String> kafkaKeys() {
        return Collections.unmodifiableSet(KAFKA_DEFAULTS.keySet());
    }

    /**
     * For a key {@link BrokerConfig} does not implement: logs one warning when it is ignored.
     *
     * @throws InvalidConfigException naming the key and why it is refused (unknown, or unsafe to ignore)
     */
    static void ignoreOrRefuse(String key, String value) {
        String warning = check(key, value);
        if (warning != null) {
            LOG.log(System.Logger.Level.WARNING, warning);
        }
    }

    /**
     * @return the warning for a key that is ignored, or null for one whose setting one node already honours
     * @throws InvalidConfigException for an unknown key or one that cannot be ignored safely
     */
    static String check(String key, String value) {
        if (!isKafkaKey(key)) {
            throw new InvalidConfigException(UnknownSettingMessage.of(key));
        }
        if (key.startsWith("ssl.") || key.startsWith("sasl.")) {
            throw refused(key, value, "Fjord serves PLAINTEXT only (no TLS, no SASL), so clients would not be "
                    + "encrypted or authenticated as this asks; remove the ssl.*/sasl.* settings");
        }
        if (key.equals("security.inter.broker.protocol")) {
            if (value.equals("PLAINTEXT")) {
                return null; // one broker talks to no other broker
            }
            throw refused(key, value, "Fjord serves PLAINTEXT only");
        }
        if (PROTECTIVE_PLUGINS.contains(key)) {
            if (value.isEmpty()) {
                return null; // unset, as Kafka's default
            }
            throw refused(key, value, "Fjord does not implement it, and running without it would let clients "
                    + "do what it is there to stop");
        }
        if (REPLICATION_FACTORS.contains(key)) {
            return requireOne(key, value, "Fjord is a single broker and keeps one copy of each partition; a "
                    + "replication factor above 1 cannot be met (set it to 1)");
        }
        if (MIN_ISRS.contains(key)) {
            return requireOne(key, value, "Fjord is a single broker with one replica of each partition; acks=all "
                    + "writes could never have more in sync (set it to 1)");
        }
        if (key.equals("delete.topic.enable")) {
            if (value.equalsIgnoreCase("true")) {
                return null;
            }
            throw refused(key, value, "Fjord cannot forbid topic deletion; remove the setting");
        }
        if (key.equals("remote.log.storage.system.enable")) {
            if (value.equalsIgnoreCase("false")) {
                return null;
            }
            throw refused(key, value, "Fjord has no tiered storage; every segment stays in the data directory");
        }
        if (PROTECTIVE_LIMITS.contains(key)) {
            String kafkaDefault = KAFKA_DEFAULTS.get(key);
            if (!value.equals(kafkaDefault)) {
                throw refused(key, value, "Fjord does not enforce this limit; only Kafka's default (" + kafkaDefault
                        + ") is accepted, so that no limit you set is silently absent");
            }
        }
        return "Ignoring broker config " + key + "=" + value + ": Kafka " + KAFKA_VERSION + " has it but Fjord does "
                + "not implement it (" + why(key) + "); ignoring it does not weaken safety on one node";
    }

    private static String requireOne(String key, String value, String reason) {
        int parsed;
        try {
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + ": '" + value + "' is not a number");
        }
        if (parsed == 1 || (parsed == -1 && key.equals("default.replication.factor"))) {
            return null; // exactly what one broker does
        }
        throw refused(key, value, reason);
    }

    private static InvalidConfigException refused(String key, String value, String reason) {
        return new InvalidConfigException("Broker config " + key + "=" + value + " is refused: " + reason);
    }

    /** A short why for the warning, by the key's family. */
    private static String why(String key) {
        if (key.startsWith("num.") || key.endsWith(".threads") || key.endsWith(".thread.pool.size")) {
            return "a thread count: Fjord sizes its own threads";
        }
        if (key.startsWith("replica.") || key.startsWith("replication.") || key.startsWith("num.replica")
                || key.startsWith("leader.") || key.startsWith("auto.leader.") || key.startsWith("unclean.")
                || key.startsWith("follower.")) {
            return "replication and leadership: one broker has no followers";
        }
        if (key.startsWith("controller.") || key.startsWith("metadata.") || key.startsWith("broker.heartbeat")
                || key.startsWith("broker.session") || key.startsWith("initial.broker")) {
            return "KRaft: Fjord has no controller quorum or metadata log";
        }
        if (key.startsWith("remote.") || key.startsWith("log.remote.") || key.startsWith("log.local.")) {
            return "tiered storage, which is off";
        }
        if (key.startsWith("group.consumer.") || key.startsWith("group.share.") || key.startsWith("group.streams.")
                || key.startsWith("share.")) {
            return "a group protocol Fjord does not serve";
        }
        if (key.startsWith("metric") || key.startsWith("kafka.metrics.")) {
            return "metrics reporting";
        }
        return "Fjord's own mechanism covers it or it does not apply";
    }

    private static Map<String, String> load() {
        Map<String, String> defaults = new LinkedHashMap<>();
        try (InputStream in = KafkaBrokerConfigTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE + " beside " + KafkaBrokerConfigTable.class);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                defaults.put(tab < 0 ? line : line.substring(0, tab), tab < 0 ? "null" : line.substring(tab + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return Collections.unmodifiableMap(defaults);
    }
}
