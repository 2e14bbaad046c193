package dev.loopguard.agent.internal.controllers;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.bootstrap.ControllerBridge;
import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.recording.JsonWriter;
import dev.loopguard.agent.internal.recording.ProfileSection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Receives the controller hooks' calls: keeps each controller's loop statistics, emits a {@code loopguard.ControllerLoop}
 * JFR event per loop, and sets the {@link ControllerScope} while a step runs so that findings raised inside it name
 * the controller. Written to the report as {@code profile.controllers}.
 */
public final class ControllerProfiles implements ControllerBridge.Handler, ProfileSection {

    static final String DETECTOR = "controllers";
    private static final long NESTED = -2;

    private final Duration slowThreshold;
    private final DetectorContext context;
    private final Map<String, UnreadFailures> unread = new ConcurrentHashMap<>();
    private final Map<Object, String> names = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, LoopProfile> statistics = new ConcurrentHashMap<>();
    /** A named subclass rather than {@code ThreadLocal.withInitial}: a method reference spins a class at start-up. */
    private final ThreadLocal<ArrayDeque<Object>> running = new RunningSteps();
    /** Controllers a runner is stopping, by name: the iteration it cancels (or interrupts) is not a failure. */
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    private volatile boolean failed;

    /** @param slowThreshold loops longer than this count as slow (the agent's {@code stallThreshold}) */
    public ControllerProfiles(Duration slowThreshold, DetectorContext context) {
        this.slowThreshold = Objects.requireNonNull(slowThreshold, "slowThreshold");
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Failures of one controller since its health or state was last read. */
    private static final class UnreadFailures {
        long count;
        Throwable last;
        String step;
        String thread;
    }

    @Override
    public void named(Object controller, String name) {
        if (controller != null && name != null) {
            names.put(controller, name);
        }
    }

    @Override
    public long enter(Object controller, String step) {
        if (failed) {
            return -1;
        }
        try {
            ArrayDeque<Object> stack = running.get();
            boolean nested = stack.contains(controller);
            stack.push(controller);
            String name = nameOf(controller);
            ControllerScope.enter(name);
            if (isStart(step)) {
                stopping.remove(name);
            }
            return nested || !isLoop(step) ? NESTED : System.nanoTime();
        } catch (RuntimeException e) {
            fail(e);
            return -1;
        }
    }

    @Override
    public void exit(Object controller, String step, long token, Object returned, Throwable thrown) {
        try {
            ArrayDeque<Object> stack = running.get();
            stack.remove(controller);
            Object outer = stack.peek();
            ControllerScope.restore(outer == null ? null : nameOf(outer));
            if (token == -1) {
                return;
            }
            String name = nameOf(controller);
            if (thrown == null && returned instanceof CompletionStage) {
                ((CompletionStage<?>) returned).whenComplete((v, e) -> finished(name, step, token, e));
            } else {
                finished(name, step, token, thrown);
            }
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private void finished(String name, String step, long token, Throwable reported) {
        // The runner counts neither: an iteration that ends with the cancellation or interrupt its stop() sent.
        Throwable failure = reported != null && stopping.contains(name) && isStopSignal(reported) ? null : reported;
        if (failure != null) {
            UnreadFailures failures = unread.computeIfAbsent(name, n -> new UnreadFailures());
            synchronized (failures) {
                failures.count++;
                failures.last = failure;
                failures.step = step;
                failures.thread = Thread.currentThread().getName();
            }
        }
        if (token >= 0) {
            record(name, step, System.nanoTime() - token, failure);
        }
    }

    @Override
    public void stopping(String name) {
        if (name != null) {
            stopping.add(name);
        } else {
            synchronized (names) {
                stopping.addAll(names.values());
            }
        }
    }

    /** A cancellation or an interrupt, possibly wrapped by the stage that passed it on. */
    static boolean isStopSignal(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof CancellationException || t instanceof InterruptedException;
    }

    @Override
    public void healthRead(String name) {
        if (name == null) {
            unread.clear();
        } else {
            unread.remove(name);
        }
    }

    /**
     * At exit: a controller whose steps failed since anyone last asked the runner for its health or state had
     * failures recorded that nobody read.
     */
    public void reportUnreadFailures() {
        if (unread.isEmpty()) {
            return; // the usual exit: no TreeMap to load for nothing
        }
        for (Map.Entry<String, UnreadFailures> e : new TreeMap<>(unread).entrySet()) {
            UnreadFailures f = e.getValue();
            synchronized (f) {
                Throwable failure = f.last;
                StackTraceElement[] stack = failure.getStackTrace();
                String site = context.applicationSite(stack);
                context.record(Finding.builder(FindingKind.UNHANDLED_FAILURE)
                        .thread(f.thread)
                        .message("Controller '" + e.getKey() + "' failed " + f.count + " time(s) in " + f.step
                                + " since anyone last read its health (last: " + failure.getClass().getName()
                                + (failure.getMessage() == null ? "" : ": " + failure.getMessage())
                                + (site == null ? "" : " at " + site) + "); the runner recorded the failures and "
                                + "carried on, and nobody looked.")
                        .site(site)
                        .stack(context.render(stack))
                        .exception(Finding.ExceptionDetails.of(failure))
                        .controller(e.getKey())
                        .advice("Read the runner's healthCheck(name) (or state) and act on DEGRADED/DOWN, or handle "
                                + "the exception inside the step.")
                        .build());
            }
        }
        unread.clear();
    }

    /** Records one loop; public to the package for tests. */
    void record(String name, String step, long nanos, Throwable failure) {
        statistics.computeIfAbsent(name, n -> new LoopProfile(slowThreshold)).record(nanos, failure);
        ControllerLoopEvent event = new ControllerLoopEvent();
        if (event.isEnabled()) {
            event.controller = name;
            event.step = step;
            event.loopDuration = nanos;
            event.failed = failure != null;
            event.error = failure == null ? null : failure.getClass().getName() + ": " + failure.getMessage();
            event.slow = nanos > slowThreshold.toNanos();
            event.commit();
        }
    }

    /** The statistics of one controller, or null when it never looped. */
    LoopProfile.Snapshot statistics(String name) {
        LoopProfile s = statistics.get(name);
        return s == null ? null : s.snapshot();
    }

    @Override
    public void writeJson(JsonWriter out) {
        out.beginObject();
        // Sorted for a stable report; an empty section (no controllers ran) loads no TreeMap.
        Map<String, LoopProfile> sorted = statistics.isEmpty() ? statistics : new TreeMap<>(statistics);
        for (Map.Entry<String, LoopProfile> e : sorted.entrySet()) {
            LoopProfile.Snapshot s = e.getValue().snapshot();
            out.name(e.getKey()).beginObject()
                    .name("loops").value(s.count)
                    .name("meanMillis").value(millis(s.meanNanos))
                    .name("p50Millis").value(millis(s.p50Nanos))
                    .name("p99Millis").value(millis(s.p99Nanos))
                    .name("maxMillis").value(millis(s.maxNanos))
                    .name("failures").value(s.failures)
                    .name("slowLoops").value(s.slowLoops);
            if (s.lastError != null) {
                out.name("lastError").value(s.lastError);
            }
            out.endObject();
        }
        out.endObject();
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private String nameOf(Object controller) {
        String name = names.get(controller);
        return name != null ? name : controller.getClass().getName();
    }

    private static boolean isStart(String step) {
        return "start".equals(step) || "startAsync".equals(step);
    }

    private static boolean isLoop(String step) {
        return "loop".equals(step) || "loopAsync".equals(step);
    }

    private void fail(RuntimeException e) {
        if (!failed) {
            failed = true;
            context.detectorFailed(DETECTOR, e);
        }
    }

    private static final class RunningSteps extends ThreadLocal<ArrayDeque<Object>> {
        @Override
        protected ArrayDeque<Object> initialValue() {
            return new ArrayDeque<>();
        }
    }
}
