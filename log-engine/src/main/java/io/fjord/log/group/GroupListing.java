package io.fjord.log.group;

/** One group in ListGroups. */
public record GroupListing(String groupId, String protocolType, String state) {
}
