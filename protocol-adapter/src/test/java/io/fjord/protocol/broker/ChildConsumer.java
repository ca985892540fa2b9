package io.fjord.protocol.broker;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A group consumer in its own JVM, for tests that kill a member without a LeaveGroup. Arguments:
 * {@code bootstrap group topic assignor-class}. Subscribes, and prints
 * <ul>
 *   <li>{@code ASSIGNED p p ...}: its whole assignment (sorted partition numbers) after every change;</li>
 *   <li>{@code CONSUMED <partition> <offset>}: each record processed, flushed <em>before</em> the
 *       offsets are committed, so a committed offset always has its lines on disk;</li>
 *   <li>{@code COMMITTED} after each successful commitSync.</li>
 * </ul>
 * Stops (closing the consumer, so leaving the group) when its stdin ends; the parent going away
 * closes it, so an orphan never outlives the test. Tests kill it with destroyForcibly.
 */
public final class ChildConsumer {
    private ChildConsumer() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: ChildConsumer <bootstrap> <group> <topic> <assignor-class>");
            System.exit(2);
        }
        PrintStream out = System.out;
        Properties props = BrokerTestSupport.groupConsumerProps(args[0], args[1]);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, args[3]);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "child-consumer");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            Thread stdinWatcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buffer = new byte[256];
                    while (in.read(buffer) >= 0) {
                        // ignore input; end of stream means stop
                    }
                } catch (Exception ignored) {
                    // treat like end of stream
                }
                consumer.wakeup();
            }, "stdin-watcher");
            stdinWatcher.setDaemon(true);
            stdinWatcher.start();

            consumer.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    printAssignment(out, consumer.assignment(), partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    printAssignment(out, consumer.assignment(), Set.of());
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    printAssignment(out, consumer.assignment(), partitions);
                }
            });
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                StringBuilder lines = new StringBuilder();
                for (ConsumerRecord<String, String> r : records) {
                    lines.append("CONSUMED ").append(r.partition()).append(' ').append(r.offset()).append('\n');
                }
                out.print(lines);
                out.flush();
                try {
                    consumer.commitSync();
                    out.println("COMMITTED");
                    out.flush();
                } catch (CommitFailedException | RebalanceInProgressException e) {
                    // The partitions moved on: whoever gets them re-reads from the last commit.
                    out.println("COMMIT-FAILED " + e.getClass().getSimpleName());
                    out.flush();
                }
            }
        } catch (WakeupException e) {
            // stdin closed: the consumer is closed (LeaveGroup) by try-with-resources
        }
    }

    /** The assignment during a callback, less what is being revoked or lost. */
    private static void printAssignment(PrintStream out, Set<TopicPartition> assignment,
                                        Collection<TopicPartition> leaving) {
        String partitions = assignment.stream().filter(tp -> !leaving.contains(tp)).map(TopicPartition::partition)
                .sorted().map(String::valueOf).collect(Collectors.joining(" "));
        out.println(("ASSIGNED " + partitions).trim());
        out.flush();
    }
}
