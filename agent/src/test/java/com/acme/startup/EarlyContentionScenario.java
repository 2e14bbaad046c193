package com.acme.startup;

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
 * The helper keeps the monitor 60 ms from the moment the loop thread is seen blocked on it, so the contention really
 * happens however late the loop thread gets there.
 */
public final class EarlyContentionScenario {

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
        contend(ledger, loopThread, () -> loop.submit(() -> enterABlock(ledger)));
        // The next task: a synchronized method, contended the same way.
        contend(ledger, loopThread, () -> loop.submit(() -> enterAMethod(ledger)));
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
     * A helper takes the monitor; then {@code submit} gives the loop a task that enters it; the helper lets go 60 ms
     * after it sees the loop thread blocked.
     */
    private static void contend(Ledger ledger, AtomicReference<Thread> loopThread, Supplier<Future<?>> submit)
            throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        Thread helper = new Thread(() -> {
            synchronized (ledger) {
                held.countDown();
                Thread loop;
                while ((loop = loopThread.get()) == null || loop.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
                sleepQuietly(60);
            }
        }, "ledger-holder");
        helper.setDaemon(true);
        helper.start();
        held.await();
        submit.get().get(30, TimeUnit.SECONDS);
        helper.join();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
