package dev.loopguard.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Measures what the agent adds to the start-up of a hello-world JVM (target: +150 ms and +20 MiB): runs a
 * {@link HelloWorld} JVM without and with {@code -javaagent}, interleaved, and prints the medians, also written to
 * {@code benchmarks/target/startup-cost.md}. Wall time from process start to exit, so it includes writing the report
 * at exit; and, where GNU time is installed, each JVM's CPU time (user + system) and peak resident memory. CPU time
 * is the figure to compare on a shared machine, where wall time moves with the other work. Then one more JVM of
 * each kind counts the classes it loads, and the 1-minute load average before and after the series is printed. JMH
 * is not used: it measures code inside a running JVM, and this is the JVM's own start and stop.
 *
 * <p>Usage, from the repository root after {@code mvn -pl agent,benchmarks -am package -DskipTests}:
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.loopguard.benchmarks.StartupCostRun</pre>
 * Settings (system properties): {@code loopguard.agentJar} (default {@code agent/target/loopguard-agent.jar}),
 * {@code loopguard.startup.runs} (runs of each kind, 3 to 1000, default 11), {@code loopguard.startup.java} (the
 * {@code java} executable of the JDK to measure, default this JVM's).
 */
public final class StartupCostRun {

    static final int DEFAULT_RUNS = 11;
    private static final long TIMEOUT_SECONDS = 60;

    /** The measured program. */
    public static final class HelloWorld {
        public static void main(String[] args) {
            System.out.println("hello");
        }
    }

    /**
     * One series: wall times in milliseconds, peak resident memory in MiB and CPU time in milliseconds (empty lists
     * where the platform has no {@value #TIME} to measure them), the classes one more JVM of each kind loaded (-1:
     * not counted), and the 1-minute load average before and after (NaN where the platform does not say).
     */
    record Summary(List<Double> without, List<Double> with, List<Double> peakWithout, List<Double> peakWith,
                   List<Double> cpuWithout, List<Double> cpuWith, int classesWithout, int classesWith,
                   double loadBefore, double loadAfter) {
        Summary(List<Double> without, List<Double> with) {
            this(without, with, List.of(), List.of());
        }

        Summary(List<Double> without, List<Double> with, List<Double> peakWithout, List<Double> peakWith) {
            this(without, with, peakWithout, peakWith, List.of(), List.of(), -1, -1, Double.NaN, Double.NaN);
        }

        double medianWithout() {
            return median(without);
        }

        double medianWith() {
            return median(with);
        }

        double added() {
            return medianWith() - medianWithout();
        }

        boolean hasPeakMemory() {
            return !peakWithout.isEmpty() && !peakWith.isEmpty();
        }

        boolean hasCpu() {
            return !cpuWithout.isEmpty() && !cpuWith.isEmpty();
        }
    }

    /**
     * GNU time, which reports a child's user and system CPU seconds ({@code %U %S}) and peak resident set size
     * ({@code %M}, in KiB) after it exits.
     */
    static final String TIME = "/usr/bin/time";

    /** One JVM: its wall time, its peak resident memory in MiB and its CPU time in ms, both NaN when not measured. */
    private record Run(double millis, double peakMiB, double cpuMillis) {
    }

    /** What {@value #TIME} reported for one JVM. */
    record Usage(double cpuMillis, double peakMiB) {
    }

    private StartupCostRun() {
    }

    static final CommandLine COMMAND_LINE = new CommandLine("StartupCostRun", "", """
            Measures what the agent adds to the start and stop of a hello world: runs it without and with the agent,
            one after the other, prints the medians and ranges and writes benchmarks/target/startup-cost.md.

            Settings (system properties; see docs/benchmarks.md):
              loopguard.agentJar         the agent jar (default agent/target/loopguard-agent.jar)
              loopguard.startup.runs     runs of each kind, 3 to 1000 (default 11)
              loopguard.startup.java     the java executable of the JDK to measure (default this JVM's)""");

    public static void main(String[] args) throws IOException, InterruptedException {
        if (!CommandLine.proceedOrExit(COMMAND_LINE.screen(args, 0, System.out, System.err))) {
            return;
        }
        Path repository = RunSettings.locateRepository();
        Path agentJar = Path.of(System.getProperty("loopguard.agentJar",
                repository.resolve("agent/target/loopguard-agent.jar").toString()));
        int runs;
        Path java;
        try {
            runs = runs(System.getProperty("loopguard.startup.runs"));
            java = java(System.getProperty("loopguard.startup.java"));
        } catch (IllegalArgumentException e) {
            CommandLine.proceedOrExit(COMMAND_LINE.refuse(e.getMessage(), System.err));
            return;
        }
        if (!Files.isRegularFile(agentJar)) {
            System.err.println("StartupCostRun: no agent jar at " + agentJar.toAbsolutePath() + "; build it with "
                    + "`mvn -B -pl agent -am package -DskipTests` or point -Dloopguard.agentJar=PATH at it");
            System.exit(2);
            return;
        }
        Path work = Files.createTempDirectory("loopguard-startup-");
        Summary summary = measure(java, agentJar, runs, work);
        String table = table(summary, javaVersion(java), runs);
        System.out.println(table);
        AgentOverheadRun.publish(repository.resolve("benchmarks/target/startup-cost.md"), table);
    }

    /**
     * Runs the hello world {@code runs} times without and with the agent, one of each after the other; under
     * {@value #TIME} when it is there, for the peak resident memory of each JVM.
     */
    static Summary measure(Path java, Path agentJar, int runs, Path work) throws IOException, InterruptedException {
        Path classes = helloWorldClasses(work);
        Path report = work.resolve("startup-report.json");
        boolean memory = Files.isExecutable(Path.of(TIME));
        double loadBefore = loadAverage();
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        List<Double> peakWithout = new ArrayList<>();
        List<Double> peakWith = new ArrayList<>();
        List<Double> cpuWithout = new ArrayList<>();
        List<Double> cpuWith = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run plain = run(helloWorld(java, classes, null, null), work, memory);
            Run agent = run(helloWorld(java, classes, agentJar, report), work, memory);
            without.add(plain.millis());
            with.add(agent.millis());
            if (memory) {
                peakWithout.add(plain.peakMiB());
                peakWith.add(agent.peakMiB());
                cpuWithout.add(plain.cpuMillis());
                cpuWith.add(agent.cpuMillis());
            }
        }
        double loadAfter = loadAverage();
        int classesWithout = loadedClasses(java, classes, null, null, work);
        int classesWith = loadedClasses(java, classes, agentJar, report, work);
        return new Summary(List.copyOf(without), List.copyOf(with), List.copyOf(peakWithout), List.copyOf(peakWith),
                List.copyOf(cpuWithout), List.copyOf(cpuWith), classesWithout, classesWith, loadBefore, loadAfter);
    }

    /** The hello-world command line, with the agent when {@code agentJar} is not null. */
    private static List<String> helloWorld(Path java, Path classes, Path agentJar, Path report, String... flags) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(List.of(flags));
        if (agentJar != null) {
            command.add("-javaagent:" + agentJar + "=report=" + report);
        }
        command.addAll(List.of("-cp", classes.toString(), HelloWorld.class.getName()));
        return command;
    }

    /** The classes one more hello world loads, from the JVM's own class-loading log. */
    private static int loadedClasses(Path java, Path classes, Path agentJar, Path report, Path work)
            throws IOException, InterruptedException {
        Path log = work.resolve("class-load.log");
        Files.deleteIfExists(log);
        run(helloWorld(java, classes, agentJar, report, "-Xlog:class+load=info:file=" + log), work, false);
        try (var lines = Files.lines(log)) {
            return (int) lines.count();
        }
    }

    /** The 1-minute load average, or NaN where {@code /proc/loadavg} is not there. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One JVM; fails when it does not print the greeting or exit with status 0. */
    private static Run run(List<String> jvm, Path work, boolean memory) throws IOException, InterruptedException {
        Path peakFile = work.resolve("peak-rss-kib.txt");
        List<String> command = new ArrayList<>();
        if (memory) {
            Files.deleteIfExists(peakFile);
            command.addAll(List.of(TIME, "-f", "%U %S %M", "-o", peakFile.toString()));
        }
        command.addAll(jvm);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the hello-world JVM did not exit within " + TIMEOUT_SECONDS + " s: "
                    + command);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        String printed = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || !printed.startsWith("hello")) {
            throw new IllegalStateException("the hello-world JVM failed (exit status " + process.exitValue() + "): "
                    + command + "\n" + printed);
        }
        if (!memory) {
            return new Run(millis, Double.NaN, Double.NaN);
        }
        Usage usage = usage(Files.readString(peakFile), command);
        return new Run(millis, usage.peakMiB(), usage.cpuMillis());
    }

    /**
     * The last line {@value #TIME} wrote: user and system CPU seconds and the peak resident memory in KiB, as CPU
     * milliseconds and MiB.
     */
    static Usage usage(String timeOutput, List<String> command) {
        String[] lines = timeOutput.strip().split("\\R");
        String[] fields = lines[lines.length - 1].trim().split(" ");
        try {
            if (fields.length != 3) {
                throw new NumberFormatException("expected 3 fields");
            }
            double cpuSeconds = Double.parseDouble(fields[0]) + Double.parseDouble(fields[1]);
            return new Usage(cpuSeconds * 1000, Long.parseLong(fields[2]) / 1024.0);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(TIME + " reported no CPU time and peak memory (expected user seconds, "
                    + "system seconds and KiB, was '" + timeOutput.strip() + "') for " + command, e);
        }
    }

    /** Copies the {@link HelloWorld} class file alone to a class-path directory. */
    private static Path helloWorldClasses(Path work) throws IOException {
        String resource = HelloWorld.class.getName().replace('.', '/') + ".class";
        Path target = work.resolve("classes").resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = StartupCostRun.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " next to " + StartupCostRun.class.getName());
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return work.resolve("classes");
    }

    static int runs(String value) {
        if (value == null) {
            return DEFAULT_RUNS;
        }
        try {
            int runs = Integer.parseInt(value.trim());
            if (runs >= 3 && runs <= 1000) {
                return runs;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("loopguard.startup.runs must be a whole number from 3 to 1000, was '"
                + value + "'");
    }

    static Path java(String value) {
        Path java = value == null ? Path.of(System.getProperty("java.home"), "bin", "java") : Path.of(value);
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("loopguard.startup.java must name a java executable (JDK_HOME/bin/java),"
                    + " was '" + java + "'");
        }
        return java;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    static String table(Summary summary, String jdk, int runs) {
        return String.format(Locale.ROOT, "# Loopguard agent start-up cost%n%n"
                        + "- Run: %s%n- JDK: %s%n- Machine: %d CPUs, %s %s%n"
                        + "- %d runs of a hello world without and with `-javaagent`, interleaved; wall time from process"
                        + " start to exit, report included%n%n"
                        + "| | median | range |%n|---|---:|---:|%n"
                        + "| without agent | %.0f ms | %.0f–%.0f ms |%n"
                        + "| with agent | %.0f ms | %.0f–%.0f ms |%n"
                        + "| **added by the agent** | **%+.0f ms** | |%n%s",
                Instant.now(), jdk, Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.version"), runs,
                summary.medianWithout(), Collections.min(summary.without()), Collections.max(summary.without()),
                summary.medianWith(), Collections.min(summary.with()), Collections.max(summary.with()),
                summary.added(), memoryTable(summary)) + cpuTable(summary) + classesAndLoad(summary);
    }

    private static String cpuTable(Summary summary) {
        if (!summary.hasCpu()) {
            return "";
        }
        double without = median(summary.cpuWithout());
        double with = median(summary.cpuWith());
        return String.format(Locale.ROOT, "%nCPU time of the same JVMs, user + system (the figure to compare on a "
                        + "shared machine):%n%n"
                        + "| | median | range |%n|---|---:|---:|%n"
                        + "| without agent | %.0f ms | %.0f–%.0f ms |%n"
                        + "| with agent | %.0f ms | %.0f–%.0f ms |%n"
                        + "| **added by the agent** | **%+.0f ms** | |%n",
                without, Collections.min(summary.cpuWithout()), Collections.max(summary.cpuWithout()),
                with, Collections.min(summary.cpuWith()), Collections.max(summary.cpuWith()), with - without);
    }

    private static String classesAndLoad(Summary summary) {
        StringBuilder out = new StringBuilder();
        if (summary.classesWithout() >= 0 && summary.classesWith() >= 0) {
            out.append(String.format(Locale.ROOT, "%nLoaded classes (one more JVM of each kind, `-Xlog:class+load`):"
                    + " %d without the agent, %d with it.%n", summary.classesWithout(), summary.classesWith()));
        }
        if (!Double.isNaN(summary.loadBefore()) && !Double.isNaN(summary.loadAfter())) {
            out.append(String.format(Locale.ROOT, "%n1-minute load average: %.2f before the series, %.2f after.%n",
                    summary.loadBefore(), summary.loadAfter()));
        }
        return out.toString();
    }

    private static String memoryTable(Summary summary) {
        if (!summary.hasPeakMemory()) {
            return String.format(Locale.ROOT, "%nPeak memory not measured: no %s on this machine.%n", TIME);
        }
        double without = median(summary.peakWithout());
        double with = median(summary.peakWith());
        return String.format(Locale.ROOT, "%nPeak resident memory of the same JVMs (%s):%n%n"
                        + "| | median | range |%n|---|---:|---:|%n"
                        + "| without agent | %.1f MiB | %.1f–%.1f MiB |%n"
                        + "| with agent | %.1f MiB | %.1f–%.1f MiB |%n"
                        + "| **added by the agent** | **%+.1f MiB** | |%n",
                TIME, without, Collections.min(summary.peakWithout()), Collections.max(summary.peakWithout()),
                with, Collections.min(summary.peakWith()), Collections.max(summary.peakWith()), with - without);
    }

    private static String javaVersion(Path java) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        String[] lines = text.strip().split("\\R");
        return lines.length == 0 ? java.toString() : lines[0] + " (" + java + ")";
    }
}
