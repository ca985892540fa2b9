package io.fjord.protocol.codec;

import java.util.UUID;

/** UUID constants of the protocol. */
public final class Uuids {
    /** Kafka's "no id" (Uuid.ZERO_UUID): the default of every uuid field. */
    public static final UUID ZERO = new UUID(0L, 0L);

    private Uuids() {
    }
}
