package com.acme.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plain {@code Runnable}s passed to {@code execute} on a saturated pool, rejected to custom handlers: ones whose code
 * only logs or counts the task and drops it (a named class logging through {@code System.Logger}, one logging
 * through JUL, an anonymous counter, a subclass inheriting a dropping handler) and ones that run it, re-queue it, hand
 * it to another executor, keep it in a backlog, or log it and then re-queue it; plus a lambda handler (not judged)
 * and {@code DiscardPolicy} for comparison. Every handler that keeps its task is checked to have run it. Prints
 * {@code scenario done}; the forked-JVM test reads the report written at exit.
 */
public final class ExecuteRejectionScenarios {

    private static final System.Logger LOG = System.getLogger("acme.pool");
    private static final Logger JUL = Logger.getLogger("acme.pool");
    private static final long BOUND_SECONDS = 30;

    private ExecuteRejectionScenarios() {
    }

    public static void main(String[] args) throws Exception {
        ExecutorService fallback = Executors.newSingleThreadExecutor();
        try {
            systemLoggerHandlerDropsTheTask();
            julHandlerDropsTheTask();
            anonymousHandlerCountsAndDrops();
            inheritedHandlerDropsTheTask();
            discardPolicyDropsTheTask();
            lambdaHandlerDropsTheTask();
            capturingLambdaHandlerDropsTheTask();
            methodReferenceHandlerDropsTheTask();
            lambdaHandlerKeepsTheTask();

            handlerRunsTheTask();
            handlerRequeuesTheTask();
            handlerHandsTheTaskOn(fallback);
            handlerKeepsTheTaskInABacklog();
            handlerLogsThenRequeuesTheTask();
        } finally {
            fallback.shutdown();
        }
        if (!fallback.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the fallback executor did not finish");
        }
        System.out.println("scenario done");
    }

    // ------------------------------------------------------------------------------------ handlers that drop

    /** Logs the task and the pool through System.Logger (the task in the varargs array), then returns. */
    static final class SystemLoggerDropHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            LOG.log(System.Logger.Level.WARNING, "pool full, dropping {0} ({1} queued)", task,
                    executor.getQueue().size());
        }
    }

    /** Logs the task through java.util.logging with an explicit parameter array, then returns. */
    static final class JulDropHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            JUL.log(Level.WARNING, "pool full, dropping {0} from {1}", new Object[] {task, executor});
        }
    }

    static class BaseDropHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            LOG.log(System.Logger.Level.WARNING, "dropping " + task);
        }
    }

    /** Declares no rejectedExecution of its own: it inherits the dropping one. */
    static final class QuietDropHandler extends BaseDropHandler {
    }

    static void systemLoggerHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with(new SystemLoggerDropHandler());
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
    }

    static void julHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with(new JulDropHandler());
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
    }

    static void anonymousHandlerCountsAndDrops() throws InterruptedException {
        AtomicInteger dropped = new AtomicInteger();
        Saturated saturated = Saturated.with(new RejectedExecutionHandler() {
            @Override
            public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
                dropped.incrementAndGet();
            }
        });
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
        if (dropped.get() != 1) {
            throw new IllegalStateException("the anonymous handler counted " + dropped.get() + " rejections");
        }
    }

    static void inheritedHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with(new QuietDropHandler());
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
    }

    static void discardPolicyDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with(new ThreadPoolExecutor.DiscardPolicy());
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
    }

    /** A lambda handler that only logs: judged by the code of the lambda's body. */
    static void lambdaHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with((task, executor) -> LOG.log(System.Logger.Level.WARNING,
                "pool full, dropping " + task));
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
    }

    /** A lambda capturing a counter, which it increments before it returns: the task is dropped. */
    static void capturingLambdaHandlerDropsTheTask() throws InterruptedException {
        AtomicInteger dropped = new AtomicInteger();
        Saturated saturated = Saturated.with((task, executor) -> dropped.incrementAndGet());
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
        if (dropped.get() != 1) {
            throw new IllegalStateException("the lambda handler counted " + dropped.get() + " rejections");
        }
    }

    private static void logAndDrop(Runnable task, ThreadPoolExecutor executor) {
        LOG.log(System.Logger.Level.WARNING, "pool full, dropping {0}", task);
    }

    /** A method reference to a static method that only logs. */
    static void methodReferenceHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with(ExecuteRejectionScenarios::logAndDrop);
        try {
            saturated.pool.execute(() -> System.out.println("never printed"));
        } finally {
            saturated.finish();
        }
    }

    /** A lambda that keeps the task in a backlog it captured: not a finding. */
    static void lambdaHandlerKeepsTheTask() throws InterruptedException {
        List<Runnable> backlog = new ArrayList<>();
        Saturated saturated = Saturated.with((task, executor) -> backlog.add(task));
        try {
            saturated.pool.execute(() -> System.out.println("kept in the backlog"));
        } finally {
            saturated.finish();
        }
        if (backlog.size() != 1) {
            throw new IllegalStateException("the backlog holds " + backlog.size() + " tasks");
        }
    }

    // ------------------------------------------------------------------------------------ handlers that keep

    static final class RunningHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            task.run();
        }
    }

    static final class RequeueingHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            if (!executor.getQueue().offer(task)) {
                throw new IllegalStateException("the re-queued task did not fit");
            }
        }
    }

    static final class HandingOnHandler implements RejectedExecutionHandler {
        private final Executor fallback;

        HandingOnHandler(Executor fallback) {
            this.fallback = fallback;
        }

        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            fallback.execute(task);
        }
    }

    static final class BacklogHandler implements RejectedExecutionHandler {
        final List<Runnable> backlog = new ArrayList<>();

        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            backlog.add(task);
        }
    }

    static final class LogThenRequeueHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            LOG.log(System.Logger.Level.WARNING, "pool full, re-queueing {0}", task);
            if (!executor.getQueue().offer(task)) {
                throw new IllegalStateException("the re-queued task did not fit");
            }
        }
    }

    static void handlerRunsTheTask() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Saturated saturated = Saturated.with(new RunningHandler());
        try {
            saturated.pool.execute(ran::countDown);
        } finally {
            saturated.finish();
        }
        awaitRun(ran, "handlerRunsTheTask");
    }

    static void handlerRequeuesTheTask() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Saturated saturated = Saturated.with(new RequeueingHandler());
        try {
            saturated.pool.execute(ran::countDown);
        } finally {
            saturated.finish();
        }
        awaitRun(ran, "handlerRequeuesTheTask");
    }

    static void handlerHandsTheTaskOn(Executor fallback) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Saturated saturated = Saturated.with(new HandingOnHandler(fallback));
        try {
            saturated.pool.execute(ran::countDown);
        } finally {
            saturated.finish();
        }
        awaitRun(ran, "handlerHandsTheTaskOn");
    }

    static void handlerKeepsTheTaskInABacklog() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        BacklogHandler handler = new BacklogHandler();
        Saturated saturated = Saturated.with(handler);
        try {
            saturated.pool.execute(ran::countDown);
        } finally {
            saturated.finish();
        }
        for (Runnable kept : handler.backlog) {
            kept.run();
        }
        awaitRun(ran, "handlerKeepsTheTaskInABacklog");
    }

    static void handlerLogsThenRequeuesTheTask() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Saturated saturated = Saturated.with(new LogThenRequeueHandler());
        try {
            saturated.pool.execute(ran::countDown);
        } finally {
            saturated.finish();
        }
        awaitRun(ran, "handlerLogsThenRequeuesTheTask");
    }

    private static void awaitRun(CountDownLatch ran, String scenario) throws InterruptedException {
        if (!ran.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(scenario + ": the handler kept the task but it never ran");
        }
    }

    /**
     * A pool whose only worker is busy until {@link #finish()} and whose queue refuses the executor's next offer
     * once, so the next {@code execute} is rejected to the handler; a handler that re-queues the task then finds
     * room. Each scenario calls {@code execute} itself, so that the site is its own.
     */
    private static final class Saturated {
        final ThreadPoolExecutor pool;
        private final RefusingOnceQueue queue = new RefusingOnceQueue();
        private final CountDownLatch release = new CountDownLatch(1);

        private Saturated(RejectedExecutionHandler handler) {
            pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue, handler);
        }

        static Saturated with(RejectedExecutionHandler handler) throws InterruptedException {
            Saturated s = new Saturated(handler);
            CountDownLatch started = new CountDownLatch(1);
            s.pool.execute(() -> {
                started.countDown();
                try {
                    s.release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            if (!started.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the pool's worker did not start");
            }
            s.queue.refuseNextOffer();
            return s;
        }

        void finish() throws InterruptedException {
            release.countDown();
            pool.shutdown();
            if (!pool.awaitTermination(BOUND_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the pool did not finish");
            }
        }
    }

    /** A work queue that says it is full exactly once after {@link #refuseNextOffer()}. */
    private static final class RefusingOnceQueue extends LinkedBlockingQueue<Runnable> {
        private static final long serialVersionUID = 1L;
        private volatile boolean refuse;

        void refuseNextOffer() {
            refuse = true;
        }

        @Override
        public boolean offer(Runnable task) {
            if (refuse) {
                refuse = false;
                return false;
            }
            return super.offer(task);
        }
    }
}
