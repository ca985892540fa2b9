package io.fjord.protocol.broker;

import io.fjord.log.EngineConfig;
import io.fjord.log.LogEngine;
import io.fjord.log.io.FileIo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage faults over the wire, with real Kafka clients: a CreateTopics that fails part way gets an
 * error and leaves nothing, and a full disk fails produce requests with KAFKA_STORAGE_ERROR; the
 * broker keeps serving and producing resumes once there is space.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StorageFaultsTest {
    private static final String NO_SPACE = "No space left on device";

    @TempDir
    Path dir;

    private final Faults faults = new Faults();
    private LogEngine engine;
    private Broker broker;

    /** Segment files whose writes fail with ENOSPC while {@link #full}, and whose open fails in {@link #failOpenIn}. */
    private static final class Faults implements FileIo {
        volatile boolean full;
        volatile String failOpenIn;

        @Override
        public FileChannel open(Path path, OpenOption... options) throws IOException {
            if (path.getParent().getFileName().toString().equals(failOpenIn)) {
                throw new IOException("Too many open files");
            }
            return new FillingChannel(FileChannel.open(path, options), this);
        }
    }

    @BeforeEach
    void start() {
        engine = LogEngine.open(EngineConfig.builder(dir).fileIo(faults).build());
        broker = Broker.start(engine, BrokerConfig.builder().listener("127.0.0.1", 0).build());
    }

    @AfterEach
    void stop() {
        broker.close();
        engine.close();
    }

    private Admin admin() {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(a);
    }

    @Test
    void aCreateTopicsFailingPartWayGetsAnErrorAndLeavesNothing() throws Exception {
        try (Admin admin = admin()) {
            faults.failOpenIn = "doomed-3";
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.createTopics(List.of(new NewTopic("doomed", 6, (short) 1))).all().get());
            assertInstanceOf(KafkaStorageException.class, e.getCause(), e.toString());
            assertTrue(e.getCause().getMessage().contains("Too many open files"), e.getCause().getMessage());
            assertFalse(admin.listTopics().names().get().contains("doomed"));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("doomed")).toList());
            }

            faults.failOpenIn = null;
            admin.createTopics(List.of(new NewTopic("doomed", 6, (short) 1))).all().get();
            assertEquals(6, admin.describeTopics(List.of("doomed")).allTopicNames().get().get("doomed")
                    .partitions().size());
        }
    }

    @Test
    void aFullDiskFailsProduceWithAStorageErrorAndProducingResumesWhenSpaceReturns() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
        }
        Properties props = BrokerTestSupport.producerProps(broker.bootstrap());
        // Kafka clients retry KAFKA_STORAGE_ERROR (it is retriable) until delivery.timeout.ms; with
        // no retries the broker's answer itself reaches the application.
        props.put(ProducerConfig.RETRIES_CONFIG, "0");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>("t", "k0", "before")).get();

            faults.full = true;
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("t", "k1", "lost")).get());
            assertInstanceOf(KafkaStorageException.class, e.getCause(), e.toString());
            assertTrue(engine.metrics().diskFull());
            assertTrue(engine.metrics().storageErrors() >= 1);

            faults.full = false;
            assertEquals(1, producer.send(new ProducerRecord<>("t", "k2", "after")).get().offset());
            assertFalse(engine.metrics().diskFull());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                BrokerTestSupport.consumerProps(broker.bootstrap()))) {
            List<ConsumerRecord<String, String>> read = BrokerTestSupport.readAll(consumer,
                    List.of(new TopicPartition("t", 0)), Duration.ofSeconds(30));
            assertEquals(List.of("before", "after"), read.stream().map(ConsumerRecord::value).toList());
        }
    }

    /** Forwards to a real channel; positional and relative writes fail with ENOSPC while the disk is full. */
    private static final class FillingChannel extends FileChannel {
        private final FileChannel delegate;
        private final Faults faults;

        FillingChannel(FileChannel delegate, Faults faults) {
            this.delegate = delegate;
            this.faults = faults;
        }

        private void checkSpace() throws IOException {
            if (faults.full) {
                throw new IOException(NO_SPACE);
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            checkSpace();
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            checkSpace();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            checkSpace();
            return delegate.write(src, position);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            checkSpace();
            return delegate.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
