package dev.loopguard.agent.bootstrap;

/**
 * The entry point that advice inlined into core's {@code EventLoop} calls to follow one-shot tasks from submission
 * to start, so that tasks still waiting when the JVM exits can be reported with the site that submitted them.
 *
 * <p>Injected into the bootstrap class loader like every class of this package; JDK types only; a handler failure
 * never reaches the loop or its caller.
 *
 * <p>{@link #tracked} is the fast-path switch that the advice on the loop's per-task method reads before calling in:
 * while no submitted task is being followed, running a task costs one field read.
 */
public final class LoopTaskBridge {

    /** How many submitted tasks are followed and have not started yet. */
    public static volatile int tracked;

    private static volatile Handler handler;

    private LoopTaskBridge() {
    }

    /** What the agent does with the calls; implemented outside the bootstrap class loader. */
    public interface Handler {
        void submitted(Object loop, Object queued, Object task);

        void started(Object queuedTask);

        void terminated(Object loop);
    }

    /** Installs the handler; {@code null} removes it. */
    public static void install(Handler newHandler) {
        handler = newHandler;
    }

    /**
     * {@code loop} accepted a one-shot task: {@code queued} is what the loop will run (the task itself, or the future
     * that wraps it), {@code task} what the caller passed.
     */
    public static void submitted(Object loop, Object queued, Object task) {
        Handler h = handler;
        if (h != null && queued != null) {
            try {
                h.submitted(loop, queued, task);
            } catch (Throwable ignored) {
                // the handler reports its own failures; the loop and its caller must not see them
            }
        }
    }

    /** The loop thread is about to run {@code queuedTask} (the loop's own wrapper of a queued task). */
    public static void started(Object queuedTask) {
        Handler h = handler;
        if (h != null) {
            try {
                h.started(queuedTask);
            } catch (Throwable ignored) {
                // see submitted
            }
        }
    }

    /** {@code loop} terminated: what it had not run went to its close policy, which other rules judge. */
    public static void terminated(Object loop) {
        Handler h = handler;
        if (h != null) {
            try {
                h.terminated(loop);
            } catch (Throwable ignored) {
                // see submitted
            }
        }
    }
}
