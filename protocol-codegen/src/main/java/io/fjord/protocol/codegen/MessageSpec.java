package io.fjord.protocol.codegen;

import java.util.List;

/**
 * One schema file: a request, response, header or data message.
 *
 * @param apiKey                the API key for requests and responses, else -1
 * @param latestVersionUnstable true when the highest version is still under development upstream;
 *                              kept so the broker can decide not to advertise it
 */
record MessageSpec(String name, String type, int apiKey, VersionRange validVersions,
                   VersionRange flexibleVersions, List<FieldSpec> fields, List<StructSpec> commonStructs,
                   boolean latestVersionUnstable) {

    boolean isRequest() {
        return type.equals("request");
    }

    boolean isResponse() {
        return type.equals("response");
    }

    boolean isApiMessage() {
        return isRequest() || isResponse();
    }

    MessageSpec with(VersionRange newValid, VersionRange newFlexible, List<FieldSpec> newFields,
                     List<StructSpec> newCommonStructs) {
        return new MessageSpec(name, type, apiKey, newValid, newFlexible, newFields, newCommonStructs,
                latestVersionUnstable);
    }
}
