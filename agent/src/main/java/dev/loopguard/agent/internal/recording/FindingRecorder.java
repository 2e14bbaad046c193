package dev.loopguard.agent.internal.recording;

import dev.loopguard.agent.internal.TestScopes;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.FindingListener;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects findings, merged by kind, site and test scope: a repeat adds to {@code count}, moves {@code lastSeen} and keeps the
 * longest {@code durationMillis}. Thread-safe; {@link #record(Finding)} never throws.
 *
 * <p>Bounded whatever the program does: at most {@link #MAX_SITES_PER_KIND} sites are kept per kind, the first ones
 * seen. Findings at further sites are counted, not kept ({@link #omitted()}): how many distinct sites and how many
 * occurrences, per kind, so the report and the summary can say "and N more sites". A repeat at a kept site changes
 * three fields of its entry and builds nothing, so its cost does not grow with the size of the finding.
 */
public final class FindingRecorder {
    /**
     * A kept site's repeats make at most one JFR event per this interval, which carries how many occurrences it stands
     * for: one event per occurrence cost about a microsecond each (JFR captures the recording thread's stack for every
     * event), most of what a repeat cost apart from identifying its stack.
     */
    static final long REPEAT_EVENT_INTERVAL_NANOS = 10_000_000L;

    /** Distinct sites kept per kind; enough for any real program's list, small enough for a report of a few MB. */
    public static final int MAX_SITES_PER_KIND = 500;

    private final Map<String, Site> sites = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicIntegerArray kept = new AtomicIntegerArray(FindingKind.values().length);
    private final OmittedSites[] omitted = new OmittedSites[FindingKind.values().length];
    private final List<FindingListener> listeners = new CopyOnWriteArrayList<>();
    /** Registered by features at start-up; an array, so that a finding reads one field and allocates nothing. */
    private volatile FindingEnricher[] enrichers = new FindingEnricher[0];
    private final RecordingFailures failures;
    private final FindingEvents events;
    private final int maxSitesPerKind;

    public FindingRecorder(RecordingFailures failures) {
        this(failures, MAX_SITES_PER_KIND);
    }

    public FindingRecorder(RecordingFailures failures, int maxSitesPerKind) {
        this.failures = failures;
        this.events = new FindingEvents(failures);
        this.maxSitesPerKind = maxSitesPerKind;
        for (int i = 0; i < omitted.length; i++) {
            omitted[i] = new OmittedSites();
        }
    }

    /** How many findings of a kind were not kept because the kind already had its maximum of sites. */
    public static final class Omitted {
        private final long sites;
        private final long occurrences;

        Omitted(long sites, long occurrences) {
            this.sites = sites;
            this.occurrences = occurrences;
        }

        /** Distinct sites not kept (exact up to {@link OmittedSites#MAX_COUNTED}, a lower bound above it). */
        public long sites() { return sites; }

        /** Occurrences at those sites. */
        public long occurrences() { return occurrences; }
    }

    /**
     * Merges the finding, emits its JFR event and notifies listeners. Never throws.
     *
     * @return whether its site is kept (false when the kind is over its bound and the finding was only counted)
     */
    public boolean record(Finding reported) {
        try {
            Finding finding = chargeToTest(enrich(reported));
            String key = key(finding);
            Site site = sites.get(key);
            if (site == null) {
                site = newSite(key, finding);
                if (site == null) {
                    return false; // over the bound: counted in omitted()
                }
            } else {
                events.emit(finding, site.add(finding, System.nanoTime()));
            }
            notifyListeners(site);
            return true;
        } catch (Throwable e) {
            failures.detectorFailed("recorder", e);
            return false;
        }
    }

    /**
     * Records one more occurrence of {@code finding}, which {@link #record} kept before, without rebuilding anything:
     * the count and {@code lastSeen} of its site move, and a JFR event, the light one of a repeat, is written when the
     * site's last one is {@link #REPEAT_EVENT_INTERVAL_NANOS} old. The detectors' fast path for a stack they have seen.
     * Never throws.
     */
    public void repeat(Finding finding, String key) {
        try {
            // Inside a test scope the repeat belongs to that test's own site, which the detector's key (taken before
            // charging) does not name: the ordinary path charges it.
            Site site = TestScopes.chargedName() == null ? sites.get(key) : null;
            if (site == null) {
                // Forgotten by reset() since: a first occurrence again.
                Instant now = Instant.now();
                record(finding.toBuilder().firstSeen(now).lastSeen(now).build());
                return;
            }
            long occurrences = site.repeat(Instant.now(), System.nanoTime());
            if (occurrences > 0) {
                events.emitRepeat(finding, occurrences);
            }
            notifyListeners(site);
        } catch (Throwable e) {
            failures.detectorFailed("recorder", e);
        }
    }

    private void notifyListeners(Site site) {
        if (!listeners.isEmpty()) {
            Finding merged = site.snapshot();
            for (FindingListener listener : listeners) {
                notify(listener, merged);
            }
        }
    }

    /**
     * The entry for a new key, its JFR event written, or null when the kind has its maximum of sites (the finding is
     * then counted).
     */
    private Site newSite(String key, Finding finding) {
        int kind = finding.kind().ordinal();
        if (kept.get(kind) >= maxSitesPerKind) {
            omitted[kind].add(key, finding.count());
            return null;
        }
        Site created = new Site(finding, sequence.incrementAndGet(), System.nanoTime());
        Site raced = sites.putIfAbsent(key, created);
        if (raced != null) {
            events.emit(finding, raced.add(finding, System.nanoTime()));
            return raced;
        }
        if (kept.incrementAndGet(kind) > maxSitesPerKind) {
            // Two threads took the last place at once: the later one gives it back and is counted instead.
            sites.remove(key, created);
            kept.decrementAndGet(kind);
            omitted[kind].add(key, created.count());
            return null;
        }
        events.emit(finding, finding.count());
        return created;
    }

    /** Adds {@code enricher} after those registered before it; every later finding passes through it. */
    public synchronized void addEnricher(FindingEnricher enricher) {
        FindingEnricher[] next = Arrays.copyOf(enrichers, enrichers.length + 1);
        next[next.length - 1] = Objects.requireNonNull(enricher, "enricher");
        enrichers = next;
    }

    private Finding enrich(Finding finding) {
        Finding enriched = finding;
        for (FindingEnricher enricher : enrichers) {
            enriched = enricher.enrich(enriched);
        }
        return enriched;
    }

    /** The finding, naming the test scope it is charged to when it does not name one yet. */
    private static Finding chargeToTest(Finding finding) {
        if (finding.test().isPresent()) {
            return finding;
        }
        String test = TestScopes.chargedName();
        return test == null ? finding : finding.toBuilder().test(test).build();
    }

    private void notify(FindingListener listener, Finding merged) {
        try {
            listener.onFinding(merged);
        } catch (Throwable e) {
            listeners.remove(listener);
            failures.agentError("listener " + listener.getClass().getName(), e);
        }
    }

    /** The findings so far, oldest first; findings first seen at the same instant in the order they were kept. */
    public List<Finding> snapshot() {
        List<Site> kept = new ArrayList<>(sites.values());
        List<Finding> out = new ArrayList<>(kept.size());
        if (kept.isEmpty()) {
            return out; // the common exit of a JVM without findings: no comparator classes to spin
        }
        kept.sort(Comparator.comparingLong(s -> s.sequence));
        for (Site site : kept) {
            out.add(site.snapshot());
        }
        out.sort(Comparator.comparing(Finding::firstSeen)); // stable: equal instants keep the order above
        return out;
    }

    /** Per kind, the findings not kept because the kind had its maximum of sites; only kinds with some. */
    public Map<FindingKind, Omitted> omitted() {
        Map<FindingKind, Omitted> out = new EnumMap<>(FindingKind.class);
        for (FindingKind kind : FindingKind.values()) {
            OmittedSites o = omitted[kind.ordinal()];
            synchronized (o) {
                if (o.occurrences > 0) {
                    out.put(kind, new Omitted(o.distinct, o.occurrences));
                }
            }
        }
        return out;
    }

    public void reset() {
        sites.clear();
        for (int i = 0; i < omitted.length; i++) {
            kept.set(i, 0);
            omitted[i].clear();
        }
    }

    public void addListener(FindingListener listener) {
        listeners.add(listener);
    }

    public void removeListener(FindingListener listener) {
        listeners.remove(listener);
    }

    /** Kind and site (or thread and operation), and the test: findings of two tests are never one. */
    public static String key(Finding f) {
        String place = f.site().map(site -> f.kind() + "|" + site)
                .orElseGet(() -> f.kind() + "|thread=" + f.thread() + "|op=" + f.operation().orElse(""));
        return f.test().isPresent() ? place + "|test=" + f.test().get() : place;
    }

    /** One kept site: its finding as first seen (or its longest occurrence), the count and the last time. */
    private static final class Site {
        final long sequence;
        private Finding base;
        private long count;
        private Instant lastSeen;
        /** When the site's last JFR event was written ({@link System#nanoTime}), and the occurrences since in none. */
        private long eventNanos;
        private long sinceEvent;

        Site(Finding first, long sequence, long nanos) {
            this.sequence = sequence;
            this.base = first;
            this.count = first.count();
            this.lastSeen = first.lastSeen();
            this.eventNanos = nanos;
        }

        synchronized long count() {
            return count;
        }

        /** Merges {@code next}, whose own event is written now: returns the occurrences that event stands for. */
        synchronized long add(Finding next, long nanos) {
            count += next.count();
            if (next.lastSeen().isAfter(lastSeen)) {
                lastSeen = next.lastSeen();
            }
            if (next.durationMillis().isPresent()
                    && next.durationMillis().getAsLong() > base.durationMillis().orElse(-1)) {
                // The longest occurrence is the one worth reading: keep its duration, stack and message together.
                base = base.toBuilder().durationMillis(next.durationMillis().getAsLong()).stack(next.stack())
                        .message(next.message()).build();
            }
            long occurrences = sinceEvent + next.count();
            sinceEvent = 0;
            eventNanos = nanos;
            return occurrences;
        }

        /** One more occurrence: returns how many occurrences its JFR event stands for, 0 when it gets none. */
        synchronized long repeat(Instant now, long nanos) {
            count++;
            if (now.isAfter(lastSeen)) {
                lastSeen = now;
            }
            sinceEvent++;
            if (nanos - eventNanos < REPEAT_EVENT_INTERVAL_NANOS) {
                return 0;
            }
            long occurrences = sinceEvent;
            sinceEvent = 0;
            eventNanos = nanos;
            return occurrences;
        }

        synchronized Finding snapshot() {
            return base.toBuilder().count(count).lastSeen(lastSeen).build();
        }
    }

    /**
     * Distinct omitted sites of one kind, counted by a 64-bit hash of their key in an open-addressing table that
     * stops growing at {@link #MAX_COUNTED} sites (8 MiB); past that the count is a lower bound.
     */
    static final class OmittedSites {
        static final int MAX_COUNTED = 1 << 20;

        private long[] hashes = new long[0];
        private int size;
        long distinct;
        long occurrences;

        synchronized void add(String key, long count) {
            occurrences += count;
            long hash = hash(key);
            if (size >= MAX_COUNTED) {
                return;
            }
            if (size * 2 >= hashes.length) {
                grow();
            }
            if (insert(hashes, hash)) {
                size++;
                distinct++;
            }
        }

        synchronized void clear() {
            hashes = new long[0];
            size = 0;
            distinct = 0;
            occurrences = 0;
        }

        private void grow() {
            long[] bigger = new long[Math.max(1024, hashes.length * 2)];
            for (long h : hashes) {
                if (h != 0) {
                    insert(bigger, h);
                }
            }
            hashes = bigger;
        }

        private static boolean insert(long[] table, long hash) {
            int mask = table.length - 1;
            for (int i = (int) (hash ^ (hash >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (table[i] == hash) {
                    return false;
                }
                if (table[i] == 0) {
                    table[i] = hash;
                    return true;
                }
            }
        }

        /** FNV-1a over the key's characters, never 0 (the table's empty slot). */
        static long hash(String key) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0; i < key.length(); i++) {
                h ^= key.charAt(i);
                h *= 0x100000001b3L;
            }
            return h == 0 ? 1 : h;
        }
    }
}
