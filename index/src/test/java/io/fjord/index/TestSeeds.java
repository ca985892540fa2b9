package io.fjord.index;

import java.util.concurrent.ThreadLocalRandom;

/** Seeds for randomized tests: {@code -Dfjord.test.seed=N} replays a run; the seed is printed. */
final class TestSeeds
{
    static final String SEED_PROPERTY = "fjord.test.seed";

    private TestSeeds()
    {
    }

    static long seed(final String testName)
    {
        final String configured = System.getProperty(SEED_PROPERTY);
        final long seed = configured != null ? Long.parseLong(configured.trim()) : ThreadLocalRandom.current().nextLong();
        System.out.println(testName + " seed: -D" + SEED_PROPERTY + "=" + seed);
        return seed;
    }
}
