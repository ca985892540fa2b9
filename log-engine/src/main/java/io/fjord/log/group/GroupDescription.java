package io.fjord.log.group;

import java.util.List;

/** DescribeGroups for one group; {@code state} uses Kafka's names (Empty, PreparingRebalance, ...). */
public record GroupDescription(GroupError error, String groupId, String state, String protocolType,
                               String protocolName, List<MemberDescription> members) {
}
