package com.acme.loops;

import dev.loopguard.agent.BlockingCallException;
import dev.loopguard.agent.LoopguardAgent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Plain single-thread executors whose thread names may match {@code eventLoopThreads}. Arguments:
 * {@code threadName:step+step ...}; steps: sleep, cpu, park, allowed, otherPackage.
 */
public final class NamedLoops {
    private NamedLoops() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            String threadName = arg.substring(0, arg.indexOf(':'));
            ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, threadName));
            try {
                for (String step : arg.substring(arg.indexOf(':') + 1).split("\\+")) {
                    String outcome = executor.submit(() -> run(step)).get(30, TimeUnit.SECONDS);
                    System.out.println(threadName + " " + step + " " + outcome);
                }
            } finally {
                executor.shutdown();
            }
        }
        System.out.println("findings " + LoopguardAgent.findings().size());
        System.out.println("scenario done");
    }

    private static String run(String step) throws Exception {
        try {
            switch (step) {
                case "sleep": sleep(); break;
                case "cpu": cpu(); break;
                case "park": park(); break;
                case "allowed": allowedSleep(); break;
                case "otherPackage": otherPackage(); break;
                default: throw new IllegalArgumentException("unknown step " + step);
            }
            return "completed";
        } catch (BlockingCallException e) {
            return "threw BlockingCallException: " + e.getMessage();
        }
    }

    static void sleep() throws InterruptedException {
        Thread.sleep(1);
    }

    static void cpu() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        if (spins < 0) {
            throw new AssertionError();
        }
    }

    static void park() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        Waiters.releaseWhenWaiting(Thread.currentThread(), () -> pending.complete("done"));
        pending.join();
    }

    static void allowedSleep() throws InterruptedException {
        Thread.sleep(1);
    }

    static void otherPackage() throws InterruptedException {
        com.other.Lib.pause();
    }
}
