package dev.loopguard.agent.internal.vthreads;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.bootstrap.Bridge;
import dev.loopguard.agent.bootstrap.VirtualThreadBridge;
import dev.loopguard.agent.internal.DetectorContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * PINNED_THREAD: reads the JDK's own {@code jdk.VirtualThreadPinned} event in-process with a JFR
 * {@link RecordingStream}, on JDK 21 and later (decided at run time; the agent is compiled for 17). A virtual thread
 * that blocks while pinned holds its carrier thread, so every other virtual thread scheduled on that carrier waits.
 * Blocking on a virtual thread that is not pinned is what virtual threads are for, and is never a finding.
 *
 * <p>The JDK emits the event when the pinned wait lasts longer than its threshold, {@value #THRESHOLD_MILLIS} ms here
 * (the JDK's own default).
 */
public final class PinnedThreadMonitor {

    static final String DETECTOR = "pinned-threads";
    static final String EVENT = "jdk.VirtualThreadPinned";
    static final long THRESHOLD_MILLIS = 20;

    private final DetectorContext context;
    private static final int READY_SECONDS = 5;

    private volatile RecordingStream stream;
    /** Counted down once the stream records; null until the first virtual thread. */
    private CountDownLatch recording;
    private volatile CountDownLatch nextFlush = new CountDownLatch(1);

    public PinnedThreadMonitor(DetectorContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Whether this JVM has virtual threads and emits the pinning event. */
    public static boolean supported() {
        return Runtime.version().feature() >= 21;
    }

    /**
     * Starts reading pinning events when the first virtual thread is about to start, and holds that start (at most
     * {@value #READY_SECONDS} s, about 0.2 s in practice) until the JFR stream is recording, so that a pin of the very
     * first virtual thread is seen. Starting JFR with the agent cost every JVM on JDK 21+ about half a second of its
     * start-up, virtual threads or not.
     */
    public void startOnFirstVirtualThread() {
        if (!supported()) {
            return;
        }
        VirtualThreadBridge.install(new FirstVirtualThread(this));
    }

    /** A named class rather than {@code this::firstVirtualThread}, which would spin one in every JVM's start-up. */
    private static final class FirstVirtualThread implements VirtualThreadBridge.Handler {
        private final PinnedThreadMonitor monitor;

        FirstVirtualThread(PinnedThreadMonitor monitor) {
            this.monitor = monitor;
        }

        @Override
        public void firstVirtualThread() {
            monitor.firstVirtualThread();
        }
    }

    private void firstVirtualThread() {
        CountDownLatch ready;
        synchronized (this) {
            ready = recording;
            if (ready == null) {
                ready = new CountDownLatch(1);
                recording = ready;
                CountDownLatch running = ready;
                FlightRecorderListener listener = new FlightRecorderListener() {
                    @Override
                    public void recordingStateChanged(Recording r) {
                        if (r.getState() == RecordingState.RUNNING) {
                            running.countDown();
                        }
                    }
                };
                FlightRecorder.addListener(listener);
                Thread reader = new Thread(() -> start(running), "loopguard-pinned-threads");
                reader.setDaemon(true);
                reader.start();
            }
        }
        // Not a blocking call of the application's: the wait is the agent's, once, and bounded.
        int exempt = Bridge.exemptEnter();
        try {
            if (!ready.await(READY_SECONDS, TimeUnit.SECONDS)) {
                context.detectorFailed(DETECTOR, new IllegalStateException(
                        "the JFR stream for jdk.VirtualThreadPinned did not start within " + READY_SECONDS + " s"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Bridge.exemptExit(exempt);
            VirtualThreadBridge.watching = true;
        }
    }

    void start(CountDownLatch running) {
        try {
            RecordingStream rs = new RecordingStream();
            rs.enable(EVENT).withStackTrace().withThreshold(Duration.ofMillis(THRESHOLD_MILLIS));
            rs.onEvent(EVENT, this::onPinned);
            rs.onFlush(() -> nextFlush.countDown());
            stream = rs;
            rs.start(); // blocks this daemon thread: startAsync's own thread would keep the JVM from exiting
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        } finally {
            running.countDown(); // never leave the first virtual thread waiting for a stream that will not come
        }
    }

    /** Before the exit report: waits (bounded) for JFR to deliver the events it has buffered. */
    public void awaitDelivery(Duration bound) {
        if (stream == null) {
            return;
        }
        CountDownLatch flush = new CountDownLatch(1);
        nextFlush = flush;
        try {
            flush.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void onPinned(RecordedEvent event) {
        try {
            StackTraceElement[] stack = frames(event.getStackTrace());
            String site = context.applicationSite(stack);
            String operation = blockingOperation(stack);
            RecordedThread thread = event.getThread();
            String name = thread == null ? "a virtual thread" : threadName(thread);
            long millis = event.getDuration().toMillis();
            context.record(Finding.builder(FindingKind.PINNED_THREAD)
                    .thread(name)
                    .message("Virtual thread '" + name + "' was pinned to its carrier thread for " + millis + " ms while "
                            + "blocking in " + operation + (site == null ? "" : " at " + shortForm(site))
                            + ": the carrier could not run any other virtual thread meanwhile.")
                    .site(site)
                    .stack(context.render(stack))
                    .operation(operation)
                    .durationMillis(millis)
                    .advice("Do not block inside a class initializer or a native call (or, before JDK 24, inside "
                            + "synchronized); use a java.util.concurrent lock, or move the blocking work out.")
                    .build());
        } catch (RuntimeException e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    private static String threadName(RecordedThread thread) {
        String name = thread.getJavaName();
        return name == null || name.isEmpty() ? "#" + thread.getJavaThreadId() : name;
    }

    /** The frames as stack trace elements; JFR has no file names, so the file is guessed from the top-level class. */
    static StackTraceElement[] frames(RecordedStackTrace trace) {
        if (trace == null) {
            return new StackTraceElement[0];
        }
        List<StackTraceElement> out = new ArrayList<>();
        for (RecordedFrame frame : trace.getFrames()) {
            if (!frame.isJavaFrame()) {
                continue;
            }
            String type = frame.getMethod().getType().getName();
            String topLevel = type.contains("$") ? type.substring(0, type.indexOf('$')) : type;
            String file = topLevel.substring(topLevel.lastIndexOf('.') + 1) + ".java";
            out.add(new StackTraceElement(type, frame.getMethod().getName(), file, frame.getLineNumber()));
        }
        return out.toArray(new StackTraceElement[0]);
    }

    /** The public API the application called: the last frame outside the application before its first frame. */
    private String blockingOperation(StackTraceElement[] stack) {
        StackTraceElement callee = null;
        for (StackTraceElement frame : stack) {
            if (context.isApplicationClass(frame.getClassName())) {
                break;
            }
            if (!frame.getClassName().startsWith("jdk.internal.") && !frame.getClassName().equals("java.lang.VirtualThread")) {
                callee = frame;
            }
        }
        return callee == null ? "a blocking call" : callee.getClassName() + "." + callee.getMethodName();
    }

    private static String shortForm(String frame) {
        int open = frame.lastIndexOf('(');
        int close = frame.lastIndexOf(')');
        return open >= 0 && close > open ? frame.substring(open + 1, close) : frame;
    }
}
