package io.fjord.protocol.codegen;

import java.util.List;

/**
 * Emits {@code write(Writable out, short version)}. Tagged fields are written only when they
 * differ from their default, in ascending tag order, each as tag, size and value. A non-default
 * value in a field the version cannot carry fails the write unless the schema marks the field
 * ignorable: silently dropping it would send the peer something other than what the caller built.
 */
final class WriteEmitter {
    private final CodeWriter out;
    private final StructContext struct;
    private final SizeEmitter sizes;

    WriteEmitter(CodeWriter out, StructContext struct) {
        this.out = out;
        this.struct = struct;
        this.sizes = new SizeEmitter(out, struct);
    }

    void emit() {
        out.line("@Override");
        out.open("public void write(Writable out, short version)");
        if (struct.topLevel()) {
            out.line("UnsupportedVersionException.check(version, LOWEST_SUPPORTED_VERSION, HIGHEST_SUPPORTED_VERSION, "
                    + JavaNames.literal(struct.className()) + ");");
        }
        for (FieldSpec field : struct.fields()) {
            FieldWalker.regularField(out, struct, field, (f, versions) -> writeValue(f, versions, false), null);
            emitAbsentCheck(field);
        }
        emitTaggedSection();
        out.close();
    }

    private void emitAbsentCheck(FieldSpec field) {
        if (field.ignorable()) {
            return;
        }
        String absent = VersionGuard.outside(field.versions(), struct.versions());
        if (absent.equals(VersionGuard.FALSE)) {
            return;
        }
        String value = "this." + JavaNames.field(field.name());
        out.open("if (" + VersionGuard.and(absent, JavaTypes.isNotDefault(field, value)) + ")");
        out.line("throw new UnsupportedVersionException("
                + JavaNames.literal(struct.label() + "." + JavaNames.field(field.name()) + " must keep its default at version ")
                + " + version);");
        out.close();
    }

    private void emitTaggedSection() {
        FieldWalker.taggedSection(out, struct, () -> out.line("out.writeUnsignedVarint(0); // no tagged fields"),
                this::writeTaggedFields);
    }

    private void writeTaggedFields(List<FieldSpec> tagged) {
        out.line("int taggedCount = 0;");
        for (FieldSpec field : tagged) {
            out.open("if (" + struct.taggedCondition(field) + ")");
            out.line("taggedCount++;");
            out.close();
        }
        out.line("out.writeUnsignedVarint(taggedCount);");
        for (FieldSpec field : tagged) {
            String sizeVariable = JavaNames.field(field.name()) + "Size";
            out.open("if (" + struct.taggedCondition(field) + ")");
            out.line("out.writeUnsignedVarint(" + field.tag() + ");");
            out.line("int " + sizeVariable + " = 0;");
            sizes.sizeValue(field, struct.taggedVersions(field), sizeVariable, true);
            out.line("out.writeUnsignedVarint(" + sizeVariable + ");");
            writeValue(field, struct.taggedVersions(field), true);
            out.close();
        }
    }

    private void writeValue(FieldSpec field, VersionRange versions, boolean tagged) {
        FieldType type = field.type();
        String compact = tagged ? "true" : VersionGuard.within(struct.flexibleFor(field), versions);
        String nullable = VersionGuard.within(field.nullableVersions(), versions);
        String label = struct.errorLabel(field);
        String value = "this." + JavaNames.field(field.name());
        switch (type.kind()) {
            case STRUCT -> {
                out.open("if (out.writeStructPresence(" + value + " != null, " + nullable + ", " + label + "))");
                out.line(value + ".write(out, version);");
                out.close();
            }
            case ARRAY -> {
                FieldType element = type.element();
                out.open("if (out.writeArrayLength(" + value + ", " + compact + ", " + nullable + ", " + label + "))");
                out.open("for (" + JavaTypes.boxed(element) + " element : " + value + ")");
                if (element.isStruct()) {
                    out.line("element.write(out, version);");
                } else {
                    out.line(scalarWrite(element, "element", compact, VersionGuard.FALSE, label) + ";");
                }
                out.close();
                out.close();
            }
            default -> out.line(scalarWrite(type, value, compact, nullable, label) + ";");
        }
    }

    static String scalarWrite(FieldType type, String value, String compact, String nullable, String label) {
        return switch (type.kind()) {
            case BOOL -> "out.writeBoolean(" + value + ")";
            case INT8 -> "out.writeByte(" + value + ")";
            case INT16 -> "out.writeShort(" + value + ")";
            case UINT16 -> "out.writeUnsignedShort(" + value + ")";
            case INT32 -> "out.writeInt(" + value + ")";
            case UINT32 -> "out.writeUnsignedInt(" + value + ")";
            case INT64 -> "out.writeLong(" + value + ")";
            case FLOAT64 -> "out.writeDouble(" + value + ")";
            case UUID -> "out.writeUuid(" + value + ")";
            case STRING -> "out.writeString(" + value + ", " + compact + ", " + nullable + ", " + label + ")";
            case BYTES -> "out.writeBytes(" + value + ", " + compact + ", " + nullable + ", " + label + ")";
            case RECORDS -> "out.writeRecords(" + value + ", " + compact + ", " + nullable + ", " + label + ")";
            default -> throw new IllegalArgumentException("not a scalar: " + type);
        };
    }
}
