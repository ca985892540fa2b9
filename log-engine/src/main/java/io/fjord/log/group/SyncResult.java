package io.fjord.log.group;

/** A SyncGroup outcome: the member's own assignment bytes (opaque to the coordinator). */
public record SyncResult(GroupError error, String protocolType, String protocolName, byte[] assignment) {
    static final byte[] NO_ASSIGNMENT = new byte[0];

    public static SyncResult error(GroupError error) {
        return new SyncResult(error, null, null, NO_ASSIGNMENT);
    }
}
