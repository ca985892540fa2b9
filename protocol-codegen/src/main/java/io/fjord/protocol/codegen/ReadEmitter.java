package io.fjord.protocol.codegen;

import java.util.List;

/**
 * Emits {@code read(Readable in, short version)}: regular fields in schema order, then (in
 * flexible versions) the tagged-field section. Every field is assigned on every read, so a reused
 * object never keeps a value from an earlier message. Length checks live in {@code Readable}, which
 * rejects any length larger than the bytes that remain before allocating.
 */
final class ReadEmitter {
    private final CodeWriter out;
    private final StructContext struct;

    ReadEmitter(CodeWriter out, StructContext struct) {
        this.out = out;
        this.struct = struct;
    }

    void emit() {
        out.line("@Override");
        out.open("public void read(Readable in, short version)");
        if (struct.topLevel()) {
            out.line("UnsupportedVersionException.check(version, LOWEST_SUPPORTED_VERSION, HIGHEST_SUPPORTED_VERSION, "
                    + JavaNames.literal(struct.className()) + ");");
        }
        for (FieldSpec field : struct.fields()) {
            FieldWalker.regularField(out, struct, field, (f, versions) -> readValue(f, versions, false),
                    f -> out.line(target(f) + " = " + JavaTypes.defaultValue(f) + ";"));
        }
        emitTaggedSection();
        out.close();
    }

    private void emitTaggedSection() {
        FieldWalker.taggedSection(out, struct, () -> out.line("in.skipTaggedFields();"), this::readTaggedFields);
    }

    private void readTaggedFields(List<FieldSpec> tagged) {
        out.line("int taggedCount = in.readTaggedFieldCount();");
        out.open("for (int tagIndex = 0; tagIndex < taggedCount; tagIndex++)");
        out.line("int tag = in.readUnsignedVarint();");
        out.line("int tagSize = in.readTaggedFieldSize();");
        out.open("switch (tag)");
        for (FieldSpec field : tagged) {
            VersionRange versions = struct.taggedVersions(field);
            String guard = VersionGuard.within(versions, struct.versions().intersect(struct.messageFlexible()));
            out.open("case " + field.tag() + " ->");
            if (!guard.equals(VersionGuard.TRUE)) {
                out.open("if (" + guard + ")");
            }
            out.line("int tagEnd = in.position() + tagSize;");
            readValue(field, versions, true);
            out.line("in.expectPosition(tagEnd, " + struct.errorLabel(field) + ");");
            if (!guard.equals(VersionGuard.TRUE)) {
                // A known tag in a version that does not define it is an unknown tag there.
                out.reopen("else");
                out.line("in.skip(tagSize);");
                out.close();
            }
            out.close();
        }
        out.line("default -> in.skip(tagSize); // unknown tags are skipped, as the protocol allows");
        out.close();
        out.close();
    }

    private static String target(FieldSpec field) {
        return "this." + JavaNames.field(field.name());
    }

    private void readValue(FieldSpec field, VersionRange versions, boolean tagged) {
        FieldType type = field.type();
        String compact = tagged ? "true" : VersionGuard.within(struct.flexibleFor(field), versions);
        String nullable = VersionGuard.within(field.nullableVersions(), versions);
        String label = struct.errorLabel(field);
        String target = target(field);
        switch (type.kind()) {
            case STRUCT -> {
                if (nullable.equals(VersionGuard.FALSE)) {
                    out.line(target + " = new " + type.structName() + "(in, version);");
                } else {
                    out.open("if (in.readStructPresence(" + nullable + ", " + label + "))");
                    out.line(target + " = new " + type.structName() + "(in, version);");
                    out.reopen("else");
                    out.line(target + " = null;");
                    out.close();
                }
            }
            case ARRAY -> readArray(field, compact, nullable, label);
            default -> out.line(target + " = " + scalarRead(type, compact, nullable, label) + ";");
        }
    }

    private void readArray(FieldSpec field, String compact, String nullable, String label) {
        String name = JavaNames.field(field.name());
        FieldType element = field.type().element();
        out.line("int " + name + "Count = in.readArrayLength(" + compact + ", " + nullable + ", " + label + ");");
        boolean canBeNull = !nullable.equals(VersionGuard.FALSE);
        if (canBeNull) {
            out.open("if (" + name + "Count < 0)");
            out.line(target(field) + " = null;");
            out.reopen("else");
        }
        out.line("List<" + JavaTypes.boxed(element) + "> " + name + "Items = new ArrayList<>(in.initialCapacity("
                + name + "Count));");
        out.open("for (int i = 0; i < " + name + "Count; i++)");
        String read = element.isStruct()
                ? "new " + element.structName() + "(in, version)"
                : scalarRead(element, compact, VersionGuard.FALSE, label);
        out.line(name + "Items.add(" + read + ");");
        out.close();
        out.line(target(field) + " = " + name + "Items;");
        if (canBeNull) {
            out.close();
        }
    }

    static String scalarRead(FieldType type, String compact, String nullable, String label) {
        return switch (type.kind()) {
            case BOOL -> "in.readBoolean()";
            case INT8 -> "in.readByte()";
            case INT16 -> "in.readShort()";
            case UINT16 -> "in.readUnsignedShort()";
            case INT32 -> "in.readInt()";
            case UINT32 -> "in.readUnsignedInt()";
            case INT64 -> "in.readLong()";
            case FLOAT64 -> "in.readDouble()";
            case UUID -> "in.readUuid()";
            case STRING -> "in.readString(" + compact + ", " + nullable + ", " + label + ")";
            case BYTES -> "in.readBytes(" + compact + ", " + nullable + ", " + label + ")";
            case RECORDS -> "in.readRecords(" + compact + ", " + nullable + ", " + label + ")";
            default -> throw new IllegalArgumentException("not a scalar: " + type);
        };
    }
}
