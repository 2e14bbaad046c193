package dev.loopguard.core;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a {@link ControllerRunner} stop achieved: which controllers stopped cleanly, and for each one that did not,
 * what is still running or what failed. A controller listed in {@link #problems()} is nevertheless
 * {@link ControllerState#STOPPED}: it gets no more periods.
 *
 * @param stopped controllers whose in-flight work ended and whose {@code stop} completed, within the bound
 * @param problems for every other controller (sorted by name), one line per problem, e.g.
 *     {@code loop() iteration started at 2026-01-01T00:00:10Z did not finish within PT5S after it was interrupted}
 */
public record StopReport(List<String> stopped, Map<String, List<String>> problems) {

    public StopReport {
        stopped = List.copyOf(Objects.requireNonNull(stopped, "stopped"));
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        Objects.requireNonNull(problems, "problems").forEach((name, lines) -> sorted.put(name, List.copyOf(lines)));
        problems = Collections.unmodifiableMap(sorted);
    }

    /** Whether every controller stopped within the bound without failing. */
    public boolean isClean() {
        return problems.isEmpty();
    }
}
