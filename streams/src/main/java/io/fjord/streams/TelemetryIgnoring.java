package io.fjord.streams;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Wraps a fjord-client Producer/Consumer so that {@code registerMetricForSubscription} and
 * {@code unregisterMetricFromSubscription} are no-ops instead of throwing: Kafka Streams 4.x
 * registers every thread metric on its main consumer (KIP-1076) while creating a StreamThread, and
 * fjord-client refuses these calls (there is no broker to push client telemetry to). Every other
 * call goes to the client unchanged.
 */
final class TelemetryIgnoring implements InvocationHandler {
    private final Object delegate;

    private TelemetryIgnoring(Object delegate) {
        this.delegate = delegate;
    }

    static <T> T wrap(Class<T> type, T delegate) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new TelemetryIgnoring(delegate)));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if ((name.equals("registerMetricForSubscription") || name.equals("unregisterMetricFromSubscription"))
                && method.getParameterCount() == 1) {
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "TelemetryIgnoring(" + delegate + ")";
            };
        }
        try {
            return method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
