package io.fjord.protocol.codegen;

import java.util.Locale;

/** Java identifiers derived from schema names. */
final class JavaNames {
    private JavaNames() {
    }

    /** {@code "TopicData"} to {@code "topicData"}. */
    static String field(String schemaName) {
        return Character.toLowerCase(schemaName.charAt(0)) + schemaName.substring(1);
    }

    /** {@code "TopicData"} to {@code "setTopicData"}; {@code "validateOnly"} (a few schemas) to {@code "setValidateOnly"}. */
    static String setter(String schemaName) {
        return "set" + Character.toUpperCase(schemaName.charAt(0)) + schemaName.substring(1);
    }

    /** {@code "OffsetForLeaderEpoch"} to {@code "OFFSET_FOR_LEADER_EPOCH"}. */
    static String constant(String camelCase) {
        StringBuilder builder = new StringBuilder();
        for (int i = 0; i < camelCase.length(); i++) {
            char c = camelCase.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && !Character.isUpperCase(camelCase.charAt(i - 1))) {
                builder.append('_');
            }
            builder.append(c);
        }
        return builder.toString().toUpperCase(Locale.ROOT);
    }

    /** A Java string literal for {@code text}. */
    static String literal(String text) {
        StringBuilder builder = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> builder.append("\\\"");
                case '\\' -> builder.append("\\\\");
                case '\n' -> builder.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        builder.append(String.format("\\u%04x", (int) c));
                    } else {
                        builder.append(c);
                    }
                }
            }
        }
        return builder.append('"').toString();
    }
}
