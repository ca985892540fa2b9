package io.fjord.log.group;

/** A member in DescribeGroups; metadata and assignment are empty unless the group is Stable (as Kafka). */
public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
                                byte[] metadata, byte[] assignment) {
}
