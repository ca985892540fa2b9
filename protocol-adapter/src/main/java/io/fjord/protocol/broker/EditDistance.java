package io.fjord.protocol.broker;

/**
 * How far apart two names are, for "did you mean" hints: an unknown config key (the broker) and an
 * unknown command (the {@code fjord} command line) are answered with the closest known names.
 */
public final class EditDistance {
    private EditDistance() {
    }

    /** Levenshtein distance: insertions, deletions and substitutions, each costing 1. */
    public static int between(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
