package io.fjord.protocol.codegen;

/**
 * How each schema type looks in Java: declared type, default value, "is default" test, and the
 * pieces of equals/hashCode. Unsigned types widen (uint16 to int, uint32 to long) so values above
 * the signed range need no tricks at the call site.
 */
final class JavaTypes {
    private JavaTypes() {
    }

    static String declared(FieldType type) {
        return switch (type.kind()) {
            case BOOL -> "boolean";
            case INT8 -> "byte";
            case INT16 -> "short";
            case UINT16, INT32 -> "int";
            case UINT32, INT64 -> "long";
            case FLOAT64 -> "double";
            case UUID -> "UUID";
            case STRING -> "String";
            case BYTES -> "byte[]";
            case RECORDS -> "RecordsPayload";
            case STRUCT -> type.structName();
            case ARRAY -> "List<" + boxed(type.element()) + ">";
        };
    }

    static String boxed(FieldType type) {
        return switch (type.kind()) {
            case BOOL -> "Boolean";
            case INT8 -> "Byte";
            case INT16 -> "Short";
            case UINT16, INT32 -> "Integer";
            case UINT32, INT64 -> "Long";
            case FLOAT64 -> "Double";
            default -> declared(type);
        };
    }

    static boolean isPrimitive(FieldType type) {
        return switch (type.kind()) {
            case BOOL, INT8, INT16, UINT16, INT32, UINT32, INT64, FLOAT64 -> true;
            default -> false;
        };
    }

    /** True when the schema's default for this field is null. */
    static boolean defaultsToNull(FieldSpec field) {
        if (field.type().kind() == FieldType.Kind.RECORDS) {
            return true; // Kafka's records fields start out null: there is no "empty records" value.
        }
        return "null".equals(field.defaultValue());
    }

    /** The Java expression of the field's default value. */
    static String defaultValue(FieldSpec field) {
        FieldType type = field.type();
        String text = field.defaultValue();
        if (defaultsToNull(field)) {
            if (!type.canBeNullable()) {
                throw new IllegalArgumentException(field.name() + ": null default for " + type);
            }
            return "null";
        }
        boolean given = text != null && !text.isEmpty();
        return switch (type.kind()) {
            case BOOL -> given ? Boolean.toString(Boolean.parseBoolean(text)) : "false";
            case INT8 -> given ? "(byte) " + Byte.decode(text) : "(byte) 0";
            case INT16 -> given ? "(short) " + Short.decode(text) : "(short) 0";
            case UINT16, INT32 -> given ? integerLiteral(text) : "0";
            case UINT32, INT64 -> given ? Long.decode(text) + "L" : "0L";
            case FLOAT64 -> given ? Double.parseDouble(text) + "" : "0.0";
            case UUID -> "Uuids.ZERO";
            case STRING -> JavaNames.literal(text == null ? "" : text);
            case BYTES -> "Bytes.EMPTY";
            case RECORDS -> "null";
            case STRUCT -> "new " + type.structName() + "()";
            case ARRAY -> "new ArrayList<>()";
        };
    }

    private static String integerLiteral(String text) {
        // Keep hex as written (0x7fffffff reads better than 2147483647).
        return text.startsWith("0x") ? text : Integer.toString(Integer.decode(text));
    }

    /** A boolean expression: does {@code value} equal the field's default? */
    static String isDefault(FieldSpec field, String value) {
        FieldType type = field.type();
        if (defaultsToNull(field)) {
            return value + " == null";
        }
        return switch (type.kind()) {
            case FLOAT64 -> "Double.compare(" + value + ", " + defaultValue(field) + ") == 0";
            case BOOL, INT8, INT16, UINT16, INT32, UINT32, INT64 -> value + " == " + defaultValue(field);
            case UUID -> "Uuids.ZERO.equals(" + value + ")";
            case STRING -> defaultValue(field) + ".equals(" + value + ")";
            case BYTES -> value + " != null && " + value + ".length == 0";
            case ARRAY -> value + " != null && " + value + ".isEmpty()";
            case STRUCT -> defaultValue(field) + ".equals(" + value + ")";
            case RECORDS -> value + " == null";
        };
    }

    /** The negation of {@link #isDefault}, written the way a person would. */
    static String isNotDefault(FieldSpec field, String value) {
        FieldType type = field.type();
        if (defaultsToNull(field)) {
            return value + " != null";
        }
        return switch (type.kind()) {
            case FLOAT64 -> "Double.compare(" + value + ", " + defaultValue(field) + ") != 0";
            case BOOL, INT8, INT16, UINT16, INT32, UINT32, INT64 -> value + " != " + defaultValue(field);
            case UUID -> "!Uuids.ZERO.equals(" + value + ")";
            case STRING -> "!" + defaultValue(field) + ".equals(" + value + ")";
            case BYTES -> "(" + value + " == null || " + value + ".length != 0)";
            case ARRAY -> "(" + value + " == null || !" + value + ".isEmpty())";
            case STRUCT -> "!" + defaultValue(field) + ".equals(" + value + ")";
            case RECORDS -> value + " != null";
        };
    }

    static String equalsTerm(FieldType type, String mine, String theirs) {
        return switch (type.kind()) {
            case FLOAT64 -> "Double.compare(" + mine + ", " + theirs + ") == 0";
            case BOOL, INT8, INT16, UINT16, INT32, UINT32, INT64 -> mine + " == " + theirs;
            case BYTES -> "Arrays.equals(" + mine + ", " + theirs + ")";
            default -> "Objects.equals(" + mine + ", " + theirs + ")";
        };
    }

    static String hashTerm(FieldType type, String value) {
        return switch (type.kind()) {
            case BOOL -> "Boolean.hashCode(" + value + ")";
            case INT8 -> "Byte.hashCode(" + value + ")";
            case INT16 -> "Short.hashCode(" + value + ")";
            case UINT16, INT32 -> "Integer.hashCode(" + value + ")";
            case UINT32, INT64 -> "Long.hashCode(" + value + ")";
            case FLOAT64 -> "Double.hashCode(" + value + ")";
            case BYTES -> "Arrays.hashCode(" + value + ")";
            default -> "Objects.hashCode(" + value + ")";
        };
    }

    static String toStringTerm(FieldType type, String value) {
        return switch (type.kind()) {
            case BYTES -> "Bytes.describe(" + value + ")";
            case STRING -> "(" + value + " == null ? \"null\" : \"'\" + " + value + " + \"'\")";
            default -> "String.valueOf(" + value + ")";
        };
    }
}
