package io.fjord.protocol.codegen;

/**
 * Turns "is {@code version} in this range" into the shortest Java condition, given the range of
 * versions the surrounding code can see (its context). Inside a struct that exists only from v3,
 * a field with versions {@code 0+} needs no check at all; this keeps the generated code close to
 * what one would write by hand.
 */
final class VersionGuard {
    static final String TRUE = "true";
    static final String FALSE = "false";

    private VersionGuard() {
    }

    /** A condition for {@code version ∈ range} within {@code context}, or {@link #TRUE}/{@link #FALSE}. */
    static String within(VersionRange range, VersionRange context) {
        VersionRange inside = range.intersect(context);
        if (inside.isNone()) {
            return FALSE;
        }
        if (inside.equals(context)) {
            return TRUE;
        }
        if (inside.lowest() == context.lowest()) {
            return "version <= " + inside.highest();
        }
        if (inside.highest() == context.highest()) {
            return "version >= " + inside.lowest();
        }
        if (inside.lowest() == inside.highest()) {
            return "version == " + inside.lowest();
        }
        return "version >= " + inside.lowest() + " && version <= " + inside.highest();
    }

    /** A condition for {@code version ∉ range} within {@code context}. */
    static String outside(VersionRange range, VersionRange context) {
        VersionRange inside = range.intersect(context);
        if (inside.isNone()) {
            return TRUE;
        }
        if (inside.equals(context)) {
            return FALSE;
        }
        if (inside.lowest() == context.lowest()) {
            return "version > " + inside.highest();
        }
        if (inside.highest() == context.highest()) {
            return "version < " + inside.lowest();
        }
        return "version < " + inside.lowest() + " || version > " + inside.highest();
    }

    /** {@code a && b} with constant folding. */
    static String and(String a, String b) {
        if (a.equals(FALSE) || b.equals(FALSE)) {
            return FALSE;
        }
        if (a.equals(TRUE)) {
            return b;
        }
        if (b.equals(TRUE)) {
            return a;
        }
        return parenthesize(a) + " && " + parenthesize(b);
    }

    private static String parenthesize(String condition) {
        return condition.contains("||") ? "(" + condition + ")" : condition;
    }
}
