package io.fjord.protocol.message;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Fills a Kafka {@code *Data} message with random non-default values in every field the target
 * version can carry, by reflection over its fluent setters.
 *
 * <p>Which fields a version carries is learned from Kafka itself: each value is kept only if the
 * whole message still serializes at that version (Kafka refuses non-default values in fields a
 * version lacks, unless they are ignorable, in which case the caller's Kafka round trip drops
 * them). Deterministic for a seed: setters are visited in name order.
 */
final class KafkaMessageFiller {
    private static final int MAX_DEPTH = 8;
    private static final String CHARSET = "abcdefghijklmnopqrstuvwxyz0123456789-_.é€中𝄞";

    private final KafkaOracle oracle;
    private final Object root;
    private final short version;
    private final Random random;
    private final double nullProbability;

    KafkaMessageFiller(KafkaOracle oracle, Object root, short version, long seed, double nullProbability) {
        this.oracle = oracle;
        this.root = root;
        this.version = version;
        this.random = new Random(seed);
        this.nullProbability = nullProbability;
    }

    void fill() throws ReflectiveOperationException {
        fill(root, 0);
    }

    private boolean rootWrites() {
        try {
            oracle.write(root, version);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    private void fill(Object target, int depth) throws ReflectiveOperationException {
        if (depth > MAX_DEPTH) {
            return;
        }
        List<Method> setters = new ArrayList<>();
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1
                    && method.getReturnType() == target.getClass() && !Modifier.isStatic(method.getModifiers())) {
                setters.add(method);
            }
        }
        setters.sort(Comparator.comparing(Method::getName));
        for (Method setter : setters) {
            String property = Character.toLowerCase(setter.getName().charAt(3)) + setter.getName().substring(4);
            Method getter;
            try {
                getter = target.getClass().getMethod(property);
            } catch (NoSuchMethodException e) {
                continue;
            }
            fillProperty(target, setter, getter, depth);
        }
    }

    private void fillProperty(Object target, Method setter, Method getter, int depth) throws ReflectiveOperationException {
        Object original = getter.invoke(target);
        Class<?> type = setter.getParameterTypes()[0];
        if (!type.isPrimitive() && random.nextDouble() < nullProbability) {
            setter.invoke(target, (Object) null);
            if (rootWrites()) {
                return;
            }
        }
        if (isStruct(type)) {
            Object struct = type.getConstructor().newInstance();
            setter.invoke(target, struct);
            if (rootWrites()) {
                fill(struct, depth + 1);
                return;
            }
        } else if (Collection.class.isAssignableFrom(type)) {
            if (fillCollection(target, setter, type, depth)) {
                return;
            }
        } else {
            for (Object candidate : scalarCandidates(type)) {
                if (trySet(target, setter, candidate) && rootWrites()) {
                    return;
                }
            }
        }
        setter.invoke(target, original);
    }

    private boolean fillCollection(Object target, Method setter, Class<?> type, int depth)
            throws ReflectiveOperationException {
        Class<?> element = elementType(setter);
        @SuppressWarnings("unchecked")
        Collection<Object> items = type.isInterface()
                ? new ArrayList<>()
                : (Collection<Object>) type.getConstructor().newInstance();
        int count = 1 + random.nextInt(2);
        List<Object> structs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (isStruct(element)) {
                Object struct = element.getConstructor().newInstance();
                structs.add(struct);
                items.add(struct);
            } else {
                // The last candidate is the conservative one (e.g. small enough for uint16).
                List<Object> candidates = scalarCandidates(element);
                items.add(candidates.get(candidates.size() - 1));
            }
        }
        setter.invoke(target, items);
        if (!rootWrites()) {
            return false;
        }
        for (Object struct : structs) {
            fill(struct, depth + 1);
        }
        return true;
    }

    /** Kafka's setters reject some values themselves (uint16 ranges). */
    private static boolean trySet(Object target, Method setter, Object value) {
        try {
            setter.invoke(target, value);
            return true;
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Class<?> elementType(Method setter) {
        Type generic = setter.getGenericParameterTypes()[0];
        if (generic instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getActualTypeArguments()[0];
        }
        // Kafka's keyed collections: FooCollection extends ImplicitLinkedHashMultiCollection<Foo>.
        Type superType = setter.getParameterTypes()[0].getGenericSuperclass();
        while (superType instanceof Class<?> superClass) {
            superType = superClass.getGenericSuperclass();
        }
        return (Class<?>) ((ParameterizedType) superType).getActualTypeArguments()[0];
    }

    private boolean isStruct(Class<?> type) {
        try {
            return oracle.loadClass("org.apache.kafka.common.protocol.Message").isAssignableFrom(type);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Values to try, most interesting first: full-range, then small positive (for unsigned fields). */
    private List<Object> scalarCandidates(Class<?> type) throws ReflectiveOperationException {
        int small = 1 + random.nextInt(1000);
        if (type == boolean.class || type == Boolean.class) {
            return List.of(true, false);
        }
        if (type == byte.class || type == Byte.class) {
            return List.of((byte) (1 + random.nextInt(127)), (byte) -1);
        }
        if (type == short.class || type == Short.class) {
            return List.of((short) random.nextInt(), (short) small);
        }
        if (type == int.class || type == Integer.class) {
            return List.of(random.nextInt(), small);
        }
        if (type == long.class || type == Long.class) {
            return List.of(random.nextLong(), (long) small);
        }
        if (type == double.class || type == Double.class) {
            return List.of(random.nextDouble() * 1e6, 1.5);
        }
        if (type == String.class) {
            return List.of(randomString(), "x");
        }
        if (type == byte[].class) {
            return List.of(randomBytes(), new byte[] {1});
        }
        if (type == ByteBuffer.class) {
            return List.of(ByteBuffer.wrap(randomBytes()));
        }
        if (type.getName().equals("org.apache.kafka.common.Uuid")) {
            return List.of(type.getConstructor(long.class, long.class).newInstance(random.nextLong(), random.nextLong()));
        }
        if (type.getName().startsWith("org.apache.kafka.common.record.")) { // BaseRecords / Records
            Class<?> memoryRecords;
            try {
                memoryRecords = oracle.loadClass("org.apache.kafka.common.record.MemoryRecords"); // 3.9
            } catch (ClassNotFoundException e) {
                memoryRecords = oracle.loadClass("org.apache.kafka.common.record.internal.MemoryRecords"); // 4.4
            }
            Object records = memoryRecords.getMethod("readableRecords", ByteBuffer.class)
                    .invoke(null, ByteBuffer.wrap(randomBytes()));
            return List.of(records);
        }
        throw new IllegalArgumentException("no values for " + type + " (" + Arrays.toString(type.getInterfaces()) + ")");
    }

    private String randomString() {
        int length = 1 + random.nextInt(10);
        StringBuilder builder = new StringBuilder();
        int[] codePoints = CHARSET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            builder.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return builder.toString();
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[1 + random.nextInt(40)];
        random.nextBytes(bytes);
        return bytes;
    }
}
