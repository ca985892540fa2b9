package io.fjord.protocol.codegen;

import java.util.List;
import java.util.function.Consumer;

/**
 * The version-guard scaffolding that the read, write and size emitters share: a regular field's
 * code under the condition of the versions that carry it (omitted when no version does, unguarded
 * when all do), and the tagged-field section under the flexible-version condition. Each emitter
 * supplies only what is done with a field.
 */
final class FieldWalker {

    /** Emits the code for one field's value in {@code versions} (a subset of the struct's). */
    @FunctionalInterface
    interface FieldCode {
        void emit(FieldSpec field, VersionRange versions);
    }

    private FieldWalker() {
    }

    /**
     * {@code present} for {@code field} in the versions that carry it as a regular field, and
     * {@code absent} (may be null) in the versions that do not.
     */
    static void regularField(CodeWriter out, StructContext struct, FieldSpec field, FieldCode present,
                             Consumer<FieldSpec> absent) {
        VersionRange regular = struct.regularVersions(field);
        String guard = VersionGuard.within(regular, struct.versions());
        if (guard.equals(VersionGuard.TRUE)) {
            present.emit(field, regular);
        } else if (guard.equals(VersionGuard.FALSE)) {
            if (absent != null) {
                absent.accept(field);
            }
        } else {
            out.open("if (" + guard + ")");
            present.emit(field, regular);
            if (absent != null) {
                out.reopen("else");
                absent.accept(field);
            }
            out.close();
        }
    }

    /**
     * The struct's tagged-field section, in the versions that have one: {@code noTaggedFields} when
     * the struct defines none (only the zero count travels), else {@code taggedFields} with them in
     * tag order.
     */
    static void taggedSection(CodeWriter out, StructContext struct, Runnable noTaggedFields,
                              Consumer<List<FieldSpec>> taggedFields) {
        String flexible = struct.flexibleGuard();
        if (flexible.equals(VersionGuard.FALSE)) {
            return;
        }
        boolean guarded = !flexible.equals(VersionGuard.TRUE);
        if (guarded) {
            out.open("if (" + flexible + ")");
        }
        List<FieldSpec> tagged = struct.taggedFields();
        if (tagged.isEmpty()) {
            noTaggedFields.run();
        } else {
            taggedFields.accept(tagged);
        }
        if (guarded) {
            out.close();
        }
    }
}
