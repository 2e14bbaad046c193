package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.AgentStartupWork;
import dev.loopguard.agent.internal.JvmShutdown;
import dev.loopguard.agent.internal.StackFrames;
import dev.loopguard.agent.internal.loops.Messages;
import dev.loopguard.agent.internal.loops.ThreadState;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports contended {@code synchronized} blocks on event-loop threads, which no bytecode hook can see, from an
 * in-process JFR stream of {@code jdk.JavaMonitorEnter} events (every contended entry, threshold 0). JFR writes an
 * event when the entry is over and delivers events about once a second, so a finding appears up to a second after
 * the contention ends.
 *
 * <p>The stream takes about a second to come up after the first event loop appears; until shortly after it first
 * delivers, an {@link EarlyMonitorSampler} looks for loop threads blocked on a monitor, so that contention in a JVM's
 * first second (a short test JVM's whole life) is seen too. An entry the sampler reported, or still watches, is not
 * reported again.
 */
public final class MonitorContentionDetector {
    static final String NAME = "monitor";
    static final long DRAIN_LIMIT_MILLIS = 1_000;

    private final DetectorContext context;
    private final BlockingCallDetector allowCheck;
    private volatile RecordingStream stream;
    private final EarlyMonitorSampler early;
    /** Guards {@link #stopping} and {@link #starting}: JFR must never be starting while the JVM dies (below). */
    private final Object lifecycle = new Object();
    private boolean stopping;
    private boolean starting;
    static final long START_WAIT_LIMIT_MILLIS = 5_000;

    /** @param allowCheck the blocking-call detector, whose {@code allow} list exempts a contended monitor too */
    public MonitorContentionDetector(DetectorContext context, BlockingCallDetector allowCheck) {
        this.context = context;
        this.allowCheck = allowCheck;
        this.early = new EarlyMonitorSampler(context, this);
        context.beforeReport(new FlushEarlyEntries(early));
        context.beforeHalt(new NoStartAfterHalt(this));
    }

    /** {@code Runtime.halt} runs no shutdown hook: JFR's start is stopped or awaited there too. */
    private static final class NoStartAfterHalt implements Runnable {
        private final MonitorContentionDetector detector;

        NoStartAfterHalt(MonitorContentionDetector detector) {
            this.detector = detector;
        }

        @Override
        public void run() {
            detector.noMoreStarts();
        }
    }

    /**
     * Runs the stream on its own daemon thread: JFR start-up takes a while and no loop thread should pay for it, and
     * {@code startAsync()} would create a non-daemon thread that keeps the JVM from exiting.
     */
    public void start(AgentStartupWork startup) {
        early.start();
        // JFR's start-up is the agent's heaviest start-up work: it counts as such until the stream's recording runs.
        AtomicBoolean up = new AtomicBoolean();
        Runnable started = () -> {
            if (up.compareAndSet(false, true)) {
                startup.finished();
            }
        };
        FlightRecorderListener running = new FlightRecorderListener() {
            @Override
            public void recordingStateChanged(Recording recording) {
                if (recording.getState() == RecordingState.RUNNING) {
                    started.run();
                }
            }
        };
        startup.started();
        Thread consumer = new Thread(() -> {
            // JFR initialises itself through JVMTI, which refuses once the JVM has begun to die: JFR then prints
            // "[error][jfr,system] An attempt was made to start JFR too early in the VM initialization sequence"
            // on the user's console. So JFR is never created once the report hook began or the application called
            // Runtime.halt (which runs no hook), and either waits for a creation in progress (noMoreStarts), which
            // keeps the JVM alive until it is done. The recording itself
            // is never started once the JVM is exiting: started then, JDK 25's beginRecording did not return, and
            // closing the stream at exit waited for it forever.
            synchronized (lifecycle) {
                if (stopping) {
                    early.stop();
                    started.run();
                    return;
                }
                starting = true;
            }
            try (RecordingStream rs = new RecordingStream()) {
                rs.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
                rs.onEvent("jdk.JavaMonitorEnter", this::onEvent);
                // The stream delivers from here on: the sampler that covered its start-up hands over (it goes on
                // for a few seconds, see EarlyMonitorSampler), and the agent's start-up work is over.
                rs.onFlush(() -> {
                    early.streamDelivers(System.nanoTime());
                    started.run();
                });
                FlightRecorder.addListener(running);
                synchronized (lifecycle) {
                    starting = false;
                    lifecycle.notifyAll();
                    if (stopping || JvmShutdown.inProgress()) {
                        return; // closes the stream, which never started
                    }
                    stream = rs;
                }
                rs.start();
            } catch (Throwable e) {
                // A short program can begin to exit while the stream is still starting (the first loop appeared
                // just before the end), and JFR then refuses to register its hook: nothing is left to watch, and
                // that is not a failure of the detector.
                if (!JvmShutdown.inProgress()) {
                    context.detectorFailed(NAME, e);
                }
            } finally {
                early.stop();
                started.run();
                try {
                    FlightRecorder.removeListener(running);
                } catch (Throwable ignored) {
                    // JFR is unusable here: there is nothing left to remove
                }
                creationOver();
            }
        }, "loopguard-monitor-events");
        consumer.setDaemon(true);
        consumer.start();
    }

    /**
     * At exit: on JDK 20+ {@code RecordingStream.stop()} delivers the events still buffered, but during shutdown it
     * can wait for a stream that never ends (JFR's own shutdown hook may already have stopped the recording), so it
     * gets at most {@link #DRAIN_LIMIT_MILLIS} on a daemon thread, and then the stream is closed regardless.
     */
    public void stopAndDrain() {
        noMoreStarts();
        RecordingStream rs = stream;
        if (rs == null) {
            return;
        }
        Thread drain = new Thread(() -> {
            try {
                RecordingStream.class.getMethod("stop").invoke(rs);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // No stop() before JDK 20, or the stream is already stopping: events not yet delivered are lost.
            }
        }, "loopguard-monitor-drain");
        drain.setDaemon(true);
        drain.start();
        try {
            drain.join(DRAIN_LIMIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rs.close();
    }

    /**
     * From now on JFR is never created, and a creation in progress is waited for (at most
     * {@link #START_WAIT_LIMIT_MILLIS}): the JVM is about to die, at exit (the report hook) or in {@code Runtime.halt}
     * (which runs no hook), and JFR created while it dies prints its own error on the user's console.
     */
    void noMoreStarts() {
        synchronized (lifecycle) {
            stopping = true;
            long deadline = System.nanoTime() + START_WAIT_LIMIT_MILLIS * 1_000_000L;
            try {
                for (long left = START_WAIT_LIMIT_MILLIS; starting && left > 0;
                        left = (deadline - System.nanoTime()) / 1_000_000L) {
                    lifecycle.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void creationOver() {
        synchronized (lifecycle) {
            starting = false;
            lifecycle.notifyAll();
        }
    }

    private void onEvent(RecordedEvent event) {
        if (!context.detectorEnabled(NAME)) {
            return;
        }
        try {
            RecordedThread t = event.getThread();
            if (t == null) {
                return;
            }
            ThreadState s = context.threads().byThreadId(t.getJavaThreadId());
            if (s == null || !s.isLoop()
                    || early.reported(t.getJavaThreadId(), event.getStartTime(), event.getEndTime())) {
                return;
            }
            RecordedClass monitor = event.getClass("monitorClass");
            report(s, t.getJavaName(), frames(event.getStackTrace()), monitor == null ? "unknown" : monitor.getName(),
                    event.getDuration(), event.getStartTime(), event.getEndTime());
        } catch (Throwable e) {
            context.detectorFailed(NAME, e);
        }
    }

    /**
     * Records one contended entry of a loop thread into a monitor, unless it is not the user's: warm-up, an allowed
     * method, the agent's own lock, or no application frame. Returns whether it was recorded. {@code waited} is null
     * for an entry seen while it is still going on.
     */
    boolean report(ThreadState s, String thread, StackTraceElement[] stack, String monitorClass, Duration waited,
                   Instant start, Instant end) {
        // Warm-up (class loading or initialisation, method-handle linking, the agent's own work) contends on JVM
        // internals such as the MethodType cache's ReferenceQueue lock: no line of the user's to change.
        if (stack.length == 0 || StackFrames.isWarmUp(stack) || allowCheck.isAllowed(stack)
                || isAgentsOwnLock(monitorClass, stack)) {
            return false;
        }
        String site = StackFrames.applicationSite(stack);
        if (site == null) {
            // Only the framework's own locking: nothing the user can change at a line of their code.
            return false;
        }
        Finding finding = Finding.builder(FindingKind.BLOCKING_CALL)
                .thread(thread)
                .operation("synchronized(" + monitorClass + ")")
                .site(site)
                .stack(StackFrames.render(stack))
                .message(Messages.contendedMonitor(monitorClass, thread, site, waited))
                .advice(Messages.BLOCKING_ADVICE)
                .loop(s.loopName)
                .firstSeen(start)
                .lastSeen(end)
                .build();
        context.record(finding);
        return true;
    }

    /**
     * Before a report: the entries the sampler is watching or has not recorded yet. A class, not a lambda: it is
     * created in {@code premain}, where each lambda costs start-up time.
     */
    private static final class FlushEarlyEntries implements Runnable {
        private final EarlyMonitorSampler sampler;

        FlushEarlyEntries(EarlyMonitorSampler sampler) {
            this.sampler = sampler;
        }

        @Override
        public void run() {
            sampler.flush();
        }
    }

    /**
     * Contention on a lock of the agent itself (its future table, say) is a cost of the agent, not a blocking call in
     * the user's code, even though it happens on a loop thread inside a user's call.
     */
    static boolean isAgentsOwnLock(String monitorClass, StackTraceElement[] stack) {
        return monitorClass.startsWith(AGENT_PACKAGE)
                || stack.length > 0 && stack[0].getClassName().startsWith(AGENT_PACKAGE);
    }

    private static final String AGENT_PACKAGE = "dev.loopguard.agent.";

    private static StackTraceElement[] frames(RecordedStackTrace trace) {
        if (trace == null) {
            return new StackTraceElement[0];
        }
        List<StackTraceElement> out = new ArrayList<>();
        for (RecordedFrame f : trace.getFrames()) {
            if (!f.isJavaFrame() || f.getMethod() == null) {
                continue;
            }
            String cls = f.getMethod().getType().getName();
            out.add(new StackTraceElement(cls, f.getMethod().getName(), sourceFile(cls), f.getLineNumber()));
        }
        return out.toArray(new StackTraceElement[0]);
    }

    /** JFR frames carry no source file; javac's convention (top-level class name + .java) is right for Java code. */
    private static String sourceFile(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int nested = simple.indexOf('$');
        return (nested > 0 ? simple.substring(0, nested) : simple) + ".java";
    }
}
