package com.acme.harness.cost;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.loopguard.harness.Loopguard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What {@code @Loopguard} adds per test: a class of 500 trivial tests run without and with the annotation, in the same
 * JVM, interleaved, after a warm-up; then classes whose tests leave a tracked future pending (unreachable at the end,
 * or kept reachable). Each test's time runs from the launcher's "started" to its "finished" event, so it includes the
 * extension's callbacks around the test. Prints medians and writes {@code harness/target/extension-cost.md}. Not a
 * test: timing is measured here and written in docs/harness.md, never asserted.
 *
 * <p>Usage, from the repository root (the class path of the harness tests):
 * <pre>
 * mvn -B -ntp -o -q -pl harness -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=$PWD/harness/target/cp.txt -DincludeScope=test
 * java -cp harness/target/test-classes:harness/target/classes:$(sed 's#agent/target/classes#agent/target/loopguard-agent.jar#' harness/target/cp.txt) \
 *     com.acme.harness.cost.ExtensionCostRun
 * </pre>
 * (the agent's classes directory is replaced by its jar, which self-attach needs). Run it from the repository root:
 * the run report of each launcher execution goes to {@code target/loopguard/} there.
 * Add {@code -javaagent:agent/target/loopguard-agent.jar=tasks=full} to measure under {@code -javaagent}; without it,
 * the first {@code @Loopguard} class attaches the agent (that one-time cost is printed apart). System property
 * {@code loopguard.cost.rounds} (default 5): interleaved rounds of each class.
 */
public final class ExtensionCostRun {

    private ExtensionCostRun() {
    }

    /** 500 trivial tests, no extension. */
    public static class Plain {
        @RepeatedTest(500)
        void trivial() {
            if (Integer.parseInt("2") != 2) {
                throw new AssertionError();
            }
        }
    }

    /** The same 500 tests under {@code @Loopguard}. */
    @Loopguard
    public static class Guarded {
        @RepeatedTest(500)
        void trivial() {
            if (Integer.parseInt("2") != 2) {
                throw new AssertionError();
            }
        }
    }

    /** Each test leaves a pending future with a callback, unreachable once the test returns. */
    @Loopguard(mode = "RECORD")
    public static class PendingUnreachable {
        @RepeatedTest(100)
        void leavesAFuturePending() {
            pending();
        }
    }

    /** Each test leaves a pending future with a callback, kept reachable past its end. */
    @Loopguard(mode = "RECORD")
    public static class PendingKept {
        static final List<CompletableFuture<String>> KEPT = new CopyOnWriteArrayList<>();

        @RepeatedTest(100)
        void keepsAFuturePending() {
            KEPT.add(pending());
        }
    }

    static CompletableFuture<String> pending() {
        CompletableFuture<String> future = new CompletableFuture<>();
        future.thenApply(String::length);
        return future;
    }

    /** Collects the duration of every test of a run. */
    static final class Timings implements TestExecutionListener {
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        final List<Double> millis = new CopyOnWriteArrayList<>();
        volatile int failed;

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                started.put(id.getUniqueId(), System.nanoTime());
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
                millis.add((System.nanoTime() - started.remove(id.getUniqueId())) / 1e6);
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    failed++;
                }
            }
        }
    }

    static List<Double> run(Launcher launcher, Class<?> type) {
        Timings timings = new Timings();
        launcher.execute(request().selectors(selectClass(type)).build(), timings);
        if (timings.failed > 0) {
            throw new IllegalStateException(timings.failed + " test(s) of " + type.getSimpleName() + " failed");
        }
        return timings.millis;
    }

    public static void main(String[] args) throws IOException {
        int rounds = Integer.getInteger("loopguard.cost.rounds", 5);
        Launcher launcher = LauncherFactory.create();
        long attachStart = System.nanoTime();
        run(launcher, Guarded.class); // first: attaches the agent unless -javaagent started it
        double firstClassMillis = (System.nanoTime() - attachStart) / 1e6;
        run(launcher, Plain.class);
        List<Double> plain = new ArrayList<>();
        List<Double> guarded = new ArrayList<>();
        List<Double> unreachable = new ArrayList<>();
        List<Double> kept = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            plain.addAll(run(launcher, Plain.class));
            guarded.addAll(run(launcher, Guarded.class));
            unreachable.addAll(run(launcher, PendingUnreachable.class));
            kept.addAll(run(launcher, PendingKept.class));
            PendingKept.KEPT.clear();
        }
        boolean javaagent = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:"));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "JDK %s, %s, %d rounds, %d cores%n", System.getProperty("java.version"),
                javaagent ? "-javaagent" : "self-attached", rounds, Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, "first @Loopguard class of 500 tests (agent start included): %.0f ms%n",
                firstClassMillis));
        out.append("| tests | median ms/test | p90 ms/test | added to the plain median |\n|---|---|---|---|\n");
        double base = median(plain);
        row(out, "500 trivial, no extension", plain, base);
        row(out, "500 trivial, @Loopguard", guarded, base);
        row(out, "100 leaving a pending future, unreachable at the end", unreachable, base);
        row(out, "100 leaving a pending future, kept reachable", kept, base);
        System.out.print(out);
        Path file = Path.of("harness", "target", "extension-cost.md");
        if (Files.isDirectory(file.getParent())) {
            Files.writeString(file, out.toString());
        }
    }

    private static void row(StringBuilder out, String name, List<Double> millis, double base) {
        out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %+.3f |%n", name, median(millis),
                percentile(millis, 0.9), median(millis) - base));
    }

    static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
