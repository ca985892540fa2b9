package io.fjord.protocol.codegen;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Emits {@code ApiKey}, the registry of every API: id, name, version range, first flexible
 * version, header versions per API version, and factories for request and response objects.
 *
 * <p>The factories are a switch on the id, not a method reference per constant: ~90 APIs times two
 * references meant ~180 lambda classes linked at class initialisation, a measurable slice of the
 * broker's start-up.
 */
final class ApiKeyEmitter {
    private final Map<Integer, MessageSpec> requests = new TreeMap<>();
    private final Map<Integer, MessageSpec> responses = new TreeMap<>();

    ApiKeyEmitter(Collection<MessageSpec> messages) {
        for (MessageSpec message : messages) {
            if (message.isRequest()) {
                requests.put(message.apiKey(), message);
            } else if (message.isResponse()) {
                responses.put(message.apiKey(), message);
            }
        }
    }

    String emit() {
        CodeWriter out = new CodeWriter();
        out.javadoc("Every Kafka API Fjord can decode, from the merged 3.9 and 4.x schemas. Lookups by id are an "
                + "array index, since the broker does one per request. Immutable, so thread-safe.");
        out.open("public enum ApiKey");
        int count = 0;
        for (MessageSpec request : requests.values()) {
            MessageSpec response = responses.get(request.apiKey());
            if (response == null) {
                throw new IllegalArgumentException("no response for " + request.name());
            }
            if (!response.validVersions().equals(request.validVersions())) {
                throw new IllegalArgumentException(request.name() + " and its response disagree on versions");
            }
            String apiName = request.name().substring(0, request.name().length() - "Request".length());
            VersionRange flexible = request.flexibleVersions().intersect(request.validVersions());
            out.line(JavaNames.constant(apiName) + "((short) " + request.apiKey() + ", " + JavaNames.literal(apiName)
                    + ", (short) " + request.validVersions().lowest() + ", (short) " + request.validVersions().highest()
                    + ", (short) " + (flexible.isNone() ? -1 : flexible.lowest()) + ", " + request.latestVersionUnstable()
                    + ")"
                    + (++count == requests.size() ? ";" : ","));
        }
        out.blank();
        out.line("/** {@link #firstFlexibleVersion} of an API that has no flexible version. */");
        out.line("public static final short NOT_FLEXIBLE = -1;");
        out.line("private static final ApiKey[] BY_ID = indexById();");
        out.blank();
        out.line("public final short id;");
        out.line("/** Kafka's name for the API, e.g. \"Produce\". */");
        out.line("public final String apiName;");
        out.line("public final short lowestVersion;");
        out.line("public final short highestVersion;");
        out.line("/** From this version on the API uses compact encodings and tagged fields; or {@link #NOT_FLEXIBLE}. */");
        out.line("public final short firstFlexibleVersion;");
        out.line("/** Upstream still develops the highest version: do not advertise it by default. */");
        out.line("public final boolean latestVersionUnstable;");
        out.blank();
        out.open("ApiKey(short id, String apiName, short lowestVersion, short highestVersion, short firstFlexibleVersion,\n"
                + "           boolean latestVersionUnstable)");
        for (String field : new String[] {"id", "apiName", "lowestVersion", "highestVersion", "firstFlexibleVersion",
                "latestVersionUnstable"}) {
            out.line("this." + field + " = " + field + ";");
        }
        out.close();
        out.blank();
        out.open("private static ApiKey[] indexById()");
        out.line("short maxId = 0;");
        out.open("for (ApiKey key : values())");
        out.line("maxId = (short) Math.max(maxId, key.id);");
        out.close();
        out.line("ApiKey[] byId = new ApiKey[maxId + 1];");
        out.open("for (ApiKey key : values())");
        out.line("byId[key.id] = key;");
        out.close();
        out.line("return byId;");
        out.close();
        out.blank();
        out.line("/** The API with this id, or null if Fjord does not know it. */");
        out.open("public static ApiKey forId(int id)");
        out.line("return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;");
        out.close();
        out.blank();
        out.open("public boolean isVersionSupported(short version)");
        out.line("return version >= lowestVersion && version <= highestVersion;");
        out.close();
        out.blank();
        out.open("public boolean isFlexible(short version)");
        out.line("return firstFlexibleVersion != NOT_FLEXIBLE && version >= firstFlexibleVersion;");
        out.close();
        out.blank();
        out.javadoc("Request header version for a request of this API at {@code version}: v2 (tagged fields) for "
                + "flexible versions, else v1. (Header v0, without client id, was only used by ControlledShutdown v0, "
                + "an API Kafka 4 no longer describes.)");
        out.open("public short requestHeaderVersion(short version)");
        out.line("return isFlexible(version) ? (short) 2 : (short) 1;");
        out.close();
        out.blank();
        out.javadoc("Response header version for a response of this API at {@code version}: v1 for flexible "
                + "versions, else v0. ApiVersions always answers with v0: a client that sent a version the broker does "
                + "not know must still be able to parse the header of the error response.");
        out.open("public short responseHeaderVersion(short version)");
        out.open("if (this == API_VERSIONS)");
        out.line("return 0;");
        out.close();
        out.line("return isFlexible(version) ? (short) 1 : (short) 0;");
        out.close();
        out.blank();
        emitFactory(out, "newRequest", requests);
        out.blank();
        emitFactory(out, "newResponse", responses);
        out.close();

        return "// Generated by Fjord's protocol-codegen from Kafka's message schemas. Do not edit.\n"
                + "package " + MessageEmitter.PACKAGE + ";\n\n"
                + "import io.fjord.protocol.codec.ApiMessage;\n\n"
                + out;
    }

    /** {@code public ApiMessage name()}: a new message of this API, by a switch on the id. */
    private static void emitFactory(CodeWriter out, String name, Map<Integer, MessageSpec> messages) {
        out.open("public ApiMessage " + name + "()");
        out.open("switch (id)");
        for (Map.Entry<Integer, MessageSpec> message : messages.entrySet()) {
            out.line("case " + message.getKey() + ": return new " + message.getValue().name() + "();");
        }
        out.line("default: throw new IllegalStateException(\"no message class for API key \" + id);");
        out.close();
        out.close();
    }
}
