package io.fjord.testsupport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for randomized tests. A run draws a fresh seed, so repeated runs cover more cases; the
 * seed is printed, and {@code -Dfjord.test.seed=<n>} makes a failed run replay exactly.
 */
public final class TestSeeds {
    /** The system property that fixes the seed of every randomized test in the run. */
    public static final String SEED_PROPERTY = "fjord.test.seed";

    private TestSeeds() {
    }

    /**
     * The seed from {@code -Dfjord.test.seed} (trimmed) if set, else a fresh random one; printed
     * with {@code testName} and the flag that replays it.
     */
    public static long seed(String testName) {
        String configured = System.getProperty(SEED_PROPERTY);
        long seed = configured != null && !configured.isBlank()
                ? Long.parseLong(configured.trim())
                : ThreadLocalRandom.current().nextLong();
        System.out.println(testName + ": seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + ")");
        return seed;
    }

    /** {@link #seed(String)} named after the calling class and method, for tests that need no other name. */
    public static long seed() {
        String caller = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName()).orElse("?"));
        return seed(caller);
    }
}
