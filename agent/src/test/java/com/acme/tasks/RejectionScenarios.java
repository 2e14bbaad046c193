package com.acme.tasks;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.LoopguardAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Custom rejection handlers on a saturated pool: ones that drop the task (a class and a lambda) and ones that run,
 * refuse, hand on or keep it for later. Every submitted future is dropped by the caller, so the collector decides
 * when a dropped task is known to be lost; the scenario collects until both dropping handlers are reported.
 * Prints {@code scenario done}; the forked-JVM test reads the report written at exit.
 */
public final class RejectionScenarios {

    private static final List<Runnable> BACKLOG = new ArrayList<>();

    private RejectionScenarios() {
    }

    public static void main(String[] args) throws Exception {
        ExecutorService fallback = Executors.newSingleThreadExecutor();
        handlerRunsTheTask();
        handlerRefusesTheTask();
        handlerHandsTheTaskOn(fallback);
        handlerKeepsTheTaskForLater();
        for (Runnable kept : BACKLOG) {
            kept.run();
        }
        BACKLOG.clear();
        fallback.shutdown();
        if (!fallback.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the fallback executor did not finish");
        }

        classHandlerDropsTheTask();
        lambdaHandlerDropsTheTask();
        awaitLostTasksAt("classHandlerDropsTheTask", "lambdaHandlerDropsTheTask");
        System.out.println("scenario done");
    }

    /** Logs the rejection and returns: the task is dropped. */
    static final class LoggingDropHandler implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            System.out.println("rejected " + task.getClass().getSimpleName() + ", dropping it");
        }
    }

    static void classHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with(new LoggingDropHandler());
        try {
            saturated.pool.submit(() -> System.out.println("the third task ran"));
        } finally {
            saturated.finish();
        }
    }

    static void lambdaHandlerDropsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with((task, executor) -> { });
        try {
            saturated.pool.submit(() -> System.out.println("the third task ran"));
        } finally {
            saturated.finish();
        }
    }

    static void handlerRunsTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with((task, executor) -> task.run());
        try {
            saturated.pool.submit(() -> System.out.println("the third task ran"));
        } finally {
            saturated.finish();
        }
    }

    static void handlerRefusesTheTask() throws InterruptedException {
        Saturated saturated = Saturated.with((task, executor) -> {
            throw new RejectedExecutionException("busy, try later");
        });
        try {
            saturated.pool.submit(() -> System.out.println("the third task ran"));
            throw new IllegalStateException("the handler did not refuse");
        } catch (RejectedExecutionException expected) {
            // the caller was told
        } finally {
            saturated.finish();
        }
    }

    static void handlerHandsTheTaskOn(ExecutorService fallback) throws InterruptedException {
        Saturated saturated = Saturated.with((task, executor) -> fallback.execute(task));
        try {
            saturated.pool.submit(() -> System.out.println("the third task ran"));
        } finally {
            saturated.finish();
        }
    }

    static void handlerKeepsTheTaskForLater() throws InterruptedException {
        Saturated saturated = Saturated.with((task, executor) -> BACKLOG.add(task));
        try {
            saturated.pool.submit(() -> System.out.println("the third task ran"));
        } finally {
            saturated.finish();
        }
    }

    /**
     * A pool with one worker busy until {@link #finish()} and a full queue of one: the next submission is rejected,
     * and the handler decides its fate. Each scenario submits that task itself, so that its site is its own.
     */
    private static final class Saturated {
        final ThreadPoolExecutor pool;
        private final CountDownLatch release = new CountDownLatch(1);

        private Saturated(RejectedExecutionHandler handler) {
            pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), handler);
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
            started.await();
            s.pool.execute(() -> { });
            return s;
        }

        void finish() throws InterruptedException {
            release.countDown();
            pool.shutdown();
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the pool did not finish");
            }
        }
    }

    /** The collector decides when a dropped future goes: collect until the findings are there, bounded. */
    private static void awaitLostTasksAt(String... methods) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            System.gc();
            for (String method : methods) {
                boolean found = LoopguardAgent.findings().stream().anyMatch(f -> f.kind() == FindingKind.LOST_TASK
                        && f.site().orElse("").contains("." + method + "("));
                if (!found) {
                    return false;
                }
            }
            return true;
        });
    }
}
