package io.fjord.protocol.codegen;

/**
 * A contiguous, inclusive range of protocol versions, as the schemas write them: {@code "3+"},
 * {@code "0-11"}, {@code "1"} or {@code "none"}.
 *
 * <p>{@code "N+"} is open-ended; it is stored with {@link #OPEN_END} as its upper bound so that
 * intersections with a message's valid versions stay simple arithmetic.
 */
record VersionRange(short lowest, short highest) {
    static final short OPEN_END = Short.MAX_VALUE;
    static final VersionRange NONE = new VersionRange((short) 0, (short) -1);
    static final VersionRange ALL = new VersionRange((short) 0, OPEN_END);

    static VersionRange parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("none")) {
            return NONE;
        }
        if (trimmed.endsWith("+")) {
            return new VersionRange(Short.parseShort(trimmed.substring(0, trimmed.length() - 1)), OPEN_END);
        }
        int dash = trimmed.indexOf('-');
        if (dash < 0) {
            short only = Short.parseShort(trimmed);
            return new VersionRange(only, only);
        }
        short lowest = Short.parseShort(trimmed.substring(0, dash));
        short highest = Short.parseShort(trimmed.substring(dash + 1));
        if (highest < lowest) {
            throw new IllegalArgumentException("empty version range " + text);
        }
        return new VersionRange(lowest, highest);
    }

    static VersionRange of(int lowest, int highest) {
        return lowest > highest ? NONE : new VersionRange((short) lowest, (short) highest);
    }

    boolean isNone() {
        return highest < lowest;
    }

    boolean contains(int version) {
        return version >= lowest && version <= highest;
    }

    boolean contains(VersionRange other) {
        return other.isNone() || (!isNone() && other.lowest >= lowest && other.highest <= highest);
    }

    VersionRange intersect(VersionRange other) {
        if (isNone() || other.isNone()) {
            return NONE;
        }
        return of(Math.max(lowest, other.lowest), Math.min(highest, other.highest));
    }

    /** The smallest range covering both (their hull): a gap between them is filled in. */
    VersionRange hull(VersionRange other) {
        if (isNone()) {
            return other;
        }
        if (other.isNone()) {
            return this;
        }
        return of(Math.min(lowest, other.lowest), Math.max(highest, other.highest));
    }

    /** The union of two ranges, which must touch or overlap so that the result is one range. */
    VersionRange union(VersionRange other) {
        if (!isNone() && !other.isNone()
                && (other.lowest > highest + 1 || lowest > other.highest + 1)) {
            throw new IllegalArgumentException("versions " + this + " and " + other + " leave a gap");
        }
        return hull(other);
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        if (highest == OPEN_END) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}
