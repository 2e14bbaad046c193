package dev.loopguard.agent.internal.tasks;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Decides which futures from a call site are tracked. A site's first {@link #FIRST_TRACKED} futures always are, so
 * a rare site (a shutdown path, an error branch) keeps full recall; past that, those created while the shared
 * {@link SamplingWindow} is open are, 1 in {@link #ONE_IN} on average, so a hot site costs little while a bug that
 * repeats at that site is still caught within a few dozen occurrences.
 *
 * <p>Once a site is past its first futures, deciding is two reads (its mark and the window) and no write: this runs
 * for every future that application code gets back from a call, on every thread. The marks are published to the
 * bridge ({@code TaskBridge.sampleInWindows}), which then decides those futures without calling in. Counters are
 * updated without synchronisation: a lost increment under a race only lets a site's first futures run a little
 * longer.
 */
public final class SiteSampler {

    static final int FIRST_TRACKED = 256;
    static final int ONE_IN = 128;

    private final boolean all;
    private final boolean none;
    private final SamplingWindow window;
    private int[] counts = new int[256];
    /** The sites past their first futures; see {@link #publishTo}. */
    private volatile boolean[] sampled = new boolean[256];
    /** Null until {@link #publishTo}: no lambda for a default, as this is built when tracking starts. */
    private Consumer<boolean[]> publisher;

    public SiteSampler(TrackingLevel level, SamplingWindow window) {
        this.all = level == TrackingLevel.FULL;
        this.none = level == TrackingLevel.OFF;
        this.window = window;
    }

    /**
     * Hands the marks of the sites past their first futures to {@code target}, now and whenever the array is
     * replaced; the bridge then answers for those sites itself, outside windows, without calling in.
     */
    public synchronized void publishTo(Consumer<boolean[]> target) {
        publisher = target;
        target.accept(sampled);
    }

    public boolean track(int site) {
        if (all) {
            return true;
        }
        boolean[] past = sampled;
        if (site < past.length && past[site]) {
            return window.isOpen();
        }
        return !none && countFirst(site);
    }

    /** One of the site's first futures: counted, and tracked; the last of them marks the site. */
    private boolean countFirst(int site) {
        int[] c = counts;
        if (site >= c.length) {
            c = grow(site);
        }
        if (++c[site] >= FIRST_TRACKED) {
            mark(site);
        }
        return true;
    }

    private synchronized void mark(int site) {
        boolean[] past = sampled;
        if (site >= past.length) {
            past = Arrays.copyOf(past, Math.max(site + 1, counts.length));
            past[site] = true;
            sampled = past;
            if (publisher != null) {
                publisher.accept(past);
            }
        } else {
            past[site] = true;
        }
    }

    private synchronized int[] grow(int site) {
        if (site >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(site + 1, counts.length * 2));
        }
        return counts;
    }
}
