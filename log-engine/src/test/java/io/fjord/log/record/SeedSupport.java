package io.fjord.log.record;

/** Seeds for randomized tests: from {@code -Dfjord.test.seed=...} when given, otherwise fresh and printed. */
final class SeedSupport {
    static final String PROPERTY = "fjord.test.seed";

    private SeedSupport() {
    }

    static long seed() {
        String configured = System.getProperty(PROPERTY);
        long seed = configured != null ? Long.parseLong(configured.trim()) : System.nanoTime() ^ 0x5DEECE66DL;
        String caller = StackWalker.getInstance().walk(s -> s.skip(1).findFirst()
            .map(f -> f.getClassName() + "." + f.getMethodName()).orElse("?"));
        System.out.println(caller + ": seed " + seed + " (rerun with -D" + PROPERTY + "=" + seed + ")");
        return seed;
    }
}
