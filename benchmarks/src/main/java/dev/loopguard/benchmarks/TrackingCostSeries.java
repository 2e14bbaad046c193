package dev.loopguard.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What each task-tracking level costs on the future-heavy workloads, measured as a paired series: in every round, one
 * fork per configuration (no agent and each level), one right after the other, in an order that rotates by one
 * configuration each round, so that no configuration always runs first or last (a fixed order put any drift of the
 * machine within a round on the same configuration every time); each score is compared with the no-agent score of its
 * own round, and the table gives the median of those ratios over the rounds. This is how the
 * verdicts in {@code docs/benchmarks.md} are measured: on a 2-vCPU machine single runs move by 10–20% with no agent
 * at all, more than the 10% target they are meant to check.
 *
 * <p>Usage, after {@code mvn -pl agent,benchmarks -am package -DskipTests}:
 * <pre>java -Dloopguard.bench.warmup=3x1s -Dloopguard.bench.measurement=3x1s \
 *     -cp benchmarks/target/benchmarks.jar dev.loopguard.benchmarks.TrackingCostSeries</pre>
 * Settings are those of {@link RunSettings} ({@code loopguard.bench.forks} is ignored: one fork per configuration and
 * round), plus {@code loopguard.series.rounds}, at least 2, default 10. Writes
 * {@code benchmarks/target/tracking-cost-series.md}.
 */
public final class TrackingCostSeries {

    static final String ROUNDS = "loopguard.series.rounds";
    static final String SUITE = "loopguard.series.suite";

    /** What a series measures: its workloads, the configurations compared and where the table goes. */
    enum Suite {
        TASK_TRACKING("task-tracking", "Task-tracking cost, paired series", AgentOverheadRun.TASK_TRACKING_CASES,
                AgentOverheadRun.TASK_TRACKING_CONFIGS, "tracking-cost-series.md"),
        HOT_PATHS("hot-paths", "Event-loop hot paths (Netty 4.2), paired series", AgentOverheadRun.HOT_PATH_CASES,
                AgentOverheadRun.HOT_PATH_CONFIGS, "hot-paths-series.md");

        final String id;
        final String title;
        final List<AgentOverheadRun.Case> cases;
        final List<String> configs;
        final String file;

        Suite(String id, String title, List<AgentOverheadRun.Case> cases, List<String> configs, String file) {
            this.id = id;
            this.title = title;
            this.cases = cases;
            this.configs = configs;
            this.file = file;
        }

        /** The suite named by {@code loopguard.series.suite}; task tracking when absent. */
        static Suite named(String text) {
            if (text == null) {
                return TASK_TRACKING;
            }
            for (Suite suite : values()) {
                if (suite.id.equals(text.trim())) {
                    return suite;
                }
            }
            throw new IllegalArgumentException(SUITE + " must be task-tracking or hot-paths, was '" + text + "'");
        }
    }

    private TrackingCostSeries() {
    }

    static final CommandLine COMMAND_LINE = new CommandLine("TrackingCostSeries", "", """
            Measures the task-tracking levels in paired rounds: each round forks one JVM per configuration (no agent
            and each level) in a rotating order, prints a line as each starts, and the table gives the median ratio
            to the same round's no-agent score. Writes <output>/tracking-cost-series.md.

            """ + CommandLine.JMH_SETTINGS + """

              loopguard.series.rounds       rounds, at least 2 (default 10); loopguard.bench.forks is ignored
              loopguard.series.suite        task-tracking (default: the tracking levels on the future-heavy
                                            workload, to tracking-cost-series.md) or hot-paths (the Netty 4.2 mixed
                                            workload and its parts under no agent, tasks=off, tasks=sampled and
                                            BlockHound, to hot-paths-series.md)""");

    public static void main(String[] args) throws IOException {
        if (!CommandLine.proceedOrExit(COMMAND_LINE.screen(args, 0, System.out, System.err))) {
            return;
        }
        RunSettings settings;
        int rounds;
        Suite suite;
        List<String> configs;
        try {
            settings = RunSettings.fromSystemProperties();
            rounds = rounds(System.getProperty(ROUNDS));
            suite = Suite.named(System.getProperty(SUITE));
            configs = configurations(settings, suite);
        } catch (IllegalArgumentException e) {
            CommandLine.proceedOrExit(COMMAND_LINE.refuse(e.getMessage(), System.err));
            return;
        }
        if (!settings.agentJarPresent()) {
            System.err.println("TrackingCostSeries: no agent jar at " + settings.agentJar().toAbsolutePath()
                    + "; build it with `mvn -B -pl agent -am package -DskipTests` or point -Dloopguard.agentJar=PATH at it");
            System.exit(2);
            return;
        }
        Files.createDirectories(settings.output());
        double loadAtStart = loadAverage();
        PairedSeries series = new PairedSeries(Configuration.NONE.id());
        Map<String, String> labels = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (String id : orderOfRound(configs, round)) {
                Configuration configuration = AgentOverheadRun.configuration(id);
                labels.put(id, configuration.label());
                System.out.println("=== round " + (round + 1) + " of " + rounds + ": " + configuration.label());
                problems.addAll(measure(settings, suite, configuration, round, series));
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("# " + suite.title);
        lines.add("");
        lines.add("- Run: " + Instant.now());
        lines.add("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        lines.add("- Load average (1 min): " + String.format(java.util.Locale.ROOT,
                "%.2f at the start, %.2f at the end", loadAtStart, loadAverage()) + ", on "
                + Runtime.getRuntime().availableProcessors() + " CPUs");
        lines.add("- Rounds: " + rounds + "; per round one fork per configuration, in this order in the first round, "
                + "rotated by one configuration each round after: "
                + configs.stream().map(labels::get).collect(Collectors.joining(", ")));
        lines.add("- Each fork: warm-up " + settings.warmupIterations() + " x " + settings.warmupTime()
                + ", measurement " + settings.measurementIterations() + " x " + settings.measurementTime());
        lines.add("- Agent jar: " + settings.agentJar().toAbsolutePath());
        lines.add("- A ratio is (score / no-agent score of the same round - 1); negative is slower.");
        lines.add("");
        lines.addAll(series.render(labels));
        lines.add("");
        if (problems.isEmpty()) {
            lines.add("Every fork gave a score, and the agent reported no finding in any: every workload here is correct.");
        } else {
            problems.forEach(problem -> lines.add("- " + problem));
        }
        String document = String.join("\n", lines) + "\n";
        System.out.println();
        System.out.println(document);
        AgentOverheadRun.publish(settings.output().resolve(suite.file), document);
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The configurations in the order round {@code round} (from 0) runs them: the list rotated left by the round. */
    static List<String> orderOfRound(List<String> configs, int round) {
        List<String> order = new ArrayList<>(configs);
        if (!order.isEmpty()) {
            java.util.Collections.rotate(order, -(round % order.size()));
        }
        return order;
    }

    /** The rounds setting: at least 2, because one round is a single run again. */
    static int rounds(String text) {
        if (text == null) {
            return 10;
        }
        try {
            int rounds = Integer.parseInt(text.trim());
            if (rounds >= 2) {
                return rounds;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted form
        }
        throw new IllegalArgumentException(ROUNDS + " must be a whole number >= 2, was '" + text + "'");
    }

    /** The suite's configurations chosen by {@code loopguard.bench.configs}, which must include the baseline. */
    static List<String> configurations(RunSettings settings, Suite suite) {
        List<String> chosen = suite.configs.stream().filter(settings.configs()::contains)
                .collect(Collectors.toList());
        if (!chosen.contains(Configuration.NONE.id()) || chosen.size() < 2) {
            List<String> others = suite.configs.subList(1, suite.configs.size());
            throw new IllegalArgumentException("loopguard.bench.configs must include 'none' and at least one of "
                    + String.join(", ", others) + " for a paired series of " + suite.id + ", was "
                    + settings.configs());
        }
        return chosen;
    }

    /** One fork per benchmark, each with its own agent report; returns what is wrong with the reports, if anything. */
    private static List<String> measure(RunSettings settings, Suite suite, Configuration configuration, int round,
                                        PairedSeries series) {
        List<String> problems = new ArrayList<>();
        for (AgentOverheadRun.Case benchmark : suite.cases) {
            String reportName = "series-" + benchmark.fileSafe();
            OptionsBuilder options = new OptionsBuilder();
            options.include("^" + Pattern.quote(AgentOverheadRun.PREFIX + benchmark.method()) + "$")
                    .forks(1)
                    .warmupIterations(settings.warmupIterations())
                    .warmupTime(settings.warmupTime())
                    .measurementIterations(settings.measurementIterations())
                    .measurementTime(settings.measurementTime())
                    .jvmArgs()
                    .jvmArgsAppend(configuration.jvmArgs(settings.agentJar(), settings.output(), reportName)
                            .toArray(String[]::new))
                    .shouldFailOnError(true);
            String what = benchmark.display() + ", round " + (round + 1) + ", under " + configuration.label();
            try {
                Path report = configuration.reportFile(settings.output(), reportName);
                if (configuration.needsAgentJar()) {
                    Files.deleteIfExists(report);
                }
                for (RunResult result : new Runner(options.build()).run()) {
                    series.add(benchmark.display(), configuration.id(), round, result.getPrimaryResult().getScore());
                }
                if (configuration.needsAgentJar()) {
                    AgentOverheadRun.reportProblem(report, what).ifPresent(problems::add);
                }
            } catch (RunnerException | IOException | RuntimeException e) {
                // The round keeps its other measurements; this one is left out of this round's ratios.
                String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
                System.out.println("FAILED: " + what + ": " + reason);
                problems.add("No score for " + what + ": " + reason);
            }
        }
        return problems;
    }
}
