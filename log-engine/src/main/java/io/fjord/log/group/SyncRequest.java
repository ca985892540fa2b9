package io.fjord.log.group;

import java.util.Map;

/** A SyncGroup request; {@code assignments} come from the leader and are empty from followers. */
public record SyncRequest(String groupId, int generationId, String memberId, String groupInstanceId,
                          String protocolType, String protocolName, Map<String, byte[]> assignments) {
}
