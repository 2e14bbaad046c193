package dev.loopguard.agent;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.InProcess;
import dev.loopguard.agent.internal.TestScopes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The agent seen from inside the application: install it, read and reset its findings, listen to them, check for
 * event-loop tasks left pending, write the report.
 *
 * <p>The agent is normally started with {@code -javaagent:loopguard-agent.jar[=options]}. {@link #install()} starts it
 * from inside a running JVM instead (for tests), reading options from {@code loopguard.*} system properties. Every
 * other method requires a running agent and throws {@link IllegalStateException} otherwise.
 */
public final class LoopguardAgent {
    private LoopguardAgent() {
    }

    /**
     * Starts the agent in this JVM by attaching to itself, unless it is already running (then this does nothing).
     * The loopguard-agent.jar must be on the class path (not the module's classes directory).
     *
     * @throws IllegalStateException if the agent cannot attach, naming the reason
     * @throws IllegalArgumentException if a {@code loopguard.*} system property is malformed
     */
    public static synchronized void install() {
        if (isInstalled()) {
            return;
        }
        InProcess.selfAttach();
    }

    /** Whether the agent is running in this JVM. */
    public static boolean isInstalled() {
        return AgentRuntime.current() != null;
    }

    /** The findings so far, merged by kind, site and {@linkplain Finding#test() test}, oldest first. */
    public static List<Finding> findings() {
        return runtime().recorder().snapshot();
    }

    /** Forgets every finding so far (for tests that check one scenario at a time). */
    public static void reset() {
        runtime().recorder().reset();
    }

    public static void addListener(FindingListener listener) {
        runtime().recorder().addListener(Objects.requireNonNull(listener, "listener"));
    }

    public static void removeListener(FindingListener listener) {
        runtime().recorder().removeListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Reports, now, the tasks of {@code dev.loopguard.core.EventLoop}s that were submitted and have not started: what
     * the agent reports at JVM exit, on demand. The JUnit extension calls this at the end of each test (before it
     * reads or resets the findings), so that work a test left queued on a loop that it did not close fails or marks
     * that test, instead of surfacing at JVM exit under whichever test ran last.
     *
     * <p>The rule is the exit rule: a one-shot task ({@code execute}, {@code submit}, {@code schedule}) that its loop
     * has not started yet, while that loop is still running. Not reported: periodic schedules
     * ({@code scheduleAtFixedRate}, {@code scheduleWithFixedDelay}); tasks that started, even if still running;
     * tasks whose future is done or cancelled; tasks of loops that terminated (their close policy ran them or handed
     * them back, which the close rule judges). Each task found is a {@link FindingKind#LOST_TASK} finding with
     * {@code reason} {@code pending in the event loop when checked}, the site and thread that submitted it, and the
     * loop's name; it is recorded like any finding (it appears in {@link #findings()}, reaches listeners and the
     * report, and merges with earlier findings of the same site).
     *
     * <p>A task is reported once: after this call, it is no longer followed, so neither a later call nor the exit
     * reports it again, even if it is still pending then (and nothing is retracted if the loop runs it later). Tasks
     * submitted after this call are followed as usual. Safe to call from any thread; a task submitted or started
     * while the check runs may or may not be included.
     *
     * <p>Called on a thread inside an open {@linkplain #openScope scope}, the check covers only the tasks queued inside
     * that scope, so that tests running in parallel do not report each other's work while it is still legitimately
     * queued.
     *
     * <p>Only tasks the agent follows are seen: with {@code tasks=full} every task, with {@code tasks=sampled} (the
     * default) the first 256 tasks of each task class and then 1 in 128 on average (those queued in a sampling window,
     * see docs/findings/task-tracking.md). With {@code tasks=off} the event loop is not followed, and this method
     * does nothing and returns an empty list.
     *
     * @return the findings this call recorded, one per submission site ({@code count} is the number of that site's
     *         tasks found by this call, not the running total of {@link #findings()}), in submission order; empty when
     *         no task is pending or tracking is off; never null, unmodifiable
     * @throws IllegalStateException if the agent is not running
     */
    public static List<Finding> checkPendingTasks() {
        return runtime().checkPendingTasks();
    }

    /**
     * Opens a scope named {@code name} on the current thread (a test harness opens one per test, named after the
     * test): findings caused by work created inside it are charged to it, see {@link FindingScope}. Scopes nest; close
     * it with try-with-resources or {@link FindingScope#close()} on the same thread.
     *
     * <p>Attribution is complete for the futures and event-loop tasks the agent follows: all of them at
     * {@code tasks=full}, a sample at {@code tasks=sampled} (a finding of a future that was not sampled is found
     * only if it is found on a thread of the scope). While no scope is open, the agent pays nothing for scopes
     * beyond one field read where work is created.
     *
     * @param name what {@link Finding#test()} will say, for example {@code HeaterTest.turnsOn()}; not empty
     * @throws IllegalStateException if the agent is not running
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public static FindingScope openScope(String name) {
        runtime();
        return new FindingScope(TestScopes.open(Objects.requireNonNull(name, "name")));
    }

    /**
     * Adds thread-name patterns to the agent's {@code eventLoopThreads} option ({@code *} matches any run of
     * characters, as {@code worker-*}): threads whose name matches are event loops, where blocking is a finding. For
     * the JVM's lifetime, like the option; a thread the agent has already seen keeps what it was classified as, so add
     * the patterns before the threads they name start working (a test harness adds them before each test).
     *
     * @throws IllegalArgumentException if a pattern is empty or holds a comma, naming it
     * @throws IllegalStateException if the agent is not running
     */
    public static void addEventLoopThreads(String... patterns) {
        AgentRuntime runtime = runtime();
        List<String> checked = new java.util.ArrayList<>();
        for (String pattern : Objects.requireNonNull(patterns, "patterns")) {
            String p = Objects.requireNonNull(pattern, "pattern").trim();
            if (p.isEmpty() || p.indexOf(',') >= 0) {
                throw new IllegalArgumentException("loopguard eventLoopThreads pattern '" + pattern + "' is malformed:"
                        + " expected one thread-name pattern such as 'worker-*' (no commas: pass several patterns as"
                        + " several arguments)");
            }
            checked.add(p);
        }
        runtime.threads().addNamePatterns(checked);
    }

    /** Writes the report now to the {@code report} option's path and returns that path. */
    public static Path writeReport() throws IOException {
        AgentRuntime runtime = runtime();
        return runtime.writeReport(runtime.options().report().toAbsolutePath());
    }

    /** Writes the report now to {@code target} (atomically: a temporary file, then a rename). */
    public static Path writeReport(Path target) throws IOException {
        return runtime().writeReport(Objects.requireNonNull(target, "target"));
    }

    private static AgentRuntime runtime() {
        AgentRuntime runtime = AgentRuntime.current();
        if (runtime == null) {
            throw new IllegalStateException("the Loopguard agent is not running in this JVM: start it with"
                    + " -javaagent:loopguard-agent.jar or call LoopguardAgent.install() first");
        }
        return runtime;
    }
}
