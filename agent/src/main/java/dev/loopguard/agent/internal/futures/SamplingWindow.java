package dev.loopguard.agent.internal.futures;

/**
 * When {@code tasks=sampled} tracks a future or task from a site (or task class) past its first
 * {@link SiteSampler#FIRST_TRACKED}: while a window is open. One window of {@link #WIDTH} consecutive sampling
 * decisions opens in every {@code WIDTH × ONE_IN}, for every site and both kinds of tracking at once, so that 1 in
 * {@link SiteSampler#ONE_IN} is tracked on average.
 *
 * <p>Why windows rather than every 64th future of each site: the hooks in {@code CompletableFuture} and in the loop
 * cost almost nothing while nothing is tracked, and a scan of the tracked ones while something is. Spread-out
 * sampling keeps a few futures tracked at every moment on a busy loop, so every completion pays the scan (−29% on
 * the fan-out benchmark); windows let the tracked futures complete and drain between windows (−22%), with the same
 * share tracked. A bug that repeats at a hot site is caught as before, about once every 64 occurrences.
 *
 * <p>The count is not synchronised: a lost increment under a race moves a window's edge by one decision.
 */
final class SamplingWindow {

    static final int WIDTH = 256;
    private static final int PERIOD_MASK = WIDTH * SiteSampler.ONE_IN - 1; // both powers of two

    private int decisions;

    /** Counts one sampling decision; true while the current window is open. */
    boolean open() {
        return (decisions++ & PERIOD_MASK) < WIDTH;
    }
}
