package io.fjord.protocol.codegen;

/** Emits {@code equals}, {@code hashCode} and {@code toString} over all fields. */
final class ObjectMethodsEmitter {
    private final CodeWriter out;
    private final StructContext struct;

    ObjectMethodsEmitter(CodeWriter out, StructContext struct) {
        this.out = out;
        this.struct = struct;
    }

    void emit() {
        emitEquals();
        out.blank();
        emitHashCode();
        out.blank();
        emitToString();
    }

    private void emitEquals() {
        String name = struct.className();
        out.line("@Override");
        out.open("public boolean equals(Object other)");
        out.open("if (this == other)");
        out.line("return true;");
        out.close();
        if (struct.fields().isEmpty()) {
            out.line("return other instanceof " + name + ";");
            out.close();
            return;
        }
        out.open("if (!(other instanceof " + name + " that))");
        out.line("return false;");
        out.close();
        StringBuilder terms = new StringBuilder();
        for (FieldSpec field : struct.fields()) {
            String javaName = JavaNames.field(field.name());
            if (terms.length() > 0) {
                terms.append("\n        && ");
            }
            terms.append(JavaTypes.equalsTerm(field.type(), "this." + javaName, "that." + javaName));
        }
        String[] lines = ("return " + terms + ";").split("\n");
        for (String line : lines) {
            out.line(line);
        }
        out.close();
    }

    private void emitHashCode() {
        out.line("@Override");
        out.open("public int hashCode()");
        out.line("int hash = 0;");
        for (FieldSpec field : struct.fields()) {
            out.line("hash = 31 * hash + " + JavaTypes.hashTerm(field.type(), "this." + JavaNames.field(field.name())) + ";");
        }
        out.line("return hash;");
        out.close();
    }

    private void emitToString() {
        out.line("@Override");
        out.open("public String toString()");
        if (struct.fields().isEmpty()) {
            out.line("return " + JavaNames.literal(struct.className() + "()") + ";");
            out.close();
            return;
        }
        out.line("return " + JavaNames.literal(struct.className() + "(")); 
        boolean first = true;
        for (FieldSpec field : struct.fields()) {
            String javaName = JavaNames.field(field.name());
            String prefix = (first ? "" : ", ") + javaName + "=";
            out.line("        + " + JavaNames.literal(prefix) + " + "
                    + JavaTypes.toStringTerm(field.type(), "this." + javaName));
            first = false;
        }
        out.line("        + \")\";");
        out.close();
    }
}
