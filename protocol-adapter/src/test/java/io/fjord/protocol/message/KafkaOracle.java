package io.fjord.protocol.message;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One kafka-clients version's generated {@code *Data} classes, driven by reflection so that the
 * same code serves 4.4 (on the test classpath) and 3.9 (loaded from its own jar).
 *
 * <p>Why a separate class loader for 3.9: Maven puts one version of an artifact on a classpath,
 * and both versions define the same class names. The 3.9 jar is copied to target/oracle by the
 * build and loaded with the platform loader as parent, so none of 4.4's classes can leak in;
 * only SLF4J (which 3.9's record classes log through) is shared.
 */
final class KafkaOracle {
    private static final String MESSAGE_PACKAGE = "org.apache.kafka.common.message.";

    private final String label;
    private final ClassLoader loader;
    private final Class<?> cacheClass;
    private final Class<?> accessorClass;
    private final Method size;
    private final Method write;
    private final Method read;

    private KafkaOracle(String label, ClassLoader loader) throws ReflectiveOperationException {
        this.label = label;
        this.loader = loader;
        Class<?> message = loader.loadClass("org.apache.kafka.common.protocol.Message");
        this.cacheClass = loader.loadClass("org.apache.kafka.common.protocol.ObjectSerializationCache");
        this.accessorClass = loader.loadClass("org.apache.kafka.common.protocol.ByteBufferAccessor");
        Class<?> writable = loader.loadClass("org.apache.kafka.common.protocol.Writable");
        Class<?> readable = loader.loadClass("org.apache.kafka.common.protocol.Readable");
        this.size = message.getMethod("size", cacheClass, short.class);
        this.write = message.getMethod("write", writable, cacheClass, short.class);
        this.read = message.getMethod("read", readable, short.class);
    }

    static KafkaOracle kafka44() {
        try {
            return new KafkaOracle("kafka-clients 4.4", KafkaOracle.class.getClassLoader());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static KafkaOracle kafka39() {
        String jar = System.getProperty("fjord.kafka39.jar", "target/oracle/kafka-clients-3.9.jar");
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("missing " + jar + ": run the build (dependency:copy) first");
        }
        ClassLoader testLoader = KafkaOracle.class.getClassLoader();
        ClassLoader slf4jOnly = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("org.slf4j.")) {
                    return testLoader.loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };
        try {
            URL url = Path.of(jar).toUri().toURL();
            return new KafkaOracle("kafka-clients 3.9", new URLClassLoader(new URL[] {url}, slf4jOnly));
        } catch (MalformedURLException | ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    String label() {
        return label;
    }

    Class<?> loadClass(String name) throws ClassNotFoundException {
        return loader.loadClass(name);
    }

    /**
     * Kafka's class for a Fjord message name, or null: requests, responses and headers carry a
     * Data suffix (ProduceRequest to ProduceRequestData), "data" messages do not
     * (ConsumerProtocolAssignment).
     */
    Class<?> dataClass(String messageName) {
        for (String name : new String[] {messageName + "Data", messageName}) {
            try {
                return loader.loadClass(MESSAGE_PACKAGE + name);
            } catch (ClassNotFoundException e) {
                // try the next spelling
            }
        }
        return null;
    }

    static short staticShort(Class<?> dataClass, String field) {
        try {
            return dataClass.getField(field).getShort(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean supports(Class<?> dataClass, short version) {
        return dataClass != null
                && version >= staticShort(dataClass, "LOWEST_SUPPORTED_VERSION")
                && version <= staticShort(dataClass, "HIGHEST_SUPPORTED_VERSION");
    }

    byte[] write(Object message, short version) throws Throwable {
        try {
            Object cache = cacheClass.getConstructor().newInstance();
            int bytes = (Integer) size.invoke(message, cache, version);
            ByteBuffer buffer = ByteBuffer.allocate(bytes);
            Object accessor = accessorClass.getConstructor(ByteBuffer.class).newInstance(buffer);
            write.invoke(message, accessor, cache, version);
            if (buffer.hasRemaining()) {
                throw new IllegalStateException("Kafka wrote fewer bytes than it sized");
            }
            return buffer.array();
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    Object read(Class<?> dataClass, byte[] bytes, short version) throws Throwable {
        try {
            Object message = dataClass.getConstructor().newInstance();
            Object accessor = accessorClass.getConstructor(ByteBuffer.class).newInstance(ByteBuffer.wrap(bytes));
            read.invoke(message, accessor, version);
            return message;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
