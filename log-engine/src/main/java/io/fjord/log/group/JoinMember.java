package io.fjord.log.group;

/** A member as the leader sees it in its JoinGroup response: the metadata of the selected protocol. */
public record JoinMember(String memberId, String groupInstanceId, byte[] metadata) {
}
