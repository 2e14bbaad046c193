package dev.loopguard.reports.format;

import dev.loopguard.reports.BenchmarkResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sorts JMH results into scaling studies (time against N at a fixed latency L, with each method's ideal) and the
 * rest (plain tables). A result belongs to a study when its benchmark has the numeric parameters {@code n} and
 * {@code latencyMillis} and a time-per-operation score.
 */
final class BenchmarkAnalysis {

    /** The order methods are listed and coloured in; others follow by name. */
    private static final List<String> METHOD_ORDER = List.of("sequential", "gathered", "allOf", "virtualThreads",
            "platformPool", "gatherBounded", "semaphore");

    final List<Study> studies = new ArrayList<>();
    final Map<String, List<BenchmarkResult>> others = new TreeMap<>();

    BenchmarkAnalysis(List<BenchmarkResult> results) {
        Map<String, Study> byKey = new LinkedHashMap<>();
        for (BenchmarkResult r : results) {
            Long n = longParam(r, "n");
            Double latency = doubleParam(r, "latencyMillis");
            double unitPerMilli = unitPerMilli(r.unit());
            if (n == null || n <= 0 || latency == null || Double.isNaN(unitPerMilli)) {
                others.computeIfAbsent(r.benchmarkClass(), k -> new ArrayList<>()).add(r);
                continue;
            }
            Map<String, String> fixed = new TreeMap<>(r.params());
            fixed.remove("n");
            String key = r.benchmarkClass() + '\u0000' + r.mode() + '\u0000' + r.unit() + '\u0000' + fixed;
            byKey.computeIfAbsent(key, k -> new Study(r.benchmarkClass(), r.mode(), r.unit(), fixed, latency,
                    unitPerMilli)).add(n, r);
        }
        studies.addAll(byKey.values());
        studies.sort(Comparator.comparing((Study s) -> s.benchmarkClass).thenComparing(s -> s.fixed.toString()));
    }

    boolean isEmpty() {
        return studies.isEmpty() && others.isEmpty();
    }

    /** Milliseconds expressed in {@code unit}'s time unit, or NaN when the unit is not time per operation. */
    static double unitPerMilli(String unit) {
        switch (unit) {
            case "s/op": return 1e-3;
            case "ms/op": return 1;
            case "us/op": return 1e3;
            case "ns/op": return 1e6;
            default: return Double.NaN;
        }
    }

    static Long longParam(BenchmarkResult r, String name) {
        String v = r.params().get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Double doubleParam(BenchmarkResult r, String name) {
        String v = r.params().get(name);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v.trim());
            return Double.isFinite(d) && d >= 0 ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** One chart: every method of one benchmark class at one latency and one value of each other parameter. */
    static final class Study {
        final String benchmarkClass;
        final String mode;
        final String unit;
        final Map<String, String> fixed;
        final double latencyMillis;
        final double unitPerMilli;
        final Set<Long> ns = new TreeSet<>();
        final Map<String, Map<Long, BenchmarkResult>> byMethod = new TreeMap<>(Comparator
                .comparingInt((String m) -> METHOD_ORDER.contains(m) ? METHOD_ORDER.indexOf(m) : METHOD_ORDER.size())
                .thenComparing(Comparator.naturalOrder()));

        Study(String benchmarkClass, String mode, String unit, Map<String, String> fixed, double latencyMillis,
              double unitPerMilli) {
            this.benchmarkClass = benchmarkClass;
            this.mode = mode;
            this.unit = unit;
            this.fixed = fixed;
            this.latencyMillis = latencyMillis;
            this.unitPerMilli = unitPerMilli;
        }

        /**
         * Results of the same method, N and parameters from several inputs (repeated runs, runs with and without an
         * agent) cannot be told apart in JMH's output: the first one given is drawn and the others are counted, so
         * that the page says so rather than picking one silently.
         */
        int duplicates;

        void add(long n, BenchmarkResult r) {
            ns.add(n);
            if (byMethod.computeIfAbsent(r.method(), m -> new TreeMap<>()).putIfAbsent(n, r) != null) {
                duplicates++;
            }
        }

        /**
         * The best a method can do at {@code n} tasks of latency L, in the score's unit: N x L one after another;
         * L all at once; ceil(N/k) x L in batches of k (a pool of k threads, a bound of k). NaN when the method's
         * ideal is not known.
         */
        double ideal(String method, long n) {
            double l = latencyMillis * unitPerMilli;
            switch (method) {
                case "sequential":
                    return n * l;
                case "gathered":
                case "allOf":
                case "virtualThreads":
                    return l;
                case "platformPool":
                    return batches(n, "poolSize") * l;
                case "gatherBounded":
                case "semaphore":
                    return batches(n, "bound") * l;
                default:
                    return Double.NaN;
            }
        }

        /** The ideal in words, for legends: {@code N x L}. */
        static String idealFormula(String method) {
            switch (method) {
                case "sequential": return "N × L";
                case "gathered":
                case "allOf":
                case "virtualThreads": return "L";
                case "platformPool": return "⌈N / poolSize⌉ × L";
                case "gatherBounded":
                case "semaphore": return "⌈N / bound⌉ × L";
                default: return null;
            }
        }

        private double batches(long n, String param) {
            String k = fixed.get(param);
            try {
                long size = Long.parseLong(k == null ? "" : k.trim());
                return size <= 0 ? Double.NaN : Math.ceil((double) n / size);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        /** The study's title: its class's simple name and fixed parameters. */
        String title() {
            String simple = benchmarkClass.substring(benchmarkClass.lastIndexOf('.') + 1);
            StringBuilder s = new StringBuilder(simple);
            String sep = ": ";
            for (Map.Entry<String, String> p : fixed.entrySet()) {
                s.append(sep).append(p.getKey()).append('=').append(p.getValue());
                sep = ", ";
            }
            return s.toString();
        }

        /** Sequential time over gathered time at each N, when both were measured; empty otherwise. */
        Map<Long, Double> speedUp() {
            Map<Long, Double> speedUp = new TreeMap<>();
            Map<Long, BenchmarkResult> sequential = byMethod.get("sequential");
            Map<Long, BenchmarkResult> gathered = byMethod.get("gathered");
            if (sequential != null && gathered != null) {
                for (long n : ns) {
                    BenchmarkResult s = sequential.get(n);
                    BenchmarkResult g = gathered.get(n);
                    if (s != null && g != null && g.score() > 0) {
                        speedUp.put(n, s.score() / g.score());
                    }
                }
            }
            return speedUp;
        }
    }
}
