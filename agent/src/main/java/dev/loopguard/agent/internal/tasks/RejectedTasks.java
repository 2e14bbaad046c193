package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.bootstrap.TaskBridge;

import dev.loopguard.agent.internal.DetectorContext;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Tasks that a custom {@code RejectedExecutionHandler} returned from without running, re-queueing or refusing them
 * (by throwing), judged by rules that never guess.
 *
 * <p><b>Futures</b> ({@code FutureTask} and its kin, from {@code submit}, {@code invokeAll} and {@code schedule})
 * carry their own state. When the handler returns normally and such a task is neither done (run or cancelled) nor in
 * the executor's queue, it becomes a <em>suspect</em>: the handler may have handed it to another executor, a thread,
 * or a backlog of its own, none of which the agent can see. A suspect is cleared when it completes, whoever runs it.
 * A suspect that the collector finds unreachable while still not done was dropped for certain: nothing can run it
 * any more, so the finding is raised then.
 *
 * <p><b>Plain {@code Runnable}s</b> (from {@code execute}) carry no state that says whether they ran, so they are
 * judged by the handler's code instead: when the handler's {@code rejectedExecution}, found in its bytecode when the
 * class was instrumented ({@link RejectionHandlerVerdicts}), can never let its task go anywhere (it only logs,
 * counts or inspects it), a normal return means the task was dropped, and the finding is raised at once. A lambda
 * or method reference handler is judged by the method behind it, which its creation linked to its hidden class. A
 * handler whose code may keep the task, a lambda created in code the agent did not instrument, and a class whose
 * method could not be analysed are not judged.
 *
 * <p>Cost: nothing on the normal path. On the rejection path, one queue scan for a future, one table look-up per
 * class of the handler's hierarchy for a plain task; per suspect a weak reference; per {@code FutureTask} completion
 * while suspects exist, an identity look-up.
 */
public final class RejectedTasks {

    static final String DETECTOR = "rejected-tasks";

    private final DetectorContext context;
    private final LostTasks lostTasks;
    private final RejectionHandlerVerdicts verdicts;
    private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();
    /** Suspects by identity hash; each list holds the few suspects that share a hash. */
    private final Map<Integer, List<Suspect>> suspects = new HashMap<>();
    private volatile int count;
    private volatile Thread reaper;
    private volatile boolean failed;

    /** A rejected task that was neither done nor queued when its handler returned. */
    static final class Suspect extends WeakReference<Object> {
        final int hash;
        /** Where the task was rejected; its frames are only materialised if the task is reported. */
        final Throwable rejectedAt;
        final String thread;
        final String executor;
        final String handler;
        final String task;

        Suspect(Object task, ReferenceQueue<Object> queue, Throwable rejectedAt, String thread, String executor,
                String handler) {
            super(task, queue);
            this.hash = System.identityHashCode(task);
            this.rejectedAt = rejectedAt;
            this.thread = thread;
            this.executor = executor;
            this.handler = handler;
            this.task = LostTasks.describe(task);
        }
    }

    public RejectedTasks(DetectorContext context) {
        this(context, RejectionHandlerVerdicts.shared());
    }

    public RejectedTasks(DetectorContext context, RejectionHandlerVerdicts verdicts) {
        this.context = Objects.requireNonNull(context, "context");
        this.lostTasks = new LostTasks(context);
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts");
    }

    /**
     * {@code handler} of {@code executor} returned normally for {@code task}. The JDK's own policies are judged by
     * their own rules; anything else is judged here.
     */
    public void handlerReturned(Runnable task, Object executor, Object handler) {
        if (failed || task == null || handler == null || isJdkPolicy(handler)) {
            return;
        }
        if (!(task instanceof Future)) {
            plainTaskReturned(task, executor, handler);
            return;
        }
        try {
            Future<?> future = (Future<?>) task;
            if (future.isDone() || executor instanceof ThreadPoolExecutor
                    && ((ThreadPoolExecutor) executor).getQueue().contains(task)) {
                return;
            }
            Suspect suspect = new Suspect(task, cleared, new Throwable(), Thread.currentThread().getName(),
                    LostTasks.describe(executor), handlerName(handler.getClass()));
            add(suspect);
            // Completion may have happened between the check above and add(): it then found no suspect to clear.
            if (future.isDone()) {
                remove(task);
            }
            startReaper();
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    /** A plain task is lost for certain when its handler's code can never let it go anywhere. */
    private void plainTaskReturned(Runnable task, Object executor, Object handler) {
        if (task == handler || task == executor) {
            return; // the analysis treats the handler and the executor (locals 0 and 2) as never being the task
        }
        try {
            Class<?> type = handler.getClass();
            if (verdicts.neverKeepsTask(type)) {
                lostTasks.droppedByNonKeepingHandler(task, executor, handlerName(type));
            }
        } catch (RuntimeException | LinkageError e) {
            fail(e);
        }
    }

    /** A future completed (ran, failed or was cancelled): it is no longer a suspect. */
    public void completed(Object future) {
        if (count == 0) {
            return;
        }
        remove(future);
    }

    /** Suspects collected but not yet reported (the reaper may not have run before exit). */
    public void reportCleared() {
        Reference<?> ref;
        while ((ref = cleared.poll()) != null) {
            judge((Suspect) ref);
        }
    }

    int suspectCount() {
        return count;
    }

    public void stop() {
        Thread t = reaper;
        reaper = null;
        if (t != null) {
            t.interrupt();
        }
    }

    /** A lambda's class name is a runtime artefact; the class that wrote the lambda is what the user can find. */
    static String handlerName(Class<?> type) {
        String name = type.getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda > 0 ? "a lambda in " + name.substring(0, lambda) : name;
    }

    private static boolean isJdkPolicy(Object handler) {
        return handler.getClass().getEnclosingClass() == ThreadPoolExecutor.class;
    }

    private synchronized void add(Suspect suspect) {
        // Before: its completion must reach completed(...), whichever hook sees it (a CompletableFuture holds no
        // record for a suspect).
        TaskBridge.watched.incrementAndGet();
        TaskBridge.unmarkedConcerns.incrementAndGet();
        suspects.computeIfAbsent(suspect.hash, h -> new ArrayList<>(1)).add(suspect);
        count++;
    }

    private synchronized void remove(Object task) {
        List<Suspect> same = suspects.get(System.identityHashCode(task));
        if (same == null) {
            return;
        }
        for (int i = same.size() - 1; i >= 0; i--) {
            if (same.get(i).get() == task) {
                same.remove(i);
                count--;
                TaskBridge.watched.decrementAndGet();
                TaskBridge.unmarkedConcerns.decrementAndGet();
            }
        }
        if (same.isEmpty()) {
            suspects.remove(System.identityHashCode(task));
        }
    }

    /** Removes a cleared suspect; true when it was still a suspect (not completed before it was collected). */
    private synchronized boolean forget(Suspect suspect) {
        List<Suspect> same = suspects.get(suspect.hash);
        if (same == null || !same.remove(suspect)) {
            return false;
        }
        if (same.isEmpty()) {
            suspects.remove(suspect.hash);
        }
        count--;
        TaskBridge.watched.decrementAndGet();
        TaskBridge.unmarkedConcerns.decrementAndGet();
        return true;
    }

    private void judge(Suspect suspect) {
        if (forget(suspect)) {
            lostTasks.droppedByHandler(suspect.task, suspect.executor, suspect.handler,
                    suspect.rejectedAt.getStackTrace(), suspect.thread);
        }
    }

    private synchronized void startReaper() {
        if (reaper != null) {
            return;
        }
        Thread t = new Thread(this::reap, "loopguard-rejected-task-reaper");
        t.setDaemon(true);
        reaper = t;
        t.start();
    }

    private void reap() {
        while (reaper == Thread.currentThread()) {
            try {
                judge((Suspect) cleared.remove());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                fail(e);
                return;
            }
        }
    }

    private void fail(Throwable e) {
        failed = true;
        context.detectorFailed(DETECTOR, e);
    }
}
