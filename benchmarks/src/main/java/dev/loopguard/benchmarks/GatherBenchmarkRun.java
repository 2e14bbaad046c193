package dev.loopguard.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link SequentialVsGatheredBenchmark} and {@link BoundedGatherBenchmark} in one of two profiles, then the
 * gathered benchmark again in a fork with the Loopguard agent beside one without, and writes under the output
 * directory (default {@code benchmarks/target/benchmarks}):
 *
 * <pre>
 * sequential-vs-gathered.json   JMH JSON of SequentialVsGatheredBenchmark
 * bounded-gather.json           JMH JSON of BoundedGatherBenchmark
 * gathered-agent-cost.json      JMH JSON of gathered, each cell without and with -javaagent (see each result's jvmArgs)
 * environment.properties        CPUs, JDK, GC, common-pool parallelism, load, profile, skipped cells
 * summary.md                    ratio to the ideal, per-task cost of gather and allOf, allocation, agent cost
 * </pre>
 *
 * Cells that are not measured on purpose ({@code sequential} where N x L passes 1 s, {@code virtualThreads} before
 * JDK 21) are left out of the runs and listed, with the reason, in the summary and the environment file. Every file
 * is written through a temporary file and a rename.
 */
public final class GatherBenchmarkRun {

    static final String USAGE = "usage: java -cp benchmarks/target/benchmarks.jar "
            + "dev.loopguard.benchmarks.GatherBenchmarkRun [--profile quick|full] [--output DIR] "
            + "[--agent-jar PATH | --no-agent] [--help]";

    /** Every fork gets the same heap and collector, so runs on different machines differ by the machine only. */
    static final List<String> FORK_JVM_ARGS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    static final String SEQUENTIAL_CLASS = SequentialVsGatheredBenchmark.class.getSimpleName();
    static final String BOUNDED_CLASS = BoundedGatherBenchmark.class.getSimpleName();
    static final List<String> SEQUENTIAL_METHODS = List.of("sequential", "gathered", "allOf", "virtualThreads",
            "platformPool");
    /** The cells where the agent's cost is measured: the sizes the targets are about. */
    static final List<String> AGENT_COST_N = List.of("1000", "10000");
    static final String AGENT_COST_FILE = "gathered-agent-cost.json";
    /**
     * The agent-cost forks warm up this long in either profile: the woven code compiles later than the plain code,
     * and with the quick profile's half second of warm-up the ratio measured mostly that (over 10x at N = 1,000
     * where three 1 s warm-up iterations give about 1x).
     */
    static final int AGENT_COST_WARMUP_ITERATIONS = 3;
    static final TimeValue AGENT_COST_WARMUP_TIME = TimeValue.seconds(1);

    /** How long and how often each benchmark runs. */
    enum Profile {
        /**
         * A first look, a few minutes: one fork, short iterations. Two 1 s warm-up iterations: with one of 500 ms,
         * the first measured iteration at N = 10,000 ran 5 to 10 times slower than the next two (the code was not
         * compiled yet), and a virtual thread per read took 650 ms for its first operation.
         */
        QUICK(1, 2, TimeValue.seconds(1), 3, TimeValue.milliseconds(500)),
        /** The figures for the docs: three forks, longer iterations. */
        FULL(3, 3, TimeValue.seconds(1), 5, TimeValue.seconds(1));

        final int forks;
        final int warmupIterations;
        final TimeValue warmupTime;
        final int measurementIterations;
        final TimeValue measurementTime;

        Profile(int forks, int warmupIterations, TimeValue warmupTime, int measurementIterations,
                TimeValue measurementTime) {
            this.forks = forks;
            this.warmupIterations = warmupIterations;
            this.warmupTime = warmupTime;
            this.measurementIterations = measurementIterations;
            this.measurementTime = measurementTime;
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        String describe() {
            return forks + " fork(s), warm-up " + warmupIterations + " x " + warmupTime + ", measurement "
                    + measurementIterations + " x " + measurementTime;
        }
    }

    /** The parsed command line; {@code agentJar} is null with {@code --no-agent}. */
    record Arguments(Profile profile, Path output, Path agentJar, boolean agentJarExplicit, boolean help) {
    }

    /** One JMH run: which methods, which parameter values, which extra JVM arguments, and where its results go. */
    record Step(String label, String include, Map<String, List<String>> params, List<String> jvmArgs,
                String resultFile) {
    }

    private GatherBenchmarkRun() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit status: 0 done, 1 a run failed, 2 bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        Arguments arguments;
        try {
            arguments = parse(List.of(args), RunSettings.locateRepository());
        } catch (IllegalArgumentException e) {
            err.println("GatherBenchmarkRun: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (arguments.help()) {
            out.println(USAGE);
            out.println();
            out.println("  --profile quick   one fork, 2 x 1 s warm-up, 3 x 500 ms measurement (the default; a few "
                    + "minutes)");
            out.println("  --profile full    three forks, 3 x 1 s warm-up, 5 x 1 s measurement (about half an hour)");
            out.println("  --output DIR      where results go (default benchmarks/target/benchmarks)");
            out.println("  --agent-jar PATH  the Loopguard agent for the agent-cost forks (default "
                    + "agent/target/loopguard-agent.jar)");
            out.println("  --no-agent        leave out the agent-cost forks");
            out.println("See docs/benchmarks.md for what each benchmark measures and how to read the results.");
            return 0;
        }
        if (arguments.agentJarExplicit() && !Files.isRegularFile(arguments.agentJar())) {
            err.println("GatherBenchmarkRun: --agent-jar " + arguments.agentJar() + " is not a file; build it with "
                    + "`mvn -B -pl agent -am package -DskipTests` or pass --no-agent");
            err.println(USAGE);
            return 2;
        }
        return execute(arguments, out);
    }

    static Arguments parse(List<String> args, Path repository) {
        Profile profile = Profile.QUICK;
        Path output = repository.resolve("benchmarks/target/benchmarks");
        Path agentJar = repository.resolve("agent/target/loopguard-agent.jar");
        boolean agentJarExplicit = false;
        boolean noAgent = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help":
                case "-h":
                    help = true;
                    break;
                case "--profile":
                    String name = value(args, i++, arg);
                    if (!name.equals("quick") && !name.equals("full")) {
                        throw new IllegalArgumentException("--profile must be quick or full, was '" + name + "'");
                    }
                    profile = Profile.valueOf(name.toUpperCase(java.util.Locale.ROOT));
                    break;
                case "--output":
                    output = Path.of(value(args, i++, arg));
                    break;
                case "--agent-jar":
                    agentJar = Path.of(value(args, i++, arg));
                    agentJarExplicit = true;
                    break;
                case "--no-agent":
                    noAgent = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument '" + arg + "'; the accepted ones are "
                            + "--profile quick|full, --output DIR, --agent-jar PATH, --no-agent, --help");
            }
        }
        if (noAgent && agentJarExplicit) {
            throw new IllegalArgumentException("--agent-jar and --no-agent contradict each other; give one of them");
        }
        if (output.toAbsolutePath().toString().contains(",")) {
            // The agent separates its options with commas; a report path with one would be cut short.
            throw new IllegalArgumentException("--output must not contain ',' (the agent's report path goes into "
                    + "its comma-separated options), was '" + output + "'");
        }
        return new Arguments(profile, output, noAgent ? null : agentJar, agentJarExplicit, help);
    }

    private static String value(List<String> args, int index, String option) {
        if (index + 1 >= args.size() || args.get(index + 1).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args.get(index + 1);
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + " needs a non-blank value");
        }
        return value;
    }

    /** The cells left out on purpose in this JVM, each as "method n=.. latencyMillis=..: reason". */
    static List<String> skippedCells() {
        List<String> skipped = new ArrayList<>();
        for (String method : SEQUENTIAL_METHODS) {
            for (String latency : paramValues(SequentialVsGatheredBenchmark.class, "latencyMillis")) {
                for (String n : paramValues(SequentialVsGatheredBenchmark.class, "n")) {
                    SequentialVsGatheredBenchmark.skipReason(method, Integer.parseInt(n), Integer.parseInt(latency))
                            .ifPresent(reason -> skipped.add(method + " n=" + n + " latencyMillis=" + latency + ": "
                                    + reason));
                }
            }
        }
        return skipped;
    }

    /** The JMH runs of the benchmark classes, leaving out the skipped cells; the agent-cost runs come separately. */
    static List<Step> benchmarkSteps() {
        List<Step> steps = new ArrayList<>();
        List<String> others = SEQUENTIAL_METHODS.stream().filter(method -> !method.equals("sequential"))
                .filter(method -> !method.equals("virtualThreads") || VirtualThreads.available())
                .collect(Collectors.toList());
        steps.add(new Step(SEQUENTIAL_CLASS + " " + String.join(", ", others), include(SEQUENTIAL_CLASS, others),
                Map.of(), List.of(), "sequential-vs-gathered.json"));
        for (String latency : paramValues(SequentialVsGatheredBenchmark.class, "latencyMillis")) {
            List<String> sizes = paramValues(SequentialVsGatheredBenchmark.class, "n").stream()
                    .filter(n -> SequentialVsGatheredBenchmark.skipReason("sequential", Integer.parseInt(n),
                            Integer.parseInt(latency)).isEmpty())
                    .collect(Collectors.toList());
            Map<String, List<String>> params = new LinkedHashMap<>();
            params.put("n", sizes);
            params.put("latencyMillis", List.of(latency));
            steps.add(new Step(SEQUENTIAL_CLASS + " sequential latencyMillis=" + latency,
                    include(SEQUENTIAL_CLASS, List.of("sequential")), params, List.of(),
                    "sequential-vs-gathered.json"));
        }
        steps.add(new Step(BOUNDED_CLASS, include(BOUNDED_CLASS, List.of("gatherBounded", "semaphore")), Map.of(),
                List.of(), "bounded-gather.json"));
        return steps;
    }

    /** The agent-cost runs: for each cell, a fork without the agent, then one with it at its default settings. */
    static List<Step> agentCostSteps(Path agentJar, Path output) {
        List<Step> steps = new ArrayList<>();
        for (String latency : paramValues(SequentialVsGatheredBenchmark.class, "latencyMillis")) {
            for (String n : AGENT_COST_N) {
                Map<String, List<String>> params = new LinkedHashMap<>();
                params.put("n", List.of(n));
                params.put("latencyMillis", List.of(latency));
                String cell = "gathered n=" + n + " latencyMillis=" + latency;
                String include = include(SEQUENTIAL_CLASS, List.of("gathered"));
                steps.add(new Step(cell + " without the agent", include, params, List.of(), AGENT_COST_FILE));
                // No tasks= option: the default tracking level is what a user gets by adding the agent.
                steps.add(new Step(cell + " with the agent", include, params, List.of("-javaagent:"
                        + agentJar.toAbsolutePath() + "=report=" + agentReport(output, n, latency)),
                        AGENT_COST_FILE));
            }
        }
        return steps;
    }

    static Path agentReport(Path output, String n, String latency) {
        return output.toAbsolutePath().resolve("loopguard-report-gathered-n" + n + "-L" + latency + ".json");
    }

    private static String include(String benchmarkClass, List<String> methods) {
        return "^" + Pattern.quote(AgentOverheadRun.PREFIX + benchmarkClass + ".") + "("
                + String.join("|", methods) + ")$";
    }

    static List<String> paramValues(Class<?> benchmark, String field) {
        try {
            return List.of(benchmark.getField(field).getAnnotation(org.openjdk.jmh.annotations.Param.class).value());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(benchmark.getSimpleName() + " has no @Param field '" + field + "'", e);
        }
    }

    private static int execute(Arguments arguments, PrintStream out) throws IOException {
        Path output = arguments.output().toAbsolutePath();
        Files.createDirectories(output);
        Profile profile = arguments.profile();
        Instant started = Instant.now();
        double loadAtStart = loadAverage();
        List<String> skipped = skippedCells();
        List<String> notes = new ArrayList<>();
        skipped.forEach(cell -> out.println("SKIPPED " + cell));

        List<Step> steps = new ArrayList<>(benchmarkSteps());
        boolean agentPresent = arguments.agentJar() != null && Files.isRegularFile(arguments.agentJar());
        if (arguments.agentJar() == null) {
            notes.add("Agent cost not measured: --no-agent was given.");
        } else if (!agentPresent) {
            notes.add("Agent cost not measured: no agent jar at " + arguments.agentJar() + "; build it with "
                    + "`mvn -B -pl agent,benchmarks -am package -DskipTests`.");
            out.println("WARNING: " + notes.get(notes.size() - 1));
        } else {
            steps.addAll(agentCostSteps(arguments.agentJar(), output));
        }

        Map<String, List<RunResult>> resultsByFile = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (Step step : steps) {
            out.println("=== " + step.label());
            resultsByFile.computeIfAbsent(step.resultFile(), file -> new ArrayList<>());
            Path report = null;
            if (!step.jvmArgs().isEmpty()) {
                report = agentReportOf(step);
                Files.deleteIfExists(report);
            }
            try {
                Collection<RunResult> results = new Runner(options(profile, step).build()).run();
                resultsByFile.get(step.resultFile()).addAll(results);
                if (report != null) {
                    AgentOverheadRun.reportProblem(report, step.label()).ifPresent(notes::add);
                }
            } catch (RunnerException | RuntimeException e) {
                String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
                out.println("FAILED: " + step.label() + ": " + reason);
                failures.add(step.label() + ": " + reason);
            }
        }

        for (Map.Entry<String, List<RunResult>> entry : resultsByFile.entrySet()) {
            publish(output.resolve(entry.getKey()), json(entry.getValue()), out);
        }
        List<RunResult> all = resultsByFile.values().stream().flatMap(List::stream).collect(Collectors.toList());
        Properties environment = environment(profile, arguments, started, loadAtStart, skipped);
        GatherSummary summary = GatherSummary.of(all, resultsByFile.getOrDefault(AGENT_COST_FILE,
                List.of()));
        List<String> lines = summary.render(environment, skipped, notes, failures);
        String document = String.join("\n", lines) + "\n";
        out.println();
        out.println(document);
        publish(output.resolve("summary.md"), document, out);
        publish(output.resolve("environment.properties"), properties(environment), out);
        return failures.isEmpty() ? 0 : 1;
    }

    private static Path agentReportOf(Step step) {
        String arg = step.jvmArgs().get(0);
        return Path.of(arg.substring(arg.indexOf("=report=") + "=report=".length()));
    }

    static ChainedOptionsBuilder options(Profile profile, Step step) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(step.include())
                .forks(profile.forks)
                .warmupIterations(profile.warmupIterations)
                .warmupTime(profile.warmupTime)
                .measurementIterations(profile.measurementIterations)
                .measurementTime(profile.measurementTime)
                // Explicit, so forks do not inherit this runner's own JVM options (JMH's default).
                .jvmArgs(FORK_JVM_ARGS.toArray(String[]::new))
                .jvmArgsAppend(step.jvmArgs().toArray(String[]::new))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (step.resultFile().equals(AGENT_COST_FILE)) {
            options.warmupIterations(Math.max(profile.warmupIterations, AGENT_COST_WARMUP_ITERATIONS))
                    .warmupTime(AGENT_COST_WARMUP_TIME);
        }
        step.params().forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
        return options;
    }

    private static String json(List<RunResult> results) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, stream).writeOut(results);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static Properties environment(Profile profile, Arguments arguments, Instant started, double loadAtStart,
                                  List<String> skipped) {
        Properties environment = new Properties();
        environment.setProperty("profile", profile.key() + ": " + profile.describe());
        environment.setProperty("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        environment.setProperty("jdk", System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor") + ")");
        environment.setProperty("gc", "G1, every fork runs with " + String.join(" ", FORK_JVM_ARGS));
        environment.setProperty("commonPoolParallelism", Integer.toString(ForkJoinPool.getCommonPoolParallelism()));
        environment.setProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        environment.setProperty("loadAverage.start", String.format(java.util.Locale.ROOT, "%.2f", loadAtStart));
        environment.setProperty("loadAverage.end", String.format(java.util.Locale.ROOT, "%.2f", loadAverage()));
        environment.setProperty("started", started.toString());
        environment.setProperty("finished", Instant.now().toString());
        environment.setProperty("agentJar", arguments.agentJar() == null ? "none (--no-agent)"
                : arguments.agentJar().toAbsolutePath().toString());
        for (int i = 0; i < skipped.size(); i++) {
            environment.setProperty("skipped." + (i + 1), skipped.get(i));
        }
        return environment;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String properties(Properties properties) throws IOException {
        StringWriter text = new StringWriter();
        properties.store(text, "Where the gather benchmarks in this directory ran (GatherBenchmarkRun)");
        return text.toString();
    }

    private static void publish(Path file, String document, PrintStream out) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, document, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out.println("Written to " + file);
    }
}
