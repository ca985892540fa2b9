package io.fjord.log.group;

/** One protocol a joining member supports (e.g. "range"), with its opaque subscription metadata. */
public record JoinProtocol(String name, byte[] metadata) {
}
