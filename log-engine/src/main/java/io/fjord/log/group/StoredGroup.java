package io.fjord.log.group;

import java.util.List;

/** A group-metadata record's value (see {@link OffsetsTopicDescriptor}). Immutable. */
record StoredGroup(String protocolType, int generationId, String protocolName, String leaderId,
                   long stateTimestampMs, List<StoredMember> members) {
}
