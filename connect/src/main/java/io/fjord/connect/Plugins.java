package io.fjord.connect;

import org.apache.kafka.common.config.ConfigException;

/**
 * Instantiates connector, task and converter classes named in config. Plugins come from the
 * classpath (there is no {@code plugin.path} isolation): the thread's context class loader first,
 * then this module's.
 */
final class Plugins {
    private Plugins() {
    }

    /** A new {@code type} from the class named by {@code key}; a {@link ConfigException} naming the key otherwise. */
    static <T> T newInstance(String className, Class<T> type, String key) {
        Class<?> found = load(className, key);
        if (!type.isAssignableFrom(found)) {
            throw new ConfigException(key, className, "is not a " + type.getName());
        }
        return newInstance(found.asSubclass(type), key);
    }

    static <T> T newInstance(Class<? extends T> type, String key) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigException(key, type.getName(), "cannot be instantiated (a public no-argument constructor is "
                    + "needed): " + e);
        }
    }

    private static Class<?> load(String className, String key) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(className, true, context != null ? context : Plugins.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError first) {
            try {
                return Class.forName(className, true, Plugins.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ConfigException(key, className, "class not found on the classpath");
            }
        }
    }
}
