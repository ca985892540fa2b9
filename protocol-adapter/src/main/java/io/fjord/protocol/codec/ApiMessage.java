package io.fjord.protocol.codec;

/** The body of a request or response of one Kafka API. */
public interface ApiMessage extends Message {
    short apiKey();

    short lowestSupportedVersion();

    short highestSupportedVersion();
}
