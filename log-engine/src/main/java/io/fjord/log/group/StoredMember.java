package io.fjord.log.group;

/** A member as written in a group-metadata record (see {@link OffsetsTopicDescriptor}). Immutable. */
record StoredMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                    int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
}
