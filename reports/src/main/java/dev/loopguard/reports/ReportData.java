package dev.loopguard.reports;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Everything a report shows, in one model that every format renders: the findings of any number of inputs merged by
 * {@linkplain Fingerprints fingerprint}, the controller profiles, the agents' internal errors, the inputs that could
 * not be read, the JMH results, and the baseline and {@code failOn} kinds that decide pass or fail.
 *
 * <p>A run fails when a finding of a {@code failOn} kind is not in the baseline. Inputs that could not be read do not
 * stop the others from being merged; they are listed in every output, and the command line exits with 2 for them.
 */
public final class ReportData {

    /** The finding kinds of the report schema, in the order reports list them. */
    public static final List<String> KINDS = List.of("BLOCKING_CALL", "LOOP_STALL", "LOST_TASK", "UNHANDLED_FAILURE",
            "IGNORED_FUTURE", "PINNED_THREAD");

    private final List<MergedFinding> findings;
    private final List<ControllerProfile> controllers;
    private final List<String> agentErrors;
    private final List<InputProblem> problems;
    private final List<String> inputs;
    private final Map<String, Map<String, Object>> extensions;
    private final Map<String, OmittedSites> omitted;
    private final List<BenchmarkResult> benchmarks;
    private final Baseline baseline;
    private final Set<String> failOn;
    private final Instant generatedAt;

    private ReportData(Builder b) {
        // Sort keys are computed once per finding, not once per comparison: 100,000 findings take 1.7 M comparisons.
        List<SortKey> keys = new ArrayList<>(b.merged.size());
        b.merged.values().forEach(a -> keys.add(new SortKey(a.build())));
        keys.sort(null);
        List<MergedFinding> merged = new ArrayList<>(keys.size());
        keys.forEach(k -> merged.add(k.finding));
        this.findings = Collections.unmodifiableList(merged);
        this.controllers = List.copyOf(b.controllers.values());
        this.agentErrors = List.copyOf(b.agentErrors);
        this.problems = List.copyOf(b.problems);
        this.inputs = List.copyOf(b.inputs);
        this.extensions = Collections.unmodifiableMap(new LinkedHashMap<>(b.extensions));
        Map<String, OmittedSites> omittedByKind = new TreeMap<>(Comparator.comparingInt(ReportData::kindOrder)
                .thenComparing(Comparator.naturalOrder()));
        b.omitted.forEach((kind, c) -> omittedByKind.put(kind, new OmittedSites(c[0], c[1])));
        this.omitted = Collections.unmodifiableMap(new LinkedHashMap<>(omittedByKind));
        this.benchmarks = List.copyOf(b.benchmarks);
        this.baseline = b.baseline;
        this.failOn = Collections.unmodifiableSet(new LinkedHashSet<>(b.failOn));
        this.generatedAt = b.generatedAt;
    }

    /** By kind (in {@link #KINDS} order), then most frequent, then location, then fingerprint. */
    private static final class SortKey implements Comparable<SortKey> {
        final MergedFinding finding;
        final int kind;
        final String location;

        SortKey(MergedFinding finding) {
            this.finding = finding;
            this.kind = kindOrder(finding.kind());
            this.location = String.valueOf(finding.location());
        }

        @Override
        public int compareTo(SortKey o) {
            int c = Integer.compare(kind, o.kind);
            if (c == 0) {
                c = Long.compare(o.finding.count(), finding.count());
            }
            if (c == 0) {
                c = location.compareTo(o.location);
            }
            return c != 0 ? c : finding.fingerprint().compareTo(o.finding.fingerprint());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private static int kindOrder(String kind) {
        int i = KINDS.indexOf(kind);
        return i < 0 ? KINDS.size() : i;
    }

    /** Merged findings, by kind (in {@link #KINDS} order), then most frequent first. */
    public List<MergedFinding> findings() {
        return findings;
    }

    /** Whether the baseline lists this finding. */
    public boolean isKnown(MergedFinding finding) {
        return baseline != null && baseline.contains(finding.fingerprint());
    }

    /** Findings of a {@code failOn} kind that the baseline does not list: what fails the run. */
    public List<MergedFinding> failing() {
        List<MergedFinding> failing = new ArrayList<>();
        for (MergedFinding f : findings) {
            if (failOn.contains(f.kind()) && !isKnown(f)) {
                failing.add(f);
            }
        }
        return failing;
    }

    /** Whether any finding fails the run. */
    public boolean failed() {
        for (MergedFinding f : findings) {
            if (failOn.contains(f.kind()) && !isKnown(f)) {
                return true;
            }
        }
        return false;
    }

    /** Per kind that has findings, in {@link #KINDS} order: sites, new sites and occurrences. */
    public Map<String, KindCounts> countsByKind() {
        Map<String, long[]> counts = new TreeMap<>(Comparator.comparingInt(ReportData::kindOrder)
                .thenComparing(Comparator.naturalOrder()));
        for (MergedFinding f : findings) {
            long[] c = counts.computeIfAbsent(f.kind(), k -> new long[3]);
            c[0]++;
            if (!isKnown(f)) {
                c[1]++;
            }
            long sum = c[2] + f.count();
            c[2] = sum < 0 ? Long.MAX_VALUE : sum;
        }
        Map<String, KindCounts> result = new LinkedHashMap<>();
        counts.forEach((kind, c) -> result.put(kind, new KindCounts(c[0], c[1], c[2])));
        return Collections.unmodifiableMap(result);
    }

    /** Controller profiles merged over the inputs, by name. */
    public List<ControllerProfile> controllers() {
        return controllers;
    }

    /** Internal errors of the agents, as {@code input: detector: error}. */
    public List<String> agentErrors() {
        return agentErrors;
    }

    /** Inputs that could not be read, and why. */
    public List<InputProblem> problems() {
        return problems;
    }

    /** The findings reports that were read and merged, by the names they were given. */
    public List<String> inputs() {
        return inputs;
    }

    /** Optional top-level fields of each input that this version does not model, by input name. */
    public Map<String, Map<String, Object>> extensions() {
        return extensions;
    }

    /**
     * Per kind (in {@link #KINDS} order), the sites an agent counted but did not list because the kind had more
     * distinct sites than it keeps (the report's optional {@code omitted} field), summed over the inputs. These sites
     * have no fingerprint, so a baseline cannot name them.
     */
    public Map<String, OmittedSites> omitted() {
        return omitted;
    }

    public List<BenchmarkResult> benchmarks() {
        return benchmarks;
    }

    public Optional<Baseline> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** The kinds that fail the run when a finding of them is not in the baseline. */
    public Set<String> failOn() {
        return failOn;
    }

    /** When the report was made, as the outputs state it. */
    public Instant generatedAt() {
        return generatedAt;
    }

    /**
     * Sites, sites not in the baseline, and occurrences of one kind.
     *
     * @param sites merged findings
     * @param newSites those the baseline does not list (all of them when there is no baseline)
     * @param occurrences their counts summed
     */
    public record KindCounts(long sites, long newSites, long occurrences) {
    }

    /** Sites of one kind that an agent counted but did not list, and their occurrences. */
    public record OmittedSites(long sites, long occurrences) {
    }

    /** Collects inputs; merging happens as they are added, so a builder never holds more than one input's tree. */
    public static final class Builder {
        private final Map<String, FindingAccumulator> merged = new LinkedHashMap<>();
        private final Map<String, ControllerProfile> controllers = new TreeMap<>();
        private final List<String> agentErrors = new ArrayList<>();
        private final List<InputProblem> problems = new ArrayList<>();
        private final List<String> inputs = new ArrayList<>();
        private final Map<String, Map<String, Object>> extensions = new LinkedHashMap<>();
        private final Map<String, long[]> omitted = new LinkedHashMap<>();
        private final List<BenchmarkResult> benchmarks = new ArrayList<>();
        private final Set<String> failOn = new LinkedHashSet<>();
        private Baseline baseline;
        private Instant generatedAt = Instant.now();

        private Builder() {
        }

        /** Reads the findings report at {@code file} and merges it; a file that cannot be read becomes a problem. */
        public Builder addFindings(Path file) {
            try {
                return addFindings(file.toString(), FindingsReport.read(file));
            } catch (InvalidReportException e) {
                return addProblem(new InputProblem(file.toString(), e.getMessage()));
            }
        }

        /**
         * Reads {@code files} on {@code executor} and merges them in the order given, so that the result does not
         * depend on which file is read first. Files that cannot be read become problems.
         */
        public Builder addFindings(List<Path> files, ExecutorService executor) {
            List<Future<FindingsReport>> reads = new ArrayList<>();
            for (Path file : files) {
                reads.add(executor.submit(() -> FindingsReport.read(file)));
            }
            for (int i = 0; i < files.size(); i++) {
                String name = files.get(i).toString();
                try {
                    addFindings(name, reads.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    addProblem(new InputProblem(name, cause instanceof InvalidReportException ? cause.getMessage()
                            : "Cannot read findings report " + name + ": " + cause));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    reads.forEach(r -> r.cancel(true));
                    throw new IllegalStateException("Interrupted while reading " + name, e);
                }
                reads.set(i, null);
            }
            return this;
        }

        /** Merges a report that was already read, under the name {@code input}. */
        public Builder addFindings(String input, FindingsReport report) {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(report, "report");
            for (ReportFinding f : report.findings()) {
                String fingerprint = Fingerprints.of(f);
                merged.computeIfAbsent(fingerprint, fp -> new FindingAccumulator(fp, f)).add(f, input);
            }
            Object section = report.profile().get("controllers");
            if (section instanceof Map) {
                ((Map<?, ?>) section).forEach((name, stats) -> {
                    if (stats instanceof Map) {
                        ControllerProfile profile = profile(String.valueOf(name), (Map<?, ?>) stats);
                        controllers.merge(profile.name(), profile, ControllerProfile::merge);
                    }
                });
            }
            report.agentErrors().forEach(e -> agentErrors.add(input + ": " + e));
            Map<String, Object> others = new LinkedHashMap<>(report.extensions());
            if (others.remove("omitted") instanceof Map<?, ?> byKind) {
                byKind.forEach((kind, counts) -> {
                    if (counts instanceof Map<?, ?> c) {
                        long[] sum = omitted.computeIfAbsent(String.valueOf(kind), k -> new long[2]);
                        sum[0] = saturatedAdd(sum[0], c.get("sites"));
                        sum[1] = saturatedAdd(sum[1], c.get("occurrences"));
                    }
                });
            }
            if (!others.isEmpty()) {
                extensions.put(input, others);
            }
            inputs.add(input);
            return this;
        }

        public Builder addProblem(InputProblem problem) {
            problems.add(Objects.requireNonNull(problem, "problem"));
            return this;
        }

        public Builder addBenchmarks(Collection<BenchmarkResult> results) {
            benchmarks.addAll(results);
            return this;
        }

        public Builder baseline(Baseline baseline) {
            this.baseline = baseline;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the kind and the accepted ones when a kind is not in {@link #KINDS}
         */
        public Builder failOn(Collection<String> kinds) {
            for (String kind : kinds) {
                String upper = kind.trim().toUpperCase(Locale.ROOT);
                if (!KINDS.contains(upper)) {
                    throw new IllegalArgumentException("Unknown finding kind '" + kind + "'; expected one of "
                            + String.join(", ", KINDS));
                }
                failOn.add(upper);
            }
            return this;
        }

        public Builder generatedAt(Instant generatedAt) {
            this.generatedAt = Objects.requireNonNull(generatedAt, "generatedAt");
            return this;
        }

        public ReportData build() {
            return new ReportData(this);
        }

        private static long saturatedAdd(long sum, Object value) {
            long add = value instanceof Number n ? n.longValue() : 0;
            long result = sum + add;
            return ((sum ^ result) & (add ^ result)) < 0 ? Long.MAX_VALUE : result;
        }

        private static ControllerProfile profile(String name, Map<?, ?> s) {
            return new ControllerProfile(name, asLong(s.get("loops")), asDouble(s.get("meanMillis")),
                    asDouble(s.get("p50Millis")), asDouble(s.get("p99Millis")), asDouble(s.get("maxMillis")),
                    asLong(s.get("failures")), asLong(s.get("slowLoops")),
                    s.get("lastError") == null ? null : String.valueOf(s.get("lastError")), 1);
        }

        private static long asLong(Object value) {
            return value instanceof Number ? ((Number) value).longValue() : 0;
        }

        private static double asDouble(Object value) {
            return value instanceof Number ? ((Number) value).doubleValue() : 0;
        }
    }
}
