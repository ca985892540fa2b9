package io.fjord.protocol.codegen;

/**
 * The type of a schema field: a primitive, a struct (named by its type), or an array of either.
 * Parsed from the schema's {@code "type"} attribute, e.g. {@code "int32"}, {@code "[]string"},
 * {@code "[]TopicProduceData"}, {@code "LeaderIdAndEpoch"}.
 */
record FieldType(Kind kind, String structName, FieldType element) {

    enum Kind {
        BOOL(1), INT8(1), INT16(2), UINT16(2), INT32(4), UINT32(4), INT64(8), FLOAT64(8), UUID(16),
        STRING(-1), BYTES(-1), RECORDS(-1), STRUCT(-1), ARRAY(-1);

        /** Encoded width in bytes, or -1 when the width depends on the value. */
        final int fixedWidthBytes;

        Kind(int fixedWidthBytes) {
            this.fixedWidthBytes = fixedWidthBytes;
        }
    }

    static FieldType parse(String text) {
        if (text.startsWith("[]")) {
            return new FieldType(Kind.ARRAY, null, parse(text.substring(2)));
        }
        return switch (text) {
            case "bool" -> primitive(Kind.BOOL);
            case "int8" -> primitive(Kind.INT8);
            case "int16" -> primitive(Kind.INT16);
            case "uint16" -> primitive(Kind.UINT16);
            case "int32" -> primitive(Kind.INT32);
            case "uint32" -> primitive(Kind.UINT32);
            case "int64" -> primitive(Kind.INT64);
            case "float64" -> primitive(Kind.FLOAT64);
            case "uuid" -> primitive(Kind.UUID);
            case "string" -> primitive(Kind.STRING);
            case "bytes" -> primitive(Kind.BYTES);
            case "records" -> primitive(Kind.RECORDS);
            default -> {
                if (text.isEmpty() || !Character.isUpperCase(text.charAt(0))) {
                    throw new IllegalArgumentException("unknown field type '" + text + "'");
                }
                yield new FieldType(Kind.STRUCT, text, null);
            }
        };
    }

    private static FieldType primitive(Kind kind) {
        return new FieldType(kind, null, null);
    }

    boolean isArray() {
        return kind == Kind.ARRAY;
    }

    boolean isStruct() {
        return kind == Kind.STRUCT;
    }

    boolean isStructArray() {
        return isArray() && element.isStruct();
    }

    /** Types that can be null on the wire in a version listed in nullableVersions. */
    boolean canBeNullable() {
        return kind == Kind.STRING || kind == Kind.BYTES || kind == Kind.RECORDS
                || kind == Kind.ARRAY || kind == Kind.STRUCT;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ARRAY -> "[]" + element;
            case STRUCT -> structName;
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
