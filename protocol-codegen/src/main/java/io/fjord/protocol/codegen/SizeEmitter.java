package io.fjord.protocol.codegen;

import java.util.List;

/**
 * Emits {@code size(short version)}: the exact number of bytes {@code write} will produce, so a
 * caller can size its buffer (or the frame's length prefix) before encoding. Mirrors
 * {@link WriteEmitter} branch for branch; the differential tests check that the two agree.
 */
final class SizeEmitter {
    private final CodeWriter out;
    private final StructContext struct;

    SizeEmitter(CodeWriter out, StructContext struct) {
        this.out = out;
        this.struct = struct;
    }

    void emit() {
        out.line("@Override");
        out.open("public int size(short version)");
        out.line("int size = 0;");
        for (FieldSpec field : struct.fields()) {
            FieldWalker.regularField(out, struct, field, (f, versions) -> sizeValue(f, versions, "size", false), null);
        }
        emitTaggedSection();
        out.line("return size;");
        out.close();
    }

    private void emitTaggedSection() {
        FieldWalker.taggedSection(out, struct, () -> out.line("size += 1; // tagged field count: zero"),
                this::sizeTaggedFields);
    }

    private void sizeTaggedFields(List<FieldSpec> tagged) {
        out.line("int taggedCount = 0;");
        for (FieldSpec field : tagged) {
            String sizeVariable = JavaNames.field(field.name()) + "Size";
            out.open("if (" + struct.taggedCondition(field) + ")");
            out.line("taggedCount++;");
            out.line("int " + sizeVariable + " = 0;");
            sizeValue(field, struct.taggedVersions(field), sizeVariable, true);
            out.line("size += Sizes.unsignedVarint(" + field.tag() + ") + Sizes.unsignedVarint(" + sizeVariable
                    + ") + " + sizeVariable + ";");
            out.close();
        }
        out.line("size += Sizes.unsignedVarint(taggedCount);");
    }

    /** Adds the encoded size of one field's value to {@code accumulator}. */
    void sizeValue(FieldSpec field, VersionRange versions, String accumulator, boolean tagged) {
        FieldType type = field.type();
        String compact = tagged ? "true" : VersionGuard.within(struct.flexibleFor(field), versions);
        String nullable = VersionGuard.within(field.nullableVersions(), versions);
        String value = "this." + JavaNames.field(field.name());
        switch (type.kind()) {
            case STRUCT -> {
                if (nullable.equals(VersionGuard.TRUE)) {
                    out.line(accumulator + " += 1; // presence marker");
                } else if (!nullable.equals(VersionGuard.FALSE)) {
                    out.open("if (" + nullable + ")");
                    out.line(accumulator + " += 1; // presence marker");
                    out.close();
                }
                out.open("if (" + value + " != null)");
                out.line(accumulator + " += " + value + ".size(version);");
                out.close();
            }
            case ARRAY -> {
                FieldType element = type.element();
                out.line(accumulator + " += Sizes.arrayLength(" + value + ", " + compact + ");");
                if (element.kind().fixedWidthBytes > 0) {
                    out.open("if (" + value + " != null)");
                    out.line(accumulator + " += " + value + ".size() * " + element.kind().fixedWidthBytes + ";");
                    out.close();
                } else {
                    out.open("if (" + value + " != null)");
                    out.open("for (" + JavaTypes.boxed(element) + " element : " + value + ")");
                    out.line(accumulator + " += " + elementSize(element, compact) + ";");
                    out.close();
                    out.close();
                }
            }
            default -> out.line(accumulator + " += " + scalarSize(type, value, compact) + ";");
        }
    }

    private static String elementSize(FieldType element, String compact) {
        return element.isStruct() ? "element.size(version)" : scalarSize(element, "element", compact);
    }

    static String scalarSize(FieldType type, String value, String compact) {
        return switch (type.kind()) {
            case STRING -> "Sizes.string(" + value + ", " + compact + ")";
            case BYTES -> "Sizes.bytes(" + value + ", " + compact + ")";
            case RECORDS -> "Sizes.records(" + value + ", " + compact + ")";
            default -> {
                if (type.kind().fixedWidthBytes <= 0) {
                    throw new IllegalArgumentException("not a scalar: " + type);
                }
                yield Integer.toString(type.kind().fixedWidthBytes);
            }
        };
    }
}
