package dev.loopguard.agent.internal.futures;

import java.util.Arrays;

/**
 * Decides which futures from a call site are tracked. A site's first {@link #FIRST_TRACKED} futures always are, so
 * a rare site (a shutdown path, an error branch) keeps full recall; past that, those created while the shared
 * {@link SamplingWindow} is open are, 1 in {@link #ONE_IN} on average, so a hot site costs little while a bug that
 * repeats at that site is still caught within a few dozen occurrences.
 *
 * <p>Once a site is past its first futures, deciding is two reads (its count and the window) and no write: this
 * runs for every future that application code gets back from a call, on every thread. Counters are updated without
 * synchronisation: a lost increment under a race only lets a site's first futures run a little longer.
 */
final class SiteSampler {

    static final int FIRST_TRACKED = 256;
    static final int ONE_IN = 64;

    private final boolean all;
    private final boolean none;
    private final SamplingWindow window;
    private int[] counts = new int[256];

    SiteSampler(TrackingLevel level, SamplingWindow window) {
        this.all = level == TrackingLevel.FULL;
        this.none = level == TrackingLevel.OFF;
        this.window = window;
    }

    boolean track(int site) {
        if (all) {
            return true;
        }
        int[] c = counts;
        if (site < c.length && c[site] >= FIRST_TRACKED) {
            return window.isOpen();
        }
        return !none && countFirst(site);
    }

    /** One of the site's first futures (or the first of a site beyond the array): counted, and tracked. */
    private boolean countFirst(int site) {
        int[] c = counts;
        if (site >= c.length) {
            c = grow(site);
        }
        c[site]++;
        return true;
    }

    private synchronized int[] grow(int site) {
        if (site >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(site + 1, counts.length * 2));
        }
        return counts;
    }
}
