package dev.loopguard.agent.internal;

import dev.loopguard.agent.internal.loops.ThreadClassifier;
import dev.loopguard.agent.internal.loops.ThreadState;
import dev.loopguard.agent.internal.recording.ConsoleSummary;
import dev.loopguard.agent.internal.recording.FindingRecorder;
import dev.loopguard.agent.internal.recording.ProfileSection;
import dev.loopguard.agent.internal.recording.RecordingFailures;
import dev.loopguard.agent.internal.recording.ReportFile;
import dev.loopguard.agent.internal.recording.ReportSource;
import dev.loopguard.agent.internal.recording.ReportWriter;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The running agent: options, findings, thread classification, detector health and report sections. One per JVM,
 * created by the agent entry before any instrumentation is installed.
 */
public final class AgentRuntime implements RecordingFailures, ReportSource {
    /** Exit status when {@code failOn} kinds were found (documented in docs/agent.md). */
    public static final int FAIL_ON_EXIT_STATUS = 3;
    /** Exit status when the report could not be written at exit (documented in docs/agent.md). */
    public static final int REPORT_NOT_WRITTEN_EXIT_STATUS = 4;

    private static volatile AgentRuntime current;

    private final AgentOptions options;
    private final ThreadClassifier threads;
    private final FindingRecorder recorder;
    private final Instant startedAt = Instant.now();
    private final Set<String> disabledDetectors = ConcurrentHashMap.newKeySet();
    private final Map<String, String> agentErrors = new ConcurrentHashMap<>();
    private final Map<String, ProfileSection> profile = new ConcurrentHashMap<>();
    private final List<Runnable> beforeReport = new CopyOnWriteArrayList<>();
    private final List<Runnable> beforeHalt = new CopyOnWriteArrayList<>();
    /** Null until the task detectors register their check: then there is nothing pending to report. */
    private volatile Supplier<List<Finding>> pendingTaskCheck;
    private final PrintStream console;

    public AgentRuntime(AgentOptions options, PrintStream console) {
        this.options = options;
        this.console = console;
        this.threads = new ThreadClassifier(options.eventLoopThreads());
        this.recorder = new FindingRecorder(this);
        StackFrames.applicationPackages(options.packages());
    }

    /** The running agent, or null before the agent started. */
    public static AgentRuntime current() {
        return current;
    }

    static void setCurrent(AgentRuntime runtime) {
        current = runtime;
    }

    public AgentOptions options() { return options; }

    @Override
    public FindingRecorder recorder() { return recorder; }

    public ThreadClassifier threads() { return threads; }

    @Override
    public Instant startedAt() { return startedAt; }

    @Override
    public Map<String, Object> effectiveOptions() { return options.effective(); }

    /** Turns the detector off and reports the failure once (stderr and the report's agentErrors). Never throws. */
    @Override
    public void detectorFailed(String detector, Throwable cause) {
        try {
            if (disabledDetectors.add(detector)) {
                agentError(detector, cause);
            }
        } catch (Throwable ignored) {
            // Reporting the failure failed too; the detector is off, which is what protects the application.
        }
    }

    @Override
    public boolean detectorEnabled(String detector) {
        return !disabledDetectors.contains(detector);
    }

    /** Records an internal error once per source without disabling anything. Never throws. */
    @Override
    public void agentError(String source, Throwable cause) {
        try {
            String text = cause.getClass().getName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            if (agentErrors.putIfAbsent(source, text) == null) {
                console.println("loopguard: internal error in " + source + " (" + text
                        + "); this part of the agent is now off, the application is not affected");
            }
        } catch (Throwable ignored) {
            // Nothing sensible is left to do.
        }
    }

    @Override
    public Map<String, String> agentErrors() {
        return new LinkedHashMap<>(agentErrors);
    }

    /** Adds {@code key: section} to the report's {@code profile} object. */
    public void addProfileSection(String key, ProfileSection section) {
        if (profile.putIfAbsent(key, section) != null) {
            throw new IllegalArgumentException("profile section '" + key + "' is already registered");
        }
    }

    @Override
    public Map<String, ProfileSection> profileSections() {
        return new LinkedHashMap<>(profile);
    }

    /** Runs before each report write (at exit and on demand), e.g. to flush pending findings. */
    public void beforeReport(Runnable task) {
        beforeReport.add(task);
    }

    /** Runs {@code task} when the application calls {@code Runtime.halt}, which runs no shutdown hook. */
    public void beforeHalt(Runnable task) {
        beforeHalt.add(task);
    }

    /** The application calls {@code Runtime.halt}: runs the {@link #beforeHalt} tasks. Never throws. */
    public void halting() {
        for (Runnable task : beforeHalt) {
            try {
                task.run();
            } catch (Throwable e) {
                agentError("before-halt task " + task.getClass().getName(), e);
            }
        }
    }

    /** Sets what {@link #checkPendingTasks()} runs: the task detectors' check, registered once at start. */
    public void pendingTaskCheck(Supplier<List<Finding>> check) {
        pendingTaskCheck = java.util.Objects.requireNonNull(check, "check");
    }

    /** Reports tasks still pending now; see {@code LoopguardAgent.checkPendingTasks()}. Never null. */
    public List<Finding> checkPendingTasks() {
        Supplier<List<Finding>> check = pendingTaskCheck;
        return check == null ? List.of() : check.get();
    }

    /**
     * Runs the before-report tasks and writes the report atomically to the regular file {@code target} resolves to
     * (see {@link ReportFile}).
     *
     * @return the file written
     * @throws IOException whose message says why no report was written
     */
    public synchronized Path writeReport(Path target) throws IOException {
        for (Runnable task : beforeReport) {
            try {
                task.run();
            } catch (Throwable e) {
                agentError("before-report task " + task.getClass().getName(), e);
            }
        }
        return new ReportWriter(this).write(target);
    }

    /**
     * At JVM exit: report, console summary, and the exit status: {@link #REPORT_NOT_WRITTEN_EXIT_STATUS} when the
     * report could not be written (an earlier report at that path is deleted so that nobody reads it as this run's),
     * else {@link #FAIL_ON_EXIT_STATUS} when {@code failOn} kinds were found.
     */
    void onExit() {
        ThreadState state = threads.current();
        state.inAgent = true;
        Path target = options.report().toAbsolutePath();
        Path written = null;
        String failure = null;
        try {
            written = writeReport(target);
            ReportFile.clearRunning(written);
        } catch (Throwable e) {
            failure = ReportFile.describe(e);
            String stale = ReportFile.removeStale(target);
            if (stale != null) {
                failure = failure + "; an earlier report is still there and could not be deleted (" + stale
                        + "): it is not this run's";
            }
        }
        List<Finding> findings = recorder.snapshot();
        ConsoleSummary.print(console, findings, recorder.omitted(), target, written, failure);
        List<String> failing = new ArrayList<>();
        Map<FindingKind, FindingRecorder.Omitted> omitted = recorder.omitted();
        for (FindingKind kind : options.failOn()) {
            boolean found = omitted.containsKey(kind);
            for (int i = 0; i < findings.size() && !found; i++) {
                found = findings.get(i).kind() == kind;
            }
            if (found) {
                failing.add(kind.name());
            }
        }
        if (failure != null) {
            console.println("loopguard: " + (failing.isEmpty() ? "" : "failOn " + String.join(";", failing)
                    + " found and ") + "no report was written; exiting with status " + REPORT_NOT_WRITTEN_EXIT_STATUS);
            console.flush();
            Runtime.getRuntime().halt(REPORT_NOT_WRITTEN_EXIT_STATUS);
        } else if (!failing.isEmpty()) {
            console.println("loopguard: failOn " + String.join(";", failing) + " found; exiting with status "
                    + FAIL_ON_EXIT_STATUS);
            console.flush();
            Runtime.getRuntime().halt(FAIL_ON_EXIT_STATUS);
        }
    }
}
