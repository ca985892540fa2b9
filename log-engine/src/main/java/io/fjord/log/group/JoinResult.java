package io.fjord.log.group;

import java.util.List;

/** A JoinGroup outcome; {@code members} is non-empty only for the leader. */
public record JoinResult(GroupError error, int generationId, String protocolType, String protocolName, String leaderId,
                         String memberId, List<JoinMember> members) {

    public static JoinResult error(GroupError error, String memberId) {
        return new JoinResult(error, -1, null, null, "", memberId == null ? "" : memberId, List.of());
    }
}
