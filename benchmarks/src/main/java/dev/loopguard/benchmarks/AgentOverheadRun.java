package dev.loopguard.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the agent-overhead benchmarks under every configuration in one go and prints one comparison table, also
 * written to {@code benchmarks/target/agent-overhead.md}.
 *
 * <p>Configurations: no agent; Loopguard with blocking detection ({@code tasks=off}) and, on the future-heavy
 * workload, each task-tracking level; BlockHound 1.0.17. Every benchmark runs in its own forked JVM per
 * configuration, one configuration after another for the same benchmark, so that drift of the machine during the
 * run spreads over all configurations instead of favouring the ones that ran first. The memory measurement
 * ({@link PendingFutureFootprint}) runs last, once per configuration, in its own JVM.
 *
 * <p>Usage, from the repository root after {@code mvn -pl agent,benchmarks -am package -DskipTests}:
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.loopguard.benchmarks.AgentOverheadRun</pre>
 * Settings are system properties, documented on {@link RunSettings}. When the agent jar is missing, the Loopguard rows
 * say so and the rest still runs.
 */
public final class AgentOverheadRun {

    static final String PREFIX = "dev.loopguard.benchmarks.";
    /** The agent's own live data varies by a few megabytes from moment to moment; a median of JVMs steadies it. */
    static final int FOOTPRINT_JVMS = 5;
    private static final Pattern FINDING_KIND = Pattern.compile("\"kind\"\\s*:\\s*\"([A-Z_]+)\"");

    /** The non-blocking event-loop workloads and the per-call cost, measured for blocking detection. */
    static final List<Case> BLOCKING_DETECTION_CASES = List.of(
            new Case("CompletableFutureChainBenchmark.chainOfLoopHops"),
            new Case("UncontendedLockBenchmark.reentrantLock"),
            new Case("UncontendedLockBenchmark.synchronizedBlock"),
            new Case("NettyResubmitBenchmark.resubmittingTask", "loopKind", "nio"),
            new Case("NettyResubmitBenchmark.resubmittingTask", "loopKind", "default"),
            new Case("BlockingMethodFastPathBenchmark.parkWithPermit"),
            new Case("BlockingMethodFastPathBenchmark.joinFinishedThread"),
            new Case("BlockingMethodFastPathBenchmark.joinCompletedFuture"));
    static final List<String> BLOCKING_DETECTION_CONFIGS = List.of("none", "loopguard-off", "blockhound");

    /**
     * The hot paths of a correct event-loop program on Netty 4.2, the mixed workload and each of its parts, measured
     * with blocking detection alone, at the default level, and with BlockHound.
     */
    static final List<Case> HOT_PATH_CASES = List.of(
            new Case("NettyMixedWorkloadBenchmark.mixed"),
            new Case("NettyMixedWorkloadBenchmark.resubmitOnly"),
            new Case("NettyMixedWorkloadBenchmark.lockOnly"),
            new Case("NettyMixedWorkloadBenchmark.futureOnly"));
    static final List<String> HOT_PATH_CONFIGS = List.of("none", "loopguard-off", "loopguard-sampled", "blockhound");

    /** The future-heavy workload, measured at each task-tracking level. */
    static final List<Case> TASK_TRACKING_CASES = List.of(
            new Case("FutureTrackingBenchmark.completeInline"),
            new Case("FutureTrackingBenchmark.fanOutThroughLoop"));
    static final List<String> TASK_TRACKING_CONFIGS = List.of("none", "loopguard-off", "loopguard-sampled",
            "loopguard-full");

    /** One benchmark method, with at most one fixed parameter. */
    record Case(String method, String paramName, String paramValue) {
        Case(String method) {
            this(method, null, null);
        }

        String display() {
            return paramName == null ? method : method + " " + paramName + "=" + paramValue;
        }

        String fileSafe() {
            return display().replaceAll("[^A-Za-z0-9.-]", "_");
        }
    }

    private AgentOverheadRun() {
    }

    static final CommandLine COMMAND_LINE = new CommandLine("AgentOverheadRun", "", """
            Runs every agent-overhead benchmark with no agent, with Loopguard and with BlockHound, each in its own
            forked JVM, printing a line as each starts, then one comparison table, also written to
            <output>/agent-overhead.md. About 15 minutes with the defaults on an idle machine.

            """ + CommandLine.JMH_SETTINGS);

    public static void main(String[] args) throws IOException, InterruptedException {
        if (!CommandLine.proceedOrExit(COMMAND_LINE.screen(args, 0, System.out, System.err))) {
            return;
        }
        RunSettings settings;
        try {
            settings = RunSettings.fromSystemProperties();
        } catch (IllegalArgumentException e) {
            CommandLine.proceedOrExit(COMMAND_LINE.refuse(e.getMessage(), System.err));
            return;
        }
        Files.createDirectories(settings.output());
        if (!settings.agentJarPresent()) {
            System.out.println("WARNING: Loopguard agent jar not found at " + settings.agentJar().toAbsolutePath()
                    + ". The Loopguard rows are skipped. Build it with `mvn -B -pl agent -am package -DskipTests` "
                    + "or point -Dloopguard.agentJar=PATH at it.");
        }
        ComparisonTable table = new ComparisonTable();
        run(settings, BLOCKING_DETECTION_CASES, BLOCKING_DETECTION_CONFIGS, table);
        run(settings, HOT_PATH_CASES, HOT_PATH_CONFIGS, table);
        run(settings, TASK_TRACKING_CASES, TASK_TRACKING_CONFIGS, table);
        if (settings.footprintCount() > 0) {
            for (String id : TASK_TRACKING_CONFIGS) {
                if (settings.configs().contains(id)) {
                    measureFootprint(settings, configuration(id), table);
                }
            }
        }
        String document = table.render(header(settings));
        System.out.println();
        System.out.println(document);
        publish(settings.output().resolve("agent-overhead.md"), document);
    }

    /**
     * Writes a runner's document through a temporary file and a rename, so that a runner stopped half-way never leaves
     * a truncated table where the last good one was, and says where it went.
     */
    static void publish(Path file, String document) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, document, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Written to " + file.toAbsolutePath());
    }

    static Configuration configuration(String id) {
        if (id.equals(Configuration.NONE.id())) {
            return Configuration.NONE;
        }
        if (id.equals(Configuration.BLOCKHOUND.id())) {
            return Configuration.BLOCKHOUND;
        }
        return Configuration.loopguard(id.substring("loopguard-".length()));
    }

    private static void run(RunSettings settings, List<Case> cases, List<String> configIds, ComparisonTable table) {
        for (Case benchmark : cases) {
            for (String id : configIds) {
                if (!settings.configs().contains(id)) {
                    continue;
                }
                Configuration configuration = configuration(id);
                if (configuration.needsAgentJar() && !settings.agentJarPresent()) {
                    table.missing(benchmark.display(), configuration, "skipped: no agent jar at "
                            + settings.agentJar());
                    continue;
                }
                runOne(settings, benchmark, configuration, table);
            }
        }
    }

    private static void runOne(RunSettings settings, Case benchmark, Configuration configuration,
                               ComparisonTable table) {
        System.out.println("=== " + benchmark.display() + " under " + configuration.label());
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(PREFIX + benchmark.method()) + "$")
                .forks(settings.forks())
                .warmupIterations(settings.warmupIterations())
                .warmupTime(settings.warmupTime())
                .measurementIterations(settings.measurementIterations())
                .measurementTime(settings.measurementTime())
                // Explicit, so forks do not inherit this runner's own JVM options (JMH's default): every
                // configuration starts from the same plain JVM plus exactly its own arguments.
                .jvmArgs()
                .jvmArgsAppend(configuration.jvmArgs(settings.agentJar(), settings.output(), benchmark.fileSafe())
                        .toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (benchmark.paramName() != null) {
            options.param(benchmark.paramName(), benchmark.paramValue());
        }
        Path report = configuration.reportFile(settings.output(), benchmark.fileSafe());
        try {
            if (configuration.needsAgentJar()) {
                Files.deleteIfExists(report);
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            if (configuration.needsAgentJar()) {
                noteReport(table, report, benchmark.display() + " under " + configuration.label());
            }
            if (results.isEmpty()) {
                table.missing(benchmark.display(), configuration, "failed: JMH returned no result");
            }
            for (RunResult result : results) {
                Result<?> primary = result.getPrimaryResult();
                Result<?> allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
                table.measured(benchmark.display(), configuration, primary.getScore(), primary.getScoreError(),
                        allocation == null ? Double.NaN : allocation.getScore());
            }
        } catch (RunnerException | IOException | RuntimeException e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
            System.out.println("FAILED: " + benchmark.display() + " under " + configuration.label() + ": " + reason);
            table.missing(benchmark.display(), configuration, "failed: " + reason);
        }
    }

    private static void measureFootprint(RunSettings settings, Configuration configuration, ComparisonTable table)
            throws IOException, InterruptedException {
        if (configuration.needsAgentJar() && !settings.agentJarPresent()) {
            table.footprintMissing(configuration, "skipped: no agent jar at " + settings.agentJar());
            return;
        }
        System.out.println("=== heap per pending future under " + configuration.label());
        double[] figures = new double[FOOTPRINT_JVMS];
        for (int run = 0; run < FOOTPRINT_JVMS; run++) {
            String failure = footprintOnce(settings, configuration, figures, run, table);
            if (failure != null) {
                table.footprintMissing(configuration, failure);
                return;
            }
        }
        Arrays.sort(figures);
        table.footprint(configuration, figures[FOOTPRINT_JVMS / 2], figures[0], figures[FOOTPRINT_JVMS - 1]);
    }

    /**
     * Every workload here is correct, so each finding in the agent's report is a false positive of the agent (or a
     * mistake in the benchmark): either way the reader of the table must know. A missing report means the agent may
     * not have been active at all.
     */
    static void noteReport(ComparisonTable table, Path report, String what) throws IOException {
        reportProblem(report, what).ifPresent(table::note);
    }

    /** What is wrong with the agent's report for {@code what}: missing, or with findings; empty when it is clean. */
    static Optional<String> reportProblem(Path report, String what) throws IOException {
        if (!Files.isRegularFile(report)) {
            return Optional.of("Loopguard wrote no report for " + what + " (expected " + report
                    + "): check the fork's output above.");
        }
        Map<String, Integer> kinds = new TreeMap<>();
        Matcher kind = FINDING_KIND.matcher(Files.readString(report, StandardCharsets.UTF_8));
        while (kind.find()) {
            kinds.merge(kind.group(1), 1, Integer::sum);
        }
        if (kinds.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("Loopguard reported findings for " + what + " although the workload is correct: "
                + kinds.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                        .collect(Collectors.joining(", ")) + " (see " + report + ").");
    }

    /** One footprint JVM; stores its figure in {@code figures[run]} and returns null, or returns why it failed. */
    private static String footprintOnce(RunSettings settings, Configuration configuration, double[] figures, int run,
                                        ComparisonTable table) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A stop-the-world collector, a fixed heap and soft references cleared at every collection make "used after
        // System.gc()" the live set (see PendingFutureFootprint).
        command.addAll(List.of("-XX:+UseSerialGC", "-XX:SoftRefLRUPolicyMSPerMB=0", "-Xms1g", "-Xmx1g"));
        command.addAll(configuration.jvmArgs(settings.agentJar(), settings.output(), "footprint"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PendingFutureFootprint.class.getName(),
                Integer.toString(settings.footprintCount())));
        Files.deleteIfExists(configuration.reportFile(settings.output(), "footprint"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println(line);
                output.add(line);
            }
        }
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return "failed: no exit within 5 minutes";
        }
        String figure = output.stream().filter(line -> line.startsWith("bytesPerPendingFuture=")).findFirst()
                .orElse(null);
        if (process.exitValue() != 0 || figure == null) {
            String last = output.isEmpty() ? "no output" : output.get(output.size() - 1);
            return "failed: exit " + process.exitValue() + ", " + last;
        }
        if (configuration.needsAgentJar()) {
            noteReport(table, configuration.reportFile(settings.output(), "footprint"), "the memory measurement under "
                    + configuration.label() + " (JVM " + (run + 1) + ")");
        }
        figures[run] = Double.parseDouble(figure.substring("bytesPerPendingFuture=".length()).split(" ")[0]);
        return null;
    }

    static List<String> header(RunSettings settings) {
        List<String> lines = new ArrayList<>();
        lines.add("# Loopguard agent overhead");
        lines.add("");
        lines.add("- Run: " + Instant.now());
        lines.add("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.vendor") + ")");
        lines.add("- Machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        lines.add("- JMH: " + settings.describe() + ", throughput mode, GC profiler (alloc B/op)");
        lines.add("- Agent jar: " + settings.agentJar().toAbsolutePath() + (settings.agentJarPresent()
                ? " (built " + lastModified(settings.agentJar()) + ")" : " (MISSING: Loopguard rows skipped)"));
        lines.add("- Configurations: " + settings.configs().stream().collect(Collectors.joining(", ")));
        lines.add("- vs no agent: (score / no-agent score - 1); negative is slower. ns/op = 1e9 / score.");
        return lines;
    }

    private static String lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().toString();
        } catch (IOException e) {
            return "at an unknown time: " + e.getMessage();
        }
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                for (String line : Files.readAllLines(cpuinfo)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException e) {
                // Fall through to the architecture: the model is informative, not required.
            }
        }
        return System.getProperty("os.arch");
    }
}
