package com.acme.loops;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A contended {@code ReentrantLock.lock} on a loop, {@value #ROUNDS} times, on a machine kept busy by twice as many
 * spinning threads as it has cores. The contention is certain each round: a helper takes the lock first and
 * lets go only once the loop thread is parked on it, however long the loop thread takes to get there.
 */
public final class LockUnderLoadScenario {
    public static final int ROUNDS = 20;

    private LockUnderLoadScenario() {
    }

    public static void main(String[] args) throws Exception {
        int spinners = 2 * Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < spinners; i++) {
            Thread t = new Thread(LockUnderLoadScenario::spin, "load-" + i);
            t.setDaemon(true);
            t.start();
        }
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "app-eventloop-1");
            loopThread.set(t);
            return t;
        });
        ReentrantLock lock = new ReentrantLock();
        for (int round = 0; round < ROUNDS; round++) {
            CountDownLatch held = new CountDownLatch(1);
            Thread helper = new Thread(() -> {
                lock.lock();
                try {
                    held.countDown();
                    Thread t;
                    while ((t = loopThread.get()) == null || !lock.hasQueuedThread(t)
                            || t.getState() != Thread.State.WAITING) {
                        Thread.onSpinWait();
                    }
                } finally {
                    lock.unlock();
                }
            }, "lock-holder");
            helper.setDaemon(true);
            helper.start();
            held.await();
            loop.submit(() -> takeTheLock(lock)).get(60, TimeUnit.SECONDS);
            helper.join();
        }
        loop.shutdown();
        if (!loop.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the loop did not stop");
        }
        System.out.println("scenario done");
    }

    static void takeTheLock(ReentrantLock lock) {
        lock.lock();
        lock.unlock();
    }

    private static void spin() {
        long n = 0;
        while (true) {
            n += Long.numberOfTrailingZeros(n + System.nanoTime());
        }
    }
}
