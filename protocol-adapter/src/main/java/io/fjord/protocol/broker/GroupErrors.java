package io.fjord.protocol.broker;

import io.fjord.log.group.GroupError;
import io.fjord.protocol.Errors;

/** The coordinator's errors carry Kafka's names; the wire needs their codes. */
final class GroupErrors {
    private GroupErrors() {
    }

    static short code(GroupError error) {
        return Errors.valueOf(error.name()).code();
    }
}
