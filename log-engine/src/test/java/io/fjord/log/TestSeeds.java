package io.fjord.log;

import java.util.Random;

/** Seeds for randomized tests: from -Dfjord.test.seed when set, else fresh; always printed. */
public final class TestSeeds {
    private TestSeeds() {
    }

    public static long seed(String testName) {
        String fixed = System.getProperty("fjord.test.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
        System.out.println(testName + " seed=" + seed + " (rerun with -Dfjord.test.seed=" + seed + ")");
        return seed;
    }
}
