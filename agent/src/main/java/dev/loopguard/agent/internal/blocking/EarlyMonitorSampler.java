package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.loops.StallWatchdog;
import dev.loopguard.agent.internal.loops.ThreadState;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sees contended {@code synchronized} on event-loop threads while the JFR stream of {@link MonitorContentionDetector}
 * is still coming up (about a second after the first loop appears, the whole life of many test JVMs). Every
 * {@value #TICK_MILLIS} ms it asks each loop thread's state; a thread {@code BLOCKED} is entering a monitor another
 * thread holds, which is exactly what JFR's {@code jdk.JavaMonitorEnter} reports. The thread's stack says where; the
 * monitor's class and the thread's blocked count (which tells one contended entry from the next) come from a
 * {@link ThreadInfo}, once the {@link ThreadMXBean} is ready: it takes 25 to 70 ms to create (longer on a busy
 * machine), so it is created on a second thread while the sampling already runs. An entry is reported while it is
 * still going on, as soon as its monitor's class is known, like a blocking call, which is reported when it starts;
 * an entry that ended before the class was known is reported then, naming no class. Findings are recorded on that
 * second thread, so that the sampling never waits.
 *
 * <p>Sampling covers {@code synchronized} blocks and methods alike, in any code, with no rewriting; it misses an entry
 * shorter than a tick that no tick happens to see. It stops {@value #HAND_OVER_MILLIS} ms after the stream first
 * delivers ({@link #streamDelivers}), not at once: JFR writes an event when the entry is over, so an entry that begins
 * just as the stream comes up would otherwise be reported only when it ends (a loop blocked for 20 s, as a 20 s stall
 * and, at exit on JDK 17, whose stream cannot be drained, not at all). An event the stream delivers for an entry the
 * sampler reported, or still watches, is skipped ({@link #reported}).
 */
final class EarlyMonitorSampler implements Runnable {
    static final String NAME = "monitor-early";
    static final long TICK_MILLIS = 2;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /** Clock difference allowed between the sampler's wall-clock instants and JFR's event timestamps. */
    private static final long MATCH_TOLERANCE_MILLIS = 5;
    /** How long the sampler goes on once the stream delivers. */
    static final long HAND_OVER_MILLIS = 2_000;
    /**
     * Reported entries kept for matching JFR events, which arrive up to about a second after an entry ended: the
     * sampler runs for the first seconds of the loops, and one entry per tick and loop thread is the most it sees.
     */
    private static final int REPORTED_LIMIT = 4_096;

    private final DetectorContext context;
    private final MonitorContentionDetector detector;
    private final Map<ThreadState, Entry> entries = new HashMap<>();
    /** Per reported entry: thread id, first and last instant it was seen blocked (epoch millis). */
    private final ArrayDeque<long[]> reported = new ArrayDeque<>();
    private final BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private volatile boolean stopped;
    private boolean started;
    /** {@link System#nanoTime} at which the sampler stops; 0 until the stream delivers. */
    private volatile long handOverEnds;
    /** Null until created by the sampler's second thread. */
    private volatile ThreadMXBean threads;

    /** One contended entry into a monitor, as the ticks saw it. */
    private static final class Entry {
        final long firstSeen;
        final Instant firstSeenAt;
        final StackTraceElement[] stack;
        /** -1 until known. */
        long blockedCount = -1;
        /** Null until known. */
        String monitorClass;
        long lastSeen;
        boolean recorded;

        Entry(StackTraceElement[] stack, long now) {
            this.firstSeen = now;
            this.lastSeen = now;
            this.firstSeenAt = Instant.now();
            this.stack = stack;
        }

        /** Whether a thread seen blocked with this stack and count is still in this entry. */
        boolean same(StackTraceElement[] now, long count) {
            return blockedCount >= 0 && count >= 0 ? count == blockedCount
                    : now.length > 0 && stack.length > 0 && now[0].equals(stack[0]);
        }

        /** The last tick that saw the thread blocked in this entry, in epoch milliseconds. */
        long lastSeenAt() {
            return firstSeenAt.plusNanos(lastSeen - firstSeen).toEpochMilli();
        }

        void learn(ThreadInfo info) {
            if (info != null && info.getThreadState() == Thread.State.BLOCKED) {
                blockedCount = info.getBlockedCount();
                LockInfo lock = info.getLockInfo();
                if (lock != null) {
                    monitorClass = lock.getClassName();
                }
            }
        }
    }

    EarlyMonitorSampler(DetectorContext context, MonitorContentionDetector detector) {
        this.context = context;
        this.detector = detector;
    }

    synchronized void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        Thread t = new Thread(this, "loopguard-monitor-sampler");
        t.setDaemon(true);
        t.start();
        Thread reporter = new Thread(this::createBeanThenReport, "loopguard-monitor-sampler-reports");
        reporter.setDaemon(true);
        reporter.start();
    }

    /**
     * Creates the {@link ThreadMXBean}, then records the entries the sampler finished. Neither happens on the sampling
     * thread: the first finding of a JVM waits for the JFR event types to be registered, a few hundred milliseconds
     * on a busy machine, during which a sampling thread would see nothing.
     */
    private void createBeanThenReport() {
        try {
            threads = ManagementFactory.getThreadMXBean();
        } catch (Throwable e) {
            // No java.management module (a trimmed runtime): entries are reported without their monitor's class.
        }
        try {
            while (!stopped || !finished.isEmpty()) {
                Finished f = finished.poll(50, TimeUnit.MILLISECONDS);
                if (f != null) {
                    f.report();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            context.detectorFailed(NAME, e);
        }
    }

    /**
     * The stream delivered for the first time, at {@code now} ({@link System#nanoTime}): the sampler goes on for
     * {@value #HAND_OVER_MILLIS} ms more, then stops. Later calls change nothing.
     */
    void streamDelivers(long now) {
        if (handOverEnds == 0) {
            long ends = now + TimeUnit.MILLISECONDS.toNanos(HAND_OVER_MILLIS);
            handOverEnds = ends == 0 ? 1 : ends;
        }
    }

    /** Whether the hand-over to the stream is over at {@code now}. */
    boolean handedOver(long now) {
        long ends = handOverEnds;
        return ends != 0 && now - ends >= 0;
    }

    /** The stream stopped (or will never start): report what is being watched, and sample no more. */
    void stop() {
        if (!stopped) {
            stopped = true;
            flush();
        }
    }

    @Override
    public void run() {
        try {
            while (!stopped && context.detectorEnabled(NAME) && context.detectorEnabled(MonitorContentionDetector.NAME)) {
                long now = System.nanoTime();
                if (handedOver(now)) {
                    stop();
                    return;
                }
                tick(now);
                LockSupport.parkNanos(TICK_NANOS);
            }
        } catch (Throwable e) {
            context.detectorFailed(NAME, e);
        }
    }

    synchronized void tick(long now) {
        if (stopped) {
            return;
        }
        ThreadMXBean mx = threads;
        for (ThreadState s : context.threads().loopThreads()) {
            Entry entry = entries.get(s);
            boolean blocked = s.isLoop() && s.thread.getState() == Thread.State.BLOCKED;
            StackTraceElement[] stack = blocked ? s.thread.getStackTrace() : null;
            ThreadInfo info = blocked && mx != null ? mx.getThreadInfo(s.thread.getId(), 0) : null;
            // The stack and the info are two looks: the thread must still be blocked at the second.
            blocked = blocked && s.thread.getState() == Thread.State.BLOCKED && stack.length > 0;
            long count = info != null && info.getThreadState() == Thread.State.BLOCKED ? info.getBlockedCount() : -1;
            if (entry != null && (!blocked || !entry.same(stack, count))) {
                entries.remove(s);
                finish(s, entry, now);
                entry = null;
            }
            if (!blocked) {
                continue;
            }
            if (entry == null) {
                entry = new Entry(stack, now);
                entries.put(s, entry);
            } else {
                entry.lastSeen = now;
            }
            if (entry.monitorClass == null) {
                entry.learn(info);
            }
            if (!entry.recorded && entry.monitorClass != null && !isWaitReentry(entry)) {
                entry.recorded = true;
                finished.add(new Finished(s, entry, null, entry.firstSeenAt.minusNanos(TICK_NANOS / 2)));
            }
        }
    }

    /**
     * A thread taking its monitor back after Object.wait is BLOCKED too: that wait is already a blocking call. The
     * innermost frame is {@code wait} where that method is native (JDK 17) and {@code wait0} where {@code wait} is Java
     * code calling it (JDK 21 and later); a re-entry counted as a contended monitor at the same line would be merged
     * into the wait's finding and count it twice.
     */
    private static boolean isWaitReentry(Entry entry) {
        return isWaitReentry(entry.stack);
    }

    static boolean isWaitReentry(StackTraceElement[] stack) {
        if (stack.length == 0 || !"java.lang.Object".equals(stack[0].getClassName())) {
            return false;
        }
        String method = stack[0].getMethodName();
        return "wait".equals(method) || "wait0".equals(method);
    }

    /**
     * Reports the entries still blocked now, and those finished but not yet recorded (the stream took over, or the
     * report is being written).
     */
    void flush() {
        synchronized (this) {
            long now = System.nanoTime();
            Iterator<Map.Entry<ThreadState, Entry>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<ThreadState, Entry> e = it.next();
                it.remove();
                finish(e.getKey(), e.getValue(), now);
            }
        }
        Finished f;
        while ((f = finished.poll()) != null) {
            f.report();
        }
    }

    /** An entry seen, or ended, to be recorded off the sampling thread. */
    private final class Finished {
        final ThreadState state;
        final Entry entry;
        /** Null while the entry is still going on. */
        final Duration waited;
        final Instant start;

        Finished(ThreadState state, Entry entry, Duration waited, Instant start) {
            this.state = state;
            this.entry = entry;
            this.waited = waited;
            this.start = start;
        }

        void report() {
            String monitorClass = entry.monitorClass == null ? "unknown" : entry.monitorClass;
            detector.report(state, state.thread.getName(), entry.stack, monitorClass, waited, start,
                    waited == null ? Instant.now() : start.plus(waited));
        }
    }

    private void finish(ThreadState s, Entry entry, long end) {
        if (isWaitReentry(entry)) {
            return;
        }
        long nanos = StallWatchdog.busyDuration(entry.firstSeen, entry.lastSeen, end, TICK_NANOS);
        synchronized (reported) {
            if (reported.size() == REPORTED_LIMIT) {
                reported.pollFirst();
            }
            reported.add(new long[] {s.thread.getId(), entry.firstSeenAt.toEpochMilli(), entry.lastSeenAt()});
        }
        if (!entry.recorded) {
            entry.recorded = true;
            finished.add(new Finished(s, entry, Duration.ofNanos(nanos), entry.firstSeenAt.minusNanos(TICK_NANOS / 2)));
        }
    }

    /** Whether a contended entry of this thread between {@code start} and {@code end} is one the sampler reported. */
    boolean reported(long threadId, Instant start, Instant end) {
        long from = start.toEpochMilli() - MATCH_TOLERANCE_MILLIS;
        long to = end.toEpochMilli() + MATCH_TOLERANCE_MILLIS;
        // An entry the ticks still watch is one the sampler reports too, when a tick sees it end or at the flush:
        // the stream can deliver an entry's event before the next tick has seen it end (a tick late by a few
        // milliseconds on a busy machine), and the entry is then still here. Looked at before
        // the finished ones: a tick moves an entry from here to there under this lock, so it is found in one place.
        synchronized (this) {
            for (Map.Entry<ThreadState, Entry> e : entries.entrySet()) {
                Entry entry = e.getValue();
                if (e.getKey().thread.getId() == threadId && !isWaitReentry(entry)
                        && within(entry.firstSeenAt.toEpochMilli(), entry.lastSeenAt(), from, to)) {
                    return true;
                }
            }
        }
        synchronized (reported) {
            for (long[] r : reported) {
                if (r[0] == threadId && within(r[1], r[2], from, to)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The sampler saw the thread blocked only inside the event's interval: the same entry. (Overlap alone would also
     * match the next entry at the same monitor, which can begin a moment after this one.)
     */
    private static boolean within(long firstSeen, long lastSeen, long from, long to) {
        return firstSeen >= from && lastSeen <= to;
    }
}
