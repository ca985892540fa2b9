package io.fjord.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fjord.protocol.codec.ByteBufferWritable;
import io.fjord.protocol.codec.Message;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.codec.SegmentedWritable;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Fjord's generated codecs against Kafka's own, for every generated message (requests,
 * responses, headers, data) and every version that kafka-clients 4.4 or, for the versions 4.0
 * removed, 3.9 can serialize:
 * <ol>
 *   <li>Kafka fills and writes a message (random non-default values, seeded);</li>
 *   <li>Fjord reads those bytes (consuming all of them), sizes and re-writes them: the bytes must
 *       be identical, through both {@link ByteBufferWritable} and {@link SegmentedWritable};</li>
 *   <li>Kafka reads Fjord's bytes: the message must equal the one Kafka wrote.</li>
 * </ol>
 * Each case runs twice: once with values everywhere, once preferring nulls where allowed.
 * Seeds derive from {@code -Dfjord.test.seed} (default fixed) and are printed on failure.
 */
class DifferentialCodecTest {
    private static final long BASE_SEED = Long.getLong("fjord.test.seed", 20260417L);
    private static final KafkaOracle KAFKA_44 = KafkaOracle.kafka44();
    private static final KafkaOracle KAFKA_39 = KafkaOracle.kafka39();

    /** Every generated top-level message class, found next to ApiKey on the classpath. */
    static List<String> generatedMessages() throws IOException, URISyntaxException {
        Path classes = Path.of(ApiKey.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/fjord/protocol/message");
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".class") && !name.contains("$") && !name.equals("ApiKey.class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .sorted()
                    .forEach(names::add);
        }
        return names;
    }

    record Case(String message, short version, KafkaOracle oracle) {
    }

    static List<Case> cases(List<String> uncovered) throws Exception {
        List<Case> cases = new ArrayList<>();
        for (String message : generatedMessages()) {
            Class<?> fjord = Class.forName("io.fjord.protocol.message." + message);
            short lowest = fjord.getField("LOWEST_SUPPORTED_VERSION").getShort(null);
            short highest = fjord.getField("HIGHEST_SUPPORTED_VERSION").getShort(null);
            for (short version = lowest; version <= highest; version++) {
                if (KAFKA_44.supports(KAFKA_44.dataClass(message), version)) {
                    cases.add(new Case(message, version, KAFKA_44));
                } else if (KAFKA_39.supports(KAFKA_39.dataClass(message), version)) {
                    cases.add(new Case(message, version, KAFKA_39));
                } else {
                    uncovered.add(message + " v" + version);
                }
            }
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> kafkaAndFjordAgreeByteForByte() throws Exception {
        List<Case> cases = cases(new ArrayList<>());
        return cases.stream().flatMap(c -> Stream.of(
                DynamicTest.dynamicTest(c.message + " v" + c.version + " values (" + c.oracle.label() + ")",
                        () -> roundTrip(c, seed(c, 0), 0.0)),
                DynamicTest.dynamicTest(c.message + " v" + c.version + " nulls (" + c.oracle.label() + ")",
                        () -> roundTrip(c, seed(c, 1), 0.5))));
    }

    /** Every (message, version) Fjord generates has an oracle; only messages Kafka has no class for may lack one. */
    @Test
    void everyGeneratedVersionHasAnOracle() throws Exception {
        List<String> uncovered = new ArrayList<>();
        List<Case> cases = cases(uncovered);
        assertTrue(cases.size() > 600, "only " + cases.size() + " cases");
        assertEquals(List.of(), uncovered, "versions no kafka-clients can serialize");
    }

    private static long seed(Case c, int pass) {
        return BASE_SEED * 31 + (c.message.hashCode() * 1_000_003L) + c.version * 7L + pass;
    }

    private static void roundTrip(Case c, long seed, double nullProbability) throws Throwable {
        String context = c.message + " v" + c.version + " seed " + seed + " (-Dfjord.test.seed=" + BASE_SEED + ")";
        Class<?> dataClass = c.oracle.dataClass(c.message);
        Object filled = dataClass.getConstructor().newInstance();
        new KafkaMessageFiller(c.oracle, filled, c.version, seed, nullProbability).fill();
        // Kafka's own round trip drops ignorable fields the version lacks: compare against that.
        Object expected = c.oracle.read(dataClass, c.oracle.write(filled, c.version), c.version);
        byte[] kafkaBytes = c.oracle.write(expected, c.version);

        Message fjord = (Message) Class.forName("io.fjord.protocol.message." + c.message).getConstructor().newInstance();
        Readable in = new Readable(ByteBuffer.wrap(kafkaBytes));
        fjord.read(in, c.version);
        assertEquals(0, in.remaining(), context + ": bytes left after decoding " + fjord);
        assertEquals(kafkaBytes.length, fjord.size(c.version), context + ": size() " + fjord);

        ByteBuffer encoded = ByteBuffer.allocate(kafkaBytes.length);
        fjord.write(new ByteBufferWritable(encoded), c.version);
        assertEquals(0, encoded.remaining(), context);
        assertArrayEquals(kafkaBytes, encoded.array(), context + ": Fjord's bytes differ for " + fjord);

        SegmentedWritable segmented = new SegmentedWritable(64);
        fjord.write(segmented, c.version);
        assertArrayEquals(kafkaBytes, Segments.concatenate(segmented), context + ": segmented bytes differ");

        Object reparsed = c.oracle.read(dataClass, encoded.array(), c.version);
        assertEquals(expected, reparsed, context + ": Kafka reads Fjord's bytes differently");

        // A decoded message equals itself decoded again (equals/hashCode over every field).
        Message again = (Message) fjord.getClass().getConstructor().newInstance();
        again.read(new Readable(ByteBuffer.wrap(kafkaBytes)), c.version);
        assertEquals(fjord, again, context);
        assertEquals(fjord.hashCode(), again.hashCode(), context);
    }
}
