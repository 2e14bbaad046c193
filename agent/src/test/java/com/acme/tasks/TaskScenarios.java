package com.acme.tasks;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.core.ClosePolicy;
import dev.loopguard.core.EventLoop;
import dev.loopguard.agent.LoopguardAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Every task and future rule in one JVM, each in its own method so that findings are told apart by site. Prints
 * {@code scenario done} when every scenario ran; the forked-JVM test reads the report written at exit.
 */
public final class TaskScenarios {

    private static final List<Object> KEPT = new ArrayList<>();
    private static final CountDownLatch GO = new CountDownLatch(1);

    private TaskScenarios() {
    }

    public static void main(String[] args) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Repository repository = new Repository();

        droppedMono(repository);
        droppedApplicationFuture(repository);
        droppedJdkFuture(executor);
        droppedFireAndForget(repository);
        unobservedFailure(executor);
        chainLeaf(executor);
        CompletableFuture<String> recovered = recoveredInTheChain(executor);
        CompletableFuture<String> logged = loggedWithWhenComplete(executor);
        CompletableFuture<String> joinedLater = failedAndJoinedLater(executor);
        Thread waiter = joinedWhilePending(executor);
        timedOut();
        droppedSubmitThatThrows(executor);
        discardPolicy();
        discardOldestPolicy();
        shutdownNowDropped();
        uncaughtInThreadWithoutHandler();
        eventLoopClosedWithUnrunTasks();
        eventLoopClosedWithAHandler();
        GO.countDown();
        waiter.join();

        executor.shutdown();
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("scenario tasks did not finish");
        }
        if (!"fallback".equals(recovered.join()) || !logged.isCompletedExceptionally()) {
            throw new IllegalStateException("recovered chain went wrong");
        }
        try {
            joinedLater.join();
        } catch (RuntimeException expected) {
            // observed long after it failed: not a finding
        }
        abandonedPendingFuture();
        if (!Boolean.getBoolean("com.acme.tasks.noLostTaskWait")) {
            awaitLostTaskFinding();
        }
        System.out.println("scenario done");
    }

    static void droppedMono(Repository repository) {
        repository.save("order-1");
    }

    static void droppedApplicationFuture(Repository repository) {
        repository.store("order-2");
    }

    static void droppedJdkFuture(ExecutorService executor) {
        executor.submit(() -> { });
    }

    static void droppedFireAndForget(Repository repository) {
        repository.warmUp();
    }

    static void unobservedFailure(ExecutorService executor) {
        CompletableFuture.supplyAsync(() -> fail("unobserved"), executor);
    }

    static void chainLeaf(ExecutorService executor) {
        CompletableFuture<String> source = CompletableFuture.supplyAsync(() -> fail("chain"), executor);
        CompletableFuture<Integer> leaf = source.thenApply(String::length);
        KEPT.add(leaf);
    }

    static CompletableFuture<String> recoveredInTheChain(ExecutorService executor) {
        return CompletableFuture.supplyAsync(() -> fail("recovered"), executor)
                .thenApply(String::trim)
                .exceptionally(e -> "fallback");
    }

    static CompletableFuture<String> loggedWithWhenComplete(ExecutorService executor) {
        return CompletableFuture.supplyAsync(() -> fail("logged"), executor)
                .whenComplete((value, failure) -> { });
    }

    static CompletableFuture<String> failedAndJoinedLater(ExecutorService executor) {
        return CompletableFuture.supplyAsync(() -> fail("joined later"), executor);
    }

    /**
     * A join that starts while the future is pending and then throws its failure: observed by that read (the agent
     * hears of a throwing read as it throws, not as it starts). Returns the waiting thread, which is waiting once
     * this returns.
     */
    static Thread joinedWhilePending(ExecutorService executor) {
        CompletableFuture<String> pending = CompletableFuture.supplyAsync(() -> fail("seen by a waiting join"),
                executor);
        Thread waiter = new Thread(() -> {
            try {
                pending.join();
            } catch (RuntimeException expected) {
                // the failure, seen
            }
        }, "waiting-join");
        waiter.start();
        // The join waits through a completion it pushes on the future: once it is there, the join has started.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> pending.getNumberOfDependents() == 1);
        return waiter;
    }

    static void timedOut() {
        CompletableFuture<String> slow = new CompletableFuture<String>().orTimeout(1, TimeUnit.MILLISECONDS);
        try {
            slow.handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        KEPT.add(new CompletableFuture<String>().orTimeout(1, TimeUnit.MILLISECONDS));
    }

    static void droppedSubmitThatThrows(ExecutorService executor) {
        executor.submit(TaskScenarios::failingTask);
    }

    private static void failingTask() {
        throw new IllegalStateException("submitted task failed");
    }

    static void discardPolicy() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = saturated(new ThreadPoolExecutor.DiscardPolicy(), release);
        pool.execute(() -> System.out.println("never printed"));
        finish(pool, release);
    }

    static void discardOldestPolicy() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = saturated(new ThreadPoolExecutor.DiscardOldestPolicy(), release);
        pool.execute(() -> System.out.println("the newest task ran"));
        finish(pool, release);
    }

    /** One worker busy until {@code release}, and a full queue of one. */
    private static ThreadPoolExecutor saturated(java.util.concurrent.RejectedExecutionHandler policy,
                                                CountDownLatch release) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1),
                policy);
        pool.execute(() -> {
            started.countDown();
            awaitQuietly(release);
        });
        started.await();
        pool.execute(() -> System.out.println("the queued task ran"));
        return pool;
    }

    private static void finish(ThreadPoolExecutor pool, CountDownLatch release) throws InterruptedException {
        release.countDown();
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    static void shutdownNowDropped() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.execute(() -> {
            started.countDown();
            awaitQuietly(new CountDownLatch(1));
        });
        started.await();
        pool.execute(() -> System.out.println("never printed"));
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    static void uncaughtInThreadWithoutHandler() throws InterruptedException {
        Thread worker = new Thread(TaskScenarios::threadBody, "acme-worker");
        worker.start();
        worker.join();
    }

    private static void threadBody() {
        throw new IllegalStateException("worker died");
    }

    static void eventLoopClosedWithUnrunTasks() {
        EventLoop loop = EventLoop.builder().name("reminders").closePolicy(ClosePolicy.CANCEL_QUEUED).build();
        loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
        loop.scheduleAtFixedRate(() -> { }, Duration.ofHours(1), Duration.ofHours(1));
        loop.close();
    }

    static void eventLoopClosedWithAHandler() {
        List<Runnable> handedBack = new ArrayList<>();
        EventLoop loop = EventLoop.builder().name("handled").closePolicy(ClosePolicy.CANCEL_QUEUED)
                .onUnrunTasks(handedBack::addAll).build();
        loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
        loop.close();
        if (handedBack.size() != 1) {
            throw new IllegalStateException("the loop did not hand back its task");
        }
    }

    static void abandonedPendingFuture() {
        CompletableFuture<String> never = new CompletableFuture<>();
        never.thenRun(() -> System.out.println("never printed"));
    }

    /** The collector decides when the abandoned future goes: collect until the finding is there, bounded. */
    private static void awaitLostTaskFinding() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            System.gc();
            return LoopguardAgent.findings().stream().anyMatch(f -> f.kind() == FindingKind.LOST_TASK
                    && f.site().orElse("").contains(".abandonedPendingFuture("));
        });
    }

    private static String fail(String what) {
        awaitQuietly(GO);
        throw new IllegalStateException(what);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
