package com.acme.startup;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.FindingListener;
import dev.loopguard.agent.LoopguardAgent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Contended {@code synchronized} on a configured loop thread right after start-up, long before a JFR stream could
 * deliver: the loop's first task enters a block, its second a method, whose monitor a helper thread holds each time.
 * The helper keeps the monitor until the agent has reported the contention (a finding listener tells it), at most
 * {@value #BOUND_SECONDS} s, and prints whether the report came while the loop was still blocked: JFR reports a
 * contended entry only once it is over, so only the agent's own sampling can report it during the wait.
 */
public final class EarlyContentionScenario {
    static final int BOUND_SECONDS = 20;

    private EarlyContentionScenario() {
    }

    /** The monitor contended for. */
    static final class Ledger {
        int entries;

        synchronized void post() {
            entries++;
        }
    }

    public static void main(String[] args) throws Exception {
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "app-eventloop-1");
            loopThread.set(t);
            return t;
        });
        Ledger ledger = new Ledger();
        // The loop's first task: a synchronized block whose monitor the helper holds.
        contend(ledger, loopThread, "enterABlock", () -> loop.submit(() -> enterABlock(ledger)));
        // The next task: a synchronized method, contended the same way.
        contend(ledger, loopThread, "post", () -> loop.submit(() -> enterAMethod(ledger)));
        loop.shutdown();
        if (!loop.awaitTermination(30, TimeUnit.SECONDS) || ledger.entries != 2) {
            throw new IllegalStateException("the loop did not finish its tasks");
        }
        System.out.println("scenario done");
    }

    static void enterABlock(Ledger ledger) {
        synchronized (ledger) {
            ledger.entries++;
        }
    }

    static void enterAMethod(Ledger ledger) {
        ledger.post();
    }

    /**
     * A helper takes the monitor; then {@code submit} gives the loop a task that enters it; the helper lets go once
     * the agent reported a blocking call at {@code method} (or after the bound).
     */
    private static void contend(Ledger ledger, AtomicReference<Thread> loopThread, String method,
                                Supplier<Future<?>> submit) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        FindingListener listener = f -> {
            if (f.kind() == FindingKind.BLOCKING_CALL && f.site().orElse("").contains("." + method + "(")) {
                reported.countDown();
            }
        };
        LoopguardAgent.addListener(listener);
        Thread helper = new Thread(() -> {
            boolean seenWhileBlocked;
            synchronized (ledger) {
                held.countDown();
                Thread loop;
                while ((loop = loopThread.get()) == null || loop.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
                try {
                    seenWhileBlocked = reported.await(BOUND_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            System.out.println(method + " reported while the loop was blocked: " + seenWhileBlocked);
        }, "ledger-holder");
        helper.setDaemon(true);
        helper.start();
        held.await();
        submit.get().get(BOUND_SECONDS + 30, TimeUnit.SECONDS);
        helper.join();
        LoopguardAgent.removeListener(listener);
    }
}
