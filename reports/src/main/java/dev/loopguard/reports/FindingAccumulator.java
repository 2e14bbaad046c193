package dev.loopguard.reports;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/** Folds the findings of one fingerprint, input by input, into a {@link MergedFinding}. */
final class FindingAccumulator {

    private final String fingerprint;
    private final ReportFinding first;
    private String site;
    private final Set<String> otherSites = new LinkedHashSet<>();
    private final Set<String> threads = new LinkedHashSet<>();
    private final Set<String> tests = new LinkedHashSet<>();
    private final Set<String> inputs = new LinkedHashSet<>();
    private long count;
    private Instant firstSeen;
    private Instant lastSeen;
    private Long durationMillis;

    FindingAccumulator(String fingerprint, ReportFinding first) {
        this.fingerprint = fingerprint;
        this.first = first;
        this.site = first.site();
        this.firstSeen = first.firstSeen();
        this.lastSeen = first.lastSeen();
    }

    void add(ReportFinding finding, String input) {
        long sum = count + finding.count();
        // Counts are longs from untrusted files: saturate rather than wrap to a negative count.
        count = ((count ^ sum) & (finding.count() ^ sum)) < 0 ? Long.MAX_VALUE : sum;
        if (finding.firstSeen().isBefore(firstSeen)) {
            firstSeen = finding.firstSeen();
        }
        if (finding.lastSeen().isAfter(lastSeen)) {
            lastSeen = finding.lastSeen();
        }
        if (finding.durationMillis() != null
                && (durationMillis == null || finding.durationMillis() > durationMillis)) {
            durationMillis = finding.durationMillis();
        }
        if (site == null) {
            site = finding.site();
        } else if (finding.site() != null && !finding.site().equals(site)) {
            addBounded(otherSites, finding.site());
        }
        addBounded(threads, finding.thread());
        if (finding.test() != null) {
            addBounded(tests, finding.test());
        }
        addBounded(inputs, input);
    }

    private static void addBounded(Set<String> set, String value) {
        if (set.size() < MergedFinding.MAX_LISTED) {
            set.add(value);
        }
    }

    MergedFinding build() {
        return new MergedFinding(fingerprint, first.kind(), site, new ArrayList<>(otherSites), first.operation(),
                first.message(), first.advice(), first.stack(), count, firstSeen, lastSeen, new ArrayList<>(threads),
                new ArrayList<>(tests), new ArrayList<>(inputs), durationMillis, first.createdAt(),
                first.discardedAt(), first.reason(), first.exception(), first.returnType(), first.controller(),
                first.loop());
    }
}
