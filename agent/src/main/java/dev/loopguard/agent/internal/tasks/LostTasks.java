package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.internal.DetectorContext;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Turns what executors and threads hand back into findings: tasks a rejection policy dropped, tasks a shutdown
 * returned that nobody ran, and threads that died of an exception nobody handles.
 */
public final class LostTasks {

    static final String DETECTOR = "lost-tasks";

    private final DetectorContext context;

    public LostTasks(DetectorContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * A rejection policy returned normally for {@code task}, which it did not run: {@code DiscardPolicy},
     * {@code DiscardOldestPolicy} (whose evicted task is passed here), or {@code CallerRunsPolicy} on an executor
     * that was shut down.
     */
    public void dropped(Runnable task, Object executor, Object policy) {
        try {
            StackTraceElement[] stack = new Throwable().getStackTrace();
            String site = context.applicationSite(stack);
            String policyName = policyName(policy);
            String where = site == null ? "" : " submitted at " + shortForm(site);
            String thread = Thread.currentThread().getName();
            String reason;
            String message;
            if (policyName.endsWith("DiscardOldestPolicy")) {
                reason = "evicted by " + policyName;
                message = policyName + " dropped the oldest queued task (" + describe(task) + ") of " + describe(executor)
                        + " to make room for a task" + where + " on thread '" + thread + "': the dropped task will "
                        + "never run and nobody is told.";
            } else if (policyName.endsWith("CallerRunsPolicy")) {
                reason = "rejected by " + policyName + " after shutdown";
                message = "A task" + where + " on thread '" + thread + "' was rejected by " + describe(executor)
                        + ", which is shut down, and " + policyName + " drops it silently in that case: it will "
                        + "never run.";
            } else {
                reason = "discarded by " + policyName;
                message = policyName + " silently dropped a task (" + describe(task) + ")" + where + " on thread '"
                        + thread + "': " + describe(executor) + " was saturated or shut down, and the task will "
                        + "never run.";
            }
            context.record(base(FindingKind.LOST_TASK, site, stack)
                    .message(message)
                    .createdAt(site)
                    .reason(reason)
                    .advice("Use AbortPolicy (the caller gets a RejectedExecutionException) or bound the producer, "
                            + "so that no task is dropped without anyone knowing.")
                    .build());
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    /**
     * A task that custom rejection handler {@code handler} returned from without running, re-queueing or refusing
     * it became unreachable while still not done: it was dropped, and nothing can run it now. {@code rejectedAt} is
     * the stack of the rejected submission, on {@code thread}.
     */
    public void droppedByHandler(String task, String executor, String handler, StackTraceElement[] rejectedAt,
                                 String thread) {
        try {
            String site = context.applicationSite(rejectedAt);
            context.record(base(FindingKind.LOST_TASK, site, rejectedAt)
                    .thread(thread)
                    .message("The rejection handler " + handler + " of " + executor + " returned without running, "
                            + "re-queueing or refusing a task (" + task + ") submitted"
                            + (site == null ? "" : " at " + shortForm(site)) + " on thread '" + thread + "', and the "
                            + "task later became unreachable without ever running: it was dropped silently.")
                    .createdAt(site)
                    .reason("dropped by rejection handler " + handler)
                    .advice("Make the handler run the task (like CallerRunsPolicy), hand it on, or throw a "
                            + "RejectedExecutionException so the caller knows; if dropping is intended, cancel the "
                            + "task's future in the handler so that whoever holds it is told.")
                    .build());
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    /**
     * Custom rejection handler {@code handler} of {@code executor} returned normally for the plain task
     * {@code task}, and its code (analysed when its class was instrumented) can never run it, re-queue it or hand it
     * on: the task is dropped for certain. Called on the thread that submitted it, inside the rejected call.
     */
    public void droppedByNonKeepingHandler(Runnable task, Object executor, String handler) {
        try {
            StackTraceElement[] stack = new Throwable().getStackTrace();
            String site = context.applicationSite(stack);
            String thread = Thread.currentThread().getName();
            context.record(base(FindingKind.LOST_TASK, site, stack)
                    .message("The rejection handler " + handler + " of " + describe(executor) + " dropped a task ("
                            + describe(task) + ") submitted" + (site == null ? "" : " at " + shortForm(site))
                            + " on thread '" + thread + "': the handler returned without throwing, and its code never "
                            + "runs the task, re-queues it or hands it on (it only logs, counts or inspects it), so "
                            + "the task will never run and the caller was not told.")
                    .createdAt(site)
                    .reason("dropped by rejection handler " + handler)
                    .advice("Make the handler throw a RejectedExecutionException so the caller knows, run the task "
                            + "on the caller's thread (like CallerRunsPolicy), or wait a bounded time for room "
                            + "(executor.getQueue().offer(task, timeout, unit)) and throw if there is none; logging "
                            + "the task does not keep it.")
                    .build());
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    /**
     * A list of never-run tasks (from {@code shutdownNow()}) that the caller dropped at {@code callSite}; periodic
     * tasks are left out, since a stopped schedule is what shutting down means.
     */
    public void unrunDropped(Object tasks, String callSite, String operation) {
        try {
            if (!(tasks instanceof List)) {
                return;
            }
            List<?> unrun = nonPeriodic((List<?>) tasks).stream()
                    .filter(t -> !(t instanceof Future && ((Future<?>) t).isDone()))
                    .collect(java.util.stream.Collectors.toList());
            if (unrun.isEmpty()) {
                return;
            }
            StackTraceElement[] stack = new Throwable().getStackTrace();
            String site = callSite != null ? callSite : context.applicationSite(stack);
            context.record(base(FindingKind.LOST_TASK, site, stack)
                    .message(operation + " at " + shortForm(site) + " on thread '" + Thread.currentThread().getName()
                            + "' returned " + unrun.size() + " task(s) that never ran (" + describe(unrun.get(0))
                            + (unrun.size() > 1 ? ", …" : "") + "), and the caller dropped the list: that work is lost.")
                    .createdAt(site)
                    .reason("returned unrun by " + operation + " and dropped")
                    .advice("Wait for the work before shutting down (shutdown() then awaitTermination), or run, "
                            + "persist or log the tasks that " + operation + " returns.")
                    .build());
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    /**
     * An event loop stopped with tasks that never ran (which it cancelled) and handed them to its default warning
     * only: nobody chose what happens to that work.
     */
    public void loopClosedWithUnrunTasks(Object loop, List<?> tasks) {
        try {
            List<?> unrun = nonPeriodic(tasks);
            if (unrun.isEmpty()) {
                return;
            }
            StackTraceElement[] stack = new Throwable().getStackTrace();
            String site = context.applicationSite(stack);
            context.record(base(FindingKind.LOST_TASK, site, stack)
                    .message(describe(loop) + " was closed" + (site == null ? "" : " at " + shortForm(site))
                            + " on thread '" + Thread.currentThread().getName() + "' with " + unrun.size()
                            + " queued task(s) that never ran and were cancelled (" + describe(unrun.get(0))
                            + (unrun.size() > 1 ? ", …" : "") + ").")
                    .createdAt(site)
                    .reason("cancelled unrun when the event loop closed")
                    .loop(loopName(loop))
                    .advice("Wait for the loop's work before close(), or pass EventLoop.builder().onUnrunTasks(...) "
                            + "to run or persist what is left.")
                    .build());
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    /**
     * A one-shot task submitted to an event loop at {@code submittedAt} on {@code thread} had not started, and its
     * loop was still running, when the JVM exited ({@code atExit}) or when pending tasks were checked on request
     * ({@code LoopguardAgent.checkPendingTasks()}). Records the finding and returns it, or returns null when building
     * it failed (the detector is then off).
     */
    public Finding pendingInLoop(Object loop, Object task, StackTraceElement[] submittedAt, String thread,
                                 boolean atExit) {
        try {
            String site = context.applicationSite(submittedAt);
            String name = loopName(loop);
            String submitted = "A task (" + describe(task) + ") submitted" + (site == null ? "" : " at "
                    + shortForm(site)) + " on thread '" + thread + "' to event loop '" + name + "'";
            Finding finding = base(FindingKind.LOST_TASK, site, submittedAt)
                    .thread(thread)
                    .message(atExit
                            ? submitted + " had not started when the JVM exited, and the loop was still running: it "
                                    + "never ran."
                            : submitted + " was still pending when pending tasks were checked "
                                    + "(LoopguardAgent.checkPendingTasks(), e.g. at the end of a test), and the loop "
                                    + "was still running: it had not run by then.")
                    .createdAt(site)
                    .reason(atExit ? "pending in the event loop at exit" : "pending in the event loop when checked")
                    .loop(name)
                    .advice(atExit
                            ? "Wait for the work before exiting (join the future that submit or schedule returns), "
                                    + "close() the loop so that its close policy runs or hands back what is queued, "
                                    + "or cancel what is no longer needed."
                            : "Wait for the work before this point (join the future that submit or schedule "
                                    + "returns; on a VirtualClock, advance it past the task's delay), close() the "
                                    + "loop so that its close policy runs or hands back what is queued, or cancel "
                                    + "what is no longer needed.")
                    .build();
            context.record(finding);
            return finding;
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
            return null;
        }
    }

    /**
     * A thread is about to die of {@code failure}; a finding when neither the thread, its group, nor a default
     * handler takes care of it (only the JVM's line on standard error would record it).
     */
    public void uncaught(Thread thread, Throwable failure) {
        try {
            if (thread == null || failure == null || hasOwnHandler(thread)) {
                return;
            }
            StackTraceElement[] stack = failure.getStackTrace();
            String site = context.applicationSite(stack);
            context.record(base(FindingKind.UNHANDLED_FAILURE, site, stack)
                    .thread(thread.getName())
                    .message("Thread '" + thread.getName() + "' died of " + failure.getClass().getName()
                            + (failure.getMessage() == null ? "" : ": " + failure.getMessage())
                            + (site == null ? "" : " thrown at " + shortForm(site))
                            + ", and the thread has no uncaught-exception handler: only a line on standard error "
                            + "records it.")
                    .exception(Finding.ExceptionDetails.of(failure))
                    .advice("Catch and handle the exception inside the task, or give the thread (or its "
                            + "ThreadFactory) an UncaughtExceptionHandler that reports it.")
                    .build());
        } catch (RuntimeException | LinkageError e) {
            context.detectorFailed(DETECTOR, e);
        }
    }

    static boolean hasOwnHandler(Thread thread) {
        Thread.UncaughtExceptionHandler handler = thread.getUncaughtExceptionHandler();
        ThreadGroup group = thread.getThreadGroup();
        if (handler != null && handler != group) {
            return true; // set on the thread itself
        }
        if (group != null && group.getClass() != ThreadGroup.class) {
            return true; // a group that may override uncaughtException
        }
        return Thread.getDefaultUncaughtExceptionHandler() != null;
    }

    private Finding.Builder base(FindingKind kind, String site, StackTraceElement[] stack) {
        return Finding.builder(kind)
                .thread(Thread.currentThread().getName())
                .site(site)
                .stack(context.render(stack))
                .controller(context.currentController());
    }

    /** Without periodic tasks: a stopped schedule is what shutting down means. */
    private static List<?> nonPeriodic(List<?> tasks) {
        return tasks.stream()
                .filter(t -> !(t instanceof RunnableScheduledFuture && ((RunnableScheduledFuture<?>) t).isPeriodic()))
                .collect(java.util.stream.Collectors.toList());
    }

    private static String policyName(Object policy) {
        if (policy == null) {
            return "a rejection policy";
        }
        Class<?> type = policy.getClass();
        if (type.getEnclosingClass() == ThreadPoolExecutor.class) {
            return "ThreadPoolExecutor." + type.getSimpleName();
        }
        return type.getName();
    }

    /**
     * Core's {@code EventLoop#name()}; for a loop without one (Netty's, and so Vert.x's), the name of the thread it
     * runs on (its {@code thread} field), which is how their users know their loops.
     */
    private static String loopName(Object loop) {
        try {
            Object name = loop.getClass().getMethod("name").invoke(loop);
            return name instanceof String ? (String) name : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return threadName(loop);
        }
    }

    private static String threadName(Object loop) {
        for (Class<?> c = loop.getClass(); c != null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field field = c.getDeclaredField("thread");
                field.setAccessible(true);
                Object thread = field.get(loop);
                return thread instanceof Thread ? ((Thread) thread).getName() : null;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** A short, bounded description of a task or executor for a message. */
    public static String describe(Object o) {
        if (o == null) {
            return "null";
        }
        String text;
        try {
            text = o.toString();
        } catch (RuntimeException e) {
            text = o.getClass().getName();
        }
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }

    /** {@code com.acme.Pump.run(Pump.java:41)} → {@code Pump.java:41}. */
    static String shortForm(String frame) {
        if (frame == null) {
            return "an unknown place";
        }
        int open = frame.lastIndexOf('(');
        int close = frame.lastIndexOf(')');
        return open >= 0 && close > open ? frame.substring(open + 1, close) : frame;
    }
}
