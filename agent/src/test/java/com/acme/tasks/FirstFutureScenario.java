package com.acme.tasks;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.LoopguardAgent;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A program whose first use of {@code CompletableFuture} is one lost future: the agent opens the class only when the
 * program first loads it, and that first future must be reported as any later one would be. Modes (the argument):
 * {@code none} never touches a future; {@code supply} fails a {@code supplyAsync} on an explicit executor and drops
 * it; {@code lost} drops a pending {@code new CompletableFuture<>()} with its callback. Each of these two is the
 * program's first statement that names the class. {@code dies} uses no future: a thread dies of an exception. Prints the record field the class got, then
 * {@code scenario done}.
 */
public final class FirstFutureScenario {

    private FirstFutureScenario() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "none":
                System.out.println("hello");
                break;
            case "supply":
                ExecutorService pool = Executors.newSingleThreadExecutor();
                failsFirst(pool);
                pool.shutdown();
                if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the pool did not finish");
                }
                printRecordField();
                break;
            case "dies":
                Thread worker = new Thread(FirstFutureScenario::diesFirst, "first-worker");
                worker.start();
                worker.join();
                break;
            case "lost":
                dropsFirst();
                awaitLostTask();
                printRecordField();
                break;
            default:
                throw new IllegalArgumentException("mode none, supply, lost or dies, was " + args[0]);
        }
        System.out.println("scenario done");
    }

    static void failsFirst(ExecutorService pool) {
        CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("first future failed");
        }, pool);
    }

    static void diesFirst() {
        throw new IllegalStateException("first worker died");
    }

    static void dropsFirst() {
        CompletableFuture<String> never = new CompletableFuture<>();
        never.thenRun(() -> System.out.println("never printed"));
    }

    /** The collector decides when the dropped future goes: collect until the finding is there, bounded. */
    private static void awaitLostTask() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            System.gc();
            for (dev.loopguard.agent.Finding f : LoopguardAgent.findings()) {
                if (f.kind() == FindingKind.LOST_TASK && f.site().orElse("").contains(".dropsFirst(")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        System.out.println("no lost task found within 60 s");
    }

    private static void printRecordField() {
        List<String> added = new ArrayList<>();
        for (Field f : CompletableFuture.class.getDeclaredFields()) {
            if (f.isSynthetic()) {
                added.add(f.getName());
            }
        }
        System.out.println("synthetic fields: " + added);
    }
}
