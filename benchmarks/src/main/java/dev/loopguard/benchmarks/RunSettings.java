package dev.loopguard.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The comparison runner's settings, read from system properties and validated at once: a wrong value stops the run
 * before any benchmark starts, with a message naming the property, the value and the accepted form.
 *
 * <pre>
 * loopguard.agentJar            path of the agent jar      default: &lt;repository&gt;/agent/target/loopguard-agent.jar
 * loopguard.bench.output        directory for the table and the agent's reports   default: &lt;repository&gt;/benchmarks/target
 * loopguard.bench.forks         JVM forks per benchmark, &gt;= 1                      default: 1
 * loopguard.bench.warmup        ITERATIONSxTIME, e.g. 3x2s or 5x500ms               default: 3x2s
 * loopguard.bench.measurement   ITERATIONSxTIME                                     default: 5x2s
 * loopguard.bench.configs       ids separated by ',' (none, loopguard-off, loopguard-sampled, loopguard-full,
 *                               blockhound)                                         default: all of them
 * loopguard.bench.footprint     futures created by the memory measurement, &gt;= 1000, or 0 to skip   default: 500000
 * </pre>
 * The repository is found from where the benchmark classes were loaded ({@code benchmarks/target/benchmarks.jar} or
 * {@code benchmarks/target/classes}), else the working directory.
 */
record RunSettings(Path agentJar, Path output, int forks, int warmupIterations, TimeValue warmupTime,
                   int measurementIterations, TimeValue measurementTime, Set<String> configs, int footprintCount) {

    static final List<String> CONFIG_IDS = List.of(Configuration.NONE.id(), "loopguard-off", "loopguard-sampled",
            "loopguard-full", Configuration.BLOCKHOUND.id());

    private static final Pattern ITERATIONS_AND_TIME = Pattern.compile("(\\d+)x(\\d+)(ms|s)");

    static RunSettings fromSystemProperties() {
        Map<String, String> properties = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            properties.put(name, System.getProperty(name));
        }
        return from(properties, locateRepository());
    }

    static RunSettings from(Map<String, String> properties, Path repository) {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(repository, "repository");
        Path agentJar = Path.of(properties.getOrDefault("loopguard.agentJar",
                repository.resolve("agent/target/loopguard-agent.jar").toString()));
        Path output = Path.of(properties.getOrDefault("loopguard.bench.output",
                repository.resolve("benchmarks/target").toString()));
        int forks = integer(properties, "loopguard.bench.forks", "1", 1);
        String warmup = properties.getOrDefault("loopguard.bench.warmup", "3x2s");
        String measurement = properties.getOrDefault("loopguard.bench.measurement", "5x2s");
        int footprint = integer(properties, "loopguard.bench.footprint", "500000", 0);
        if (footprint != 0 && footprint < 1000) {
            throw new IllegalArgumentException("loopguard.bench.footprint must be 0 (skip) or >= 1000, was "
                    + footprint);
        }
        return new RunSettings(agentJar, output, forks,
                iterations("loopguard.bench.warmup", warmup), time("loopguard.bench.warmup", warmup),
                iterations("loopguard.bench.measurement", measurement),
                time("loopguard.bench.measurement", measurement),
                configs(properties.get("loopguard.bench.configs")), footprint);
    }

    boolean agentJarPresent() {
        return Files.isRegularFile(agentJar);
    }

    String describe() {
        return forks + " fork(s), warmup " + warmupIterations + " x " + warmupTime + ", measurement "
                + measurementIterations + " x " + measurementTime;
    }

    private static int integer(Map<String, String> properties, String name, String fallback, int minimum) {
        String text = properties.getOrDefault(name, fallback);
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number >= " + minimum + ", was '" + text
                    + "'", e);
        }
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be >= " + minimum + ", was " + value);
        }
        return value;
    }

    private static Matcher iterationsAndTime(String name, String text) {
        Matcher matcher = ITERATIONS_AND_TIME.matcher(text.trim());
        if (!matcher.matches() || Integer.parseInt(matcher.group(1)) < 1 || Long.parseLong(matcher.group(2)) < 1) {
            throw new IllegalArgumentException(name + " must be ITERATIONSxTIME with both >= 1 and TIME in ms or s, "
                    + "e.g. 5x2s or 3x500ms, was '" + text + "'");
        }
        return matcher;
    }

    private static int iterations(String name, String text) {
        return Integer.parseInt(iterationsAndTime(name, text).group(1));
    }

    private static TimeValue time(String name, String text) {
        Matcher matcher = iterationsAndTime(name, text);
        long amount = Long.parseLong(matcher.group(2));
        return matcher.group(3).equals("s") ? TimeValue.seconds(amount) : TimeValue.milliseconds(amount);
    }

    private static Set<String> configs(String text) {
        if (text == null) {
            return new LinkedHashSet<>(CONFIG_IDS);
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String id : text.split(",")) {
            String trimmed = id.trim();
            if (!CONFIG_IDS.contains(trimmed)) {
                throw new IllegalArgumentException("loopguard.bench.configs must list ids from " + CONFIG_IDS
                        + " separated by ',', but '" + trimmed + "' is not one (value was '" + text + "')");
            }
            chosen.add(trimmed);
        }
        return chosen;
    }

    /** The repository root: two levels above the benchmarks jar or classes directory, else the working directory. */
    static Path locateRepository() {
        try {
            Path location = Path.of(RunSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
            // .../benchmarks/target/benchmarks.jar or .../benchmarks/target/classes
            Path target = location.getParent();
            if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                    && target.getParent() != null && target.getParent().getParent() != null) {
                return target.getParent().getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // An unusual class loader: fall back to the working directory, which the docs tell users to run from.
        }
        return Path.of("").toAbsolutePath();
    }
}
