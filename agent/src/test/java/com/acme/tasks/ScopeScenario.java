package com.acme.tasks;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.FindingScope;
import dev.loopguard.agent.LoopguardAgent;
import dev.loopguard.core.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import org.awaitility.Awaitility;

/**
 * What the JUnit extension does per test, by hand: scopes named like tests. A future created in {@code first()} fails
 * with nobody observing it and is found while {@code second()} runs; two "tests" on two threads, each with its own
 * loop, block on their loops at the same line at once and leave a task pending; a blocking call with no scope open.
 * Prints the scoped checks and what each scope saw, then {@code scenario done}; the forked-JVM test reads the report.
 */
public final class ScopeScenario {

    private ScopeScenario() {
    }

    public static void main(String[] args) throws Exception {
        EventLoop loop = EventLoop.builder().name("scoped").build();
        try (FindingScope first = LoopguardAgent.openScope("ScopeScenario.first()")) {
            failsUnobservedOnTheLoop(loop);
            loop.submit(() -> "drained").join();
            System.out.println("first() pending records after its failure: " + first.pendingRecords());
        }
        try (FindingScope second = LoopguardAgent.openScope("ScopeScenario.second()")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                System.gc();
                return LoopguardAgent.findings().stream().anyMatch(f -> f.kind() == FindingKind.UNHANDLED_FAILURE);
            });
            System.out.println("second() saw " + second.findings().size() + " finding(s)");
        }

        try (FindingScope settled = LoopguardAgent.openScope("ScopeScenario.settles()")) {
            CompletableFuture<String> kept = new CompletableFuture<>();
            kept.thenApply(String::length); // pending, waited on, reachable: nothing can be judged yet
            failsUnobservedOnTheLoop(loop);
            loop.submit(() -> "drained").join();
            int left = settled.settle(Duration.ofSeconds(60));
            System.out.println("settles() saw " + settled.findings().size() + " finding(s), " + left
                    + " record(s) left, kept future done: " + kept.isDone());
        }

        CyclicBarrier together = new CyclicBarrier(2);
        CountDownLatch done = new CountDownLatch(2);
        String[] checks = new String[2];
        for (int i = 0; i < 2; i++) {
            int index = i;
            String name = i == 0 ? "ScopeScenario.parallelA()" : "ScopeScenario.parallelB()";
            Thread t = new Thread(() -> {
                EventLoop own = EventLoop.builder().name("own-" + index).build();
                try (FindingScope scope = LoopguardAgent.openScope(name)) {
                    together.await();
                    blocksOnTheLoop(own);
                    leavesATaskPending(own);
                    together.await(); // both tasks are queued before either checks
                    List<Finding> pending = LoopguardAgent.checkPendingTasks();
                    checks[index] = name + " checked " + pending.size() + " pending task(s) of "
                            + pending.stream().map(f -> f.test().orElse("-")).distinct().toList();
                } catch (Exception e) {
                    checks[index] = name + " failed: " + e;
                } finally {
                    done.countDown();
                }
            }, "test-" + i);
            t.start();
        }
        done.await();
        for (String check : checks) {
            System.out.println(check);
        }
        blocksOnTheLoop(loop);

        // The same call at the same stack on the same loop thread in two scopes, twice each, and once in neither: the
        // detector's repeat of a known stack still counts each occurrence for its own scope.
        blocksAgainOnTheLoop(loop);
        for (String name : new String[] {"ScopeScenario.repeatsA()", "ScopeScenario.repeatsB()"}) {
            try (FindingScope repeats = LoopguardAgent.openScope(name)) {
                blocksAgainOnTheLoop(loop);
                blocksAgainOnTheLoop(loop);
            }
        }

        // The watchdog records a stall a tick after it ended: by then the next "test" runs on the same loop.
        try (FindingScope stalling = LoopguardAgent.openScope("ScopeScenario.stalls()")) {
            stallsTheLoop(loop);
        }
        try (FindingScope next = LoopguardAgent.openScope("ScopeScenario.runsAfterTheStall()")) {
            loop.submit(() -> "after").join();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> LoopguardAgent.findings().stream()
                    .anyMatch(f -> f.kind() == FindingKind.LOOP_STALL));
        }

        // Work a "test" queued runs, and blocks, after that test ended, while the next one runs.
        try (FindingScope late = LoopguardAgent.openScope("ScopeScenario.queuesWorkThatRunsLate()")) {
            runsLate(loop);
        }
        try (FindingScope next = LoopguardAgent.openScope("ScopeScenario.runsWhileLateWorkBlocks()")) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> LoopguardAgent.findings().stream()
                    .anyMatch(f -> f.kind() == FindingKind.BLOCKING_CALL
                            && f.site().orElse("").contains(".lambda$runsLate$")));
        }

        // Patterns added at run time: a thread named after them, started afterwards, is an event loop.
        try (FindingScope named = LoopguardAgent.openScope("ScopeScenario.namesItsLoopThreads()")) {
            LoopguardAgent.addEventLoopThreads("legacy-io-*");
            Thread legacy = new Thread(ScopeScenario::sleepsOnANamedLoop, "legacy-io-1");
            legacy.start();
            legacy.join();
        }
        try {
            LoopguardAgent.addEventLoopThreads("a,b");
        } catch (IllegalArgumentException e) {
            System.out.println("refused: " + e.getMessage());
        }
        System.out.println("scenario done");
    }

    static void failsUnobservedOnTheLoop(EventLoop loop) {
        CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("nobody reads this");
        }, loop);
    }

    static void blocksOnTheLoop(EventLoop loop) {
        loop.submit(() -> {
            Thread.sleep(5);
            return "slept";
        }).join();
    }

    static void blocksAgainOnTheLoop(EventLoop loop) {
        loop.submit(() -> {
            Thread.sleep(1);
            return "slept";
        }).join();
    }

    static void stallsTheLoop(EventLoop loop) {
        loop.submit(() -> {
            long end = System.nanoTime() + 400_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // busy, not blocking: a stall and nothing else
            }
            return "stalled";
        }).join();
    }

    static void runsLate(EventLoop loop) {
        loop.schedule(() -> {
            Thread.sleep(5);
            return "late";
        }, Duration.ofMillis(200));
    }

    static void sleepsOnANamedLoop() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void leavesATaskPending(EventLoop loop) {
        loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
    }
}
