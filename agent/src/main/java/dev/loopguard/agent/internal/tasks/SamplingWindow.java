package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.bootstrap.LoopTaskBridge;
import dev.loopguard.agent.bootstrap.TaskBridge;

/**
 * When {@code tasks=sampled} tracks a future or task from a site (or task class) past its first
 * {@link SiteSampler#FIRST_TRACKED}: while this window is open. A daemon thread opens it for {@link #OPEN_MILLIS}
 * in every {@link #PERIOD_MILLIS}, for every site and both kinds of tracking at once, so that 1 in
 * {@link SiteSampler#ONE_IN} of a hot site's futures is tracked on average.
 *
 * <p>Why windows rather than every 128th future of each site: the hooks in {@code CompletableFuture} and in the loop
 * cost almost nothing while nothing is tracked, and a scan of the tracked ones while something is. Spread-out
 * sampling keeps a few futures tracked at every moment on a busy loop, so every completion pays the scan; windows
 * let the tracked futures complete and drain between windows.
 *
 * <p>Why windows in time rather than in sampling decisions (256 open in every 16,384, the design before this one):
 * the threads that ask only read the flag. Counting decisions was a write to one shared field per future created
 * and per loop task queued, on every thread that creates futures, and it kept the per-site counters written for
 * ever; with nothing written on the hot path, a future from a hot site costs two reads. A window in time also
 * cannot fall into step with a program's own rhythm (a fixed number of futures per batch) and keep missing the
 * same futures.
 */
public final class SamplingWindow {

    static final long OPEN_MILLIS = 1;
    static final long PERIOD_MILLIS = OPEN_MILLIS * SiteSampler.ONE_IN;

    private volatile boolean open;
    private volatile boolean mirrored;
    private volatile Thread timer;

    /** True while the current window is open; one volatile read. */
    boolean isOpen() {
        return open;
    }

    /** Opens or closes the window by hand: tests, and a window that was never {@linkplain #start() started}. */
    synchronized void set(boolean open) {
        this.open = open;
        if (mirrored) {
            tellBridges(open);
        }
    }

    /** From now on the window is also shown to the bridges, which decide sampled-out futures and tasks themselves. */
    public synchronized void mirrorToBridge() {
        mirrored = true;
        tellBridges(open);
    }

    private static void tellBridges(boolean open) {
        TaskBridge.windowChanged(open);
        LoopTaskBridge.windowChanged(open);
    }

    /** The timer's move: ignored once {@link #stop()} has replaced the timer, so that a stopped window stays shut. */
    private synchronized void turn(boolean open) {
        if (timer == Thread.currentThread()) {
            set(open);
        }
    }

    /** Starts opening and closing the window on a daemon thread, until {@link #stop()}. */
    public synchronized void start() {
        if (timer != null) {
            return;
        }
        Thread t = new Thread(new Timer(this), "loopguard-sampling-window");
        t.setDaemon(true);
        timer = t;
        t.start();
    }

    public synchronized void stop() {
        Thread t = timer;
        timer = null;
        set(false);
        if (t != null) {
            t.interrupt();
        }
    }

    /** The timer thread's body; a named class, not a method reference, on the start path. */
    private static final class Timer implements Runnable {
        private final SamplingWindow window;

        Timer(SamplingWindow window) {
            this.window = window;
        }

        @Override
        public void run() {
            window.run();
        }
    }

    private void run() {
        try {
            while (timer == Thread.currentThread()) {
                turn(true);
                Thread.sleep(OPEN_MILLIS);
                turn(false);
                Thread.sleep(PERIOD_MILLIS - OPEN_MILLIS);
            }
        } catch (InterruptedException e) {
            // stopped
        } finally {
            set(false);
        }
    }
}
