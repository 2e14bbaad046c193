package dev.loopguard.agent.internal.loops;

import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.internal.AgentStartupWork;
import dev.loopguard.agent.internal.StackFrames;
import dev.loopguard.agent.internal.TestScopes;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.internal.controllers.ControllerScope;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices event-loop threads that stay busy (between leaving and re-entering their idle wait) longer than
 * {@code stallThreshold}. A stall is one task holding the loop: a loop seen busy at a tick is asked to report its next
 * task start ({@link ThreadState#watchForTaskStart()}), which ends the busy period there, so a run of short tasks that
 * the loop drains without going idle is many short periods, never one stall. From one tick into a task it samples the
 * thread's stack every tick, so the finding says where the thread was stuck; when the stall ends it records one
 * {@code LOOP_STALL} with the stall's duration.
 *
 * <p>The samples also say where the time went. A sample that shows the JVM preparing code rather than running it
 * (loading, defining or initialising a class, linking a call site, the agent's own first-use work) is warm-up: a
 * one-time cost of the first run of a code path. A sample with no frame of application code is the framework's own
 * work (its start-up, its bookkeeping), with no line the user could change, the rule blocking calls follow too. The
 * application's share of the stall is its duration times the share of samples that are neither, and the stall is
 * reported only when that share alone reaches the threshold.
 */
public final class StallWatchdog implements Runnable {
    static final String NAME = "stall";

    private final DetectorContext context;
    private final Duration threshold;
    private final AgentStartupWork startup;
    private final long thresholdNanos;
    private final long tickNanos;
    private final Map<ThreadState, Watch> watches = new HashMap<>();
    private volatile boolean started;
    /** Reads loop threads' CPU time while the agent's start-up work runs; null where the JVM cannot. Guarded by this. */
    private ThreadMXBean cpu;

    private static final class Watch {
        /** The busy period watched ({@link ThreadState#busyPeriod()}). */
        final long period;
        /** When the watchdog first saw it busy: the period began at most one tick before. */
        final long firstSeen;
        /** Samples taken during this task, and how many of them showed application code at work (not warm-up). */
        int samples;
        int applicationSamples;
        /** The latest of those application samples: the reported stack. */
        StackTraceElement[] sample;
        long lastSeenBusy;
        boolean flushed;
        /** The controller the thread was inside when last sampled during this stall, if any. */
        String controller;
        /**
         * Ticks between which the agent's start-up work was running: their wall time, and the CPU time the loop
         * thread got in them (which is what its task used; the rest it waited for the agent).
         */
        long startupWallNanos;
        long startupCpuNanos;
        /** The loop thread's CPU time at the latest tick, -1 when not read. */
        long lastCpuNanos;
        /** The test scope the thread worked for when last sampled during this stall, if any: charged with it. */
        TestScopes.Scope scope;
        /** Whether the watchdog asked to hear of the loop's next task start ({@link ThreadState#watchForTaskStart}). */
        boolean waitsForTaskStart;

        Watch(long period, long firstSeen, long cpuNanos) {
            this.period = period;
            this.firstSeen = firstSeen;
            this.lastSeenBusy = firstSeen;
            this.lastCpuNanos = cpuNanos;
        }

        long withoutAgentStartup(long durationNanos) {
            return countedDuration(durationNanos, startupWallNanos, startupCpuNanos);
        }

        /**
         * The busy period began between the previous tick and {@code firstSeen}, and ended between
         * {@code lastSeenBusy} and {@code end}: the middles of those intervals keep the error within half a tick at
         * each end.
         */
        long duration(long end, long tickNanos) {
            return busyDuration(firstSeen, lastSeenBusy, end, tickNanos);
        }
    }

    /** @param threshold the {@code stallThreshold} option: a task busy longer than this is a stall */
    public StallWatchdog(DetectorContext context, Duration threshold, AgentStartupWork startup) {
        this.context = context;
        this.threshold = threshold;
        this.startup = startup;
        this.thresholdNanos = threshold.toNanos();
        // A quarter of the threshold keeps the measured duration within 25% while waking rarely.
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(2),
                Math.min(thresholdNanos / 4, TimeUnit.MILLISECONDS.toNanos(50)));
    }

    public void start() {
        if (started) {
            return;
        }
        started = true;
        Thread t = new Thread(this, "loopguard-stall-watchdog");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        // Here rather than in start(), which runs on the first loop thread as it starts.
        ThreadMXBean threads;
        try {
            threads = ManagementFactory.getThreadMXBean();
            threads = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled() ? threads : null;
        } catch (Throwable e) {
            threads = null; // a run-time image without java.management: stalls are judged by the clock alone
        }
        synchronized (this) {
            cpu = threads;
        }
        while (context.detectorEnabled(NAME)) {
            try {
                tick(System.nanoTime());
            } catch (Throwable e) {
                context.detectorFailed(NAME, e);
                endTaskStartWatches();
                return;
            }
            LockSupport.parkNanos(tickNanos);
        }
        endTaskStartWatches();
    }

    public synchronized void tick(long now) {
        boolean agentStarting = startup.inProgress();
        for (ThreadState s : context.threads().loopThreads()) {
            Watch w = watches.get(s);
            long period = s.busyPeriod();
            if (w != null && period != w.period) {
                finish(s, w, endedDuration(s, w, period, now));
                watches.remove(s);
                w = null;
            }
            if (!s.thread.isAlive()) {
                s.endTaskStartWatch();
                context.threads().forget(s);
                continue;
            }
            if (period == 0) {
                continue;
            }
            if (w == null) {
                w = new Watch(period, now, agentStarting ? cpuNanos(s.thread) : -1);
                watches.put(s, w);
                // Busy now: one task holding the loop, or one of many short ones run back to back (Netty drains its
                // queue for up to a second between selects). The next task start, if one comes, ends this period.
                // Asked at the first sighting rather than the second: a watchdog thread that the machine keeps off
                // the CPU between two ticks would otherwise time a whole run of short tasks as one.
                s.watchForTaskStart();
                w.waitsForTaskStart = true;
                continue;
            }
            if (agentStarting) {
                long cpuNow = cpuNanos(s.thread);
                if (cpuNow >= 0 && w.lastCpuNanos >= 0) {
                    w.startupWallNanos += now - w.lastSeenBusy;
                    w.startupCpuNanos += cpuNow - w.lastCpuNanos;
                }
                w.lastCpuNanos = cpuNow;
            } else {
                w.lastCpuNanos = -1;
            }
            // Sampling starts from the second tick that sees the same busy period, well before the threshold, so the
            // share of warm-up is measured over most of the stall rather than only its end.
            w.lastSeenBusy = now;
            String controller = ControllerScope.of(s.thread);
            StackTraceElement[] sample = s.thread.getStackTrace();
            if (s.busyPeriod() == period && sample.length > 0) {
                if (controller != null) {
                    w.controller = controller;
                }
                TestScopes.Scope scope = TestScopes.of(s.thread);
                if (scope != null) {
                    w.scope = scope;
                }
                w.samples++;
                if (!StackFrames.isWarmUp(sample) && StackFrames.firstApplicationFrame(sample) >= 0) {
                    w.applicationSamples++;
                    w.sample = sample;
                }
            }
        }
    }

    /**
     * The duration of the watched busy period, now seen ended: exactly at the task start the watchdog waited for when
     * that is what ended it (the loop consumed the watch and began the very next period), else estimated from the
     * ticks. A watch still set is withdrawn here: the period ended in the loop's idle wait.
     */
    private long endedDuration(ThreadState s, Watch w, long period, long now) {
        if (w.waitsForTaskStart && !s.endTaskStartWatch() && period == w.period + 1) {
            return Math.max(0, s.taskStartNanos - (w.firstSeen - tickNanos / 2));
        }
        return w.duration(now, tickNanos);
    }

    /** Withdraws every task-start watch, so that framework loops' per-task hooks return to their fast path. */
    private synchronized void endTaskStartWatches() {
        for (ThreadState s : watches.keySet()) {
            s.endTaskStartWatch();
        }
    }

    /** Records stalls still in progress (at exit, or when a report is written on demand). */
    public synchronized void flushOngoing() {
        long now = System.nanoTime();
        Iterator<Map.Entry<ThreadState, Watch>> it = watches.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<ThreadState, Watch> e = it.next();
            if (!e.getValue().flushed) {
                finish(e.getKey(), e.getValue(), now - (e.getValue().firstSeen - tickNanos / 2));
                e.getValue().flushed = true;
            }
        }
    }

    private void finish(ThreadState s, Watch w, long durationNanos) {
        long counted = w.withoutAgentStartup(durationNanos);
        if (w.flushed || counted < thresholdNanos || w.sample == null
                || applicationShare(counted, w.samples, w.applicationSamples) < thresholdNanos) {
            return;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(durationNanos);
        String site = StackFrames.applicationSite(w.sample);
        String thread = s.thread.getName();
        // Recorded a tick after the stall ended, when the loop may already work for another test, or none.
        TestScopes.Scope previous = w.scope == null ? null : TestScopes.charge(w.scope);
        try {
            recordStall(s, w, millis, site, thread, threshold);
        } finally {
            if (w.scope != null) {
                TestScopes.endCharge(previous);
            }
        }
    }

    private void recordStall(ThreadState s, Watch w, long millis, String site, String thread, Duration threshold) {
        context.record(Finding.builder(FindingKind.LOOP_STALL)
                .thread(thread)
                .durationMillis(millis)
                .site(site)
                .stack(StackFrames.render(w.sample))
                .message(Messages.stall(thread, millis, threshold, site))
                .advice(Messages.STALL_ADVICE)
                .loop(s.loopName)
                .controller(w.controller)
                .firstSeen(Instant.now().minusMillis(millis))
                .lastSeen(Instant.now())
                .build());
    }

    /** The thread's CPU time, or -1 when this JVM does not measure it (the stall is then judged by the clock). */
    private long cpuNanos(Thread thread) {
        ThreadMXBean threads = cpu;
        return threads == null ? -1 : threads.getThreadCpuTime(thread.getId());
    }

    /**
     * A stall's duration as judged against the threshold: the stretches in which the agent's own start-up work ran
     * ({@code startupWallNanos} of the clock) count at the CPU time the loop thread got in them, never more than
     * their wall time, so that the agent's start-up does not turn the first requests through a cold loop into a
     * stall while a CPU-bound task still counts in full.
     */
    static long countedDuration(long durationNanos, long startupWallNanos, long startupCpuNanos) {
        return durationNanos - startupWallNanos + Math.min(startupWallNanos, startupCpuNanos);
    }

    /**
     * Estimates a busy period seen by ticks {@code tickNanos} apart: first seen busy at {@code firstSeen}, last seen busy
     * at {@code lastSeenBusy}, seen ended at {@code end}. It began in the tick before {@code firstSeen} and ended between
     * the last two observations; taking the middle of each interval keeps the error within half a tick at each end.
     */
    public static long busyDuration(long firstSeen, long lastSeenBusy, long end, long tickNanos) {
        return (lastSeenBusy + end) / 2 - (firstSeen - tickNanos / 2);
    }

    /**
     * The part of a stall spent running application code (not warm-up, not the framework's own work), estimated from
     * the samples: the time before the first sample is assumed to split like the sampled part.
     */
    static long applicationShare(long durationNanos, int samples, int applicationSamples) {
        return samples == 0 ? 0 : durationNanos / samples * applicationSamples;
    }
}
