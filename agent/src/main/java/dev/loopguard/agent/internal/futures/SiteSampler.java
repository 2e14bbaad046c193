package dev.loopguard.agent.internal.futures;

import java.util.Arrays;

/**
 * Decides which futures from a call site are tracked. A site's first {@link #FIRST_TRACKED} futures always are, so
 * a rare site (a shutdown path, an error branch) keeps full recall; past that, those created while the shared
 * {@link SamplingWindow} is open are, 1 in {@link #ONE_IN} on average, so a hot site costs little while a bug that
 * repeats at that site is still caught within a few dozen occurrences.
 *
 * <p>Counters are updated without synchronisation: a lost increment under a race only shifts which future is
 * sampled, never whether sampling happens.
 */
final class SiteSampler {

    static final int FIRST_TRACKED = 256;
    static final int ONE_IN = 64;

    private final TrackingLevel level;
    private final SamplingWindow window;
    private int[] counts = new int[256];

    SiteSampler(TrackingLevel level, SamplingWindow window) {
        this.level = level;
        this.window = window;
    }

    boolean track(int site) {
        switch (level) {
            case FULL:
                return true;
            case OFF:
                return false;
            default:
                int[] c = counts;
                if (site >= c.length) {
                    c = grow(site);
                }
                int seen = ++c[site];
                boolean open = window.open(); // counted for every decision, so that windows follow time
                return seen <= FIRST_TRACKED || open;
        }
    }

    private synchronized int[] grow(int site) {
        if (site >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(site + 1, counts.length * 2));
        }
        return counts;
    }
}
