package com.acme.loops;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.util.AbstractCollection;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Work handed off from a Netty channel loop to a worker pool. Not blocking: {@code CompletableFuture.runAsync(task,
 * pool)} and {@code pool.execute(task)} while another thread holds the pool queue's lock (the loop waits for the lock
 * a moment, then queues the task). Blocking: a {@code ThreadPoolExecutor} whose queue is full and whose rejection
 * handler waits for room ({@code queue.put}), and a Netty executor whose queue is full and whose rejection handler
 * backs off until there is room. Each wait is forced: the other thread lets go only once it sees the loop waiting.
 */
public final class HandOffsFromNettyLoop {
    private HandOffsFromNettyLoop() {
    }

    public static void main(String[] args) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            EventLoop loop = group.next();
            loop.submit(HandOffsFromNettyLoop::runAsyncWhileTheQueueLockIsHeld).get(30, TimeUnit.SECONDS);
            loop.submit(HandOffsFromNettyLoop::executeWhileTheQueueLockIsHeld).get(30, TimeUnit.SECONDS);
            loop.submit(HandOffsFromNettyLoop::executeIntoAFullQueueThatWaitsForRoom).get(30, TimeUnit.SECONDS);
            loop.submit(HandOffsFromNettyLoop::executeIntoAFullNettyExecutorThatBacksOff).get(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
        System.out.println("scenario done");
    }

    static Object runAsyncWhileTheQueueLockIsHeld() throws Exception {
        try (ContendedPool pool = new ContendedPool()) {
            CompletableFuture<Void> handedOff = CompletableFuture.runAsync(pool.ran::countDown, pool.executor);
            pool.awaitRun();
            return handedOff;
        }
    }

    static Object executeWhileTheQueueLockIsHeld() throws Exception {
        try (ContendedPool pool = new ContendedPool()) {
            pool.executor.execute(pool.ran::countDown);
            pool.awaitRun();
            return null;
        }
    }

    static Object executeIntoAFullQueueThatWaitsForRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(1),
                new WaitForRoom());
        try {
            CountDownLatch started = new CountDownLatch(1);
            pool.execute(() -> {
                started.countDown();
                awaitQuietly(release);
            });
            started.await(30, TimeUnit.SECONDS);
            pool.execute(() -> { }); // fills the queue
            Waiters.releaseWhenWaiting(Thread.currentThread(), release::countDown);
            pool.execute(() -> { }); // waits in the rejection handler until the worker takes the queued task
            return null;
        } finally {
            release.countDown();
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    static Object executeIntoAFullNettyExecutorThatBacksOff() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DefaultEventExecutor executor = new DefaultEventExecutor(null, new DefaultThreadFactory("acme-worker"), 1,
                RejectedExecutionHandlers.backoff(100_000, 1, TimeUnit.MILLISECONDS));
        try {
            CountDownLatch started = new CountDownLatch(1);
            executor.execute(() -> {
                started.countDown();
                awaitQuietly(release);
            });
            started.await(30, TimeUnit.SECONDS);
            for (int i = 0; i < 16; i++) {
                executor.execute(() -> { }); // fills the queue: Netty keeps room for at least 16 tasks
            }
            Waiters.releaseWhenWaiting(Thread.currentThread(), release::countDown);
            executor.execute(() -> { }); // backs off until the worker takes the queued task
            return null;
        } finally {
            release.countDown();
            executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
    }

    /** The "blocking submit" pattern: a full pool makes the caller wait for room instead of rejecting. */
    static final class WaitForRoom implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            try {
                executor.getQueue().put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A one-thread pool over an {@code ArrayBlockingQueue} whose lock a helper thread holds until it sees the loop
     * waiting for it: it drains one placeholder into a collection whose {@code add} blocks, and
     * {@code ArrayBlockingQueue.drainTo} calls {@code add} with the queue's lock held.
     */
    private static final class ContendedPool implements AutoCloseable {
        final ArrayBlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(16);
        final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, queue);
        final CountDownLatch ran = new CountDownLatch(1);
        private final CountDownLatch workerBusy = new CountDownLatch(1);
        private final CountDownLatch releaseWorker = new CountDownLatch(1);
        private final CountDownLatch lockHeld = new CountDownLatch(1);
        private final CountDownLatch releaseLock = new CountDownLatch(1);
        private final Thread holder;

        ContendedPool() throws InterruptedException {
            // The worker is busy, so the loop's task goes through the queue, not to a new worker.
            executor.execute(() -> {
                workerBusy.countDown();
                awaitQuietly(releaseWorker);
            });
            workerBusy.await(30, TimeUnit.SECONDS);
            queue.add(() -> { });
            Thread loop = Thread.currentThread();
            holder = new Thread(() -> queue.drainTo(new AbstractCollection<Runnable>() {
                @Override
                public boolean add(Runnable placeholder) {
                    lockHeld.countDown();
                    awaitQuietly(releaseLock);
                    return true;
                }

                @Override
                public Iterator<Runnable> iterator() {
                    return Collections.emptyIterator();
                }

                @Override
                public int size() {
                    return 0;
                }
            }), "acme-queue-holder");
            holder.start();
            lockHeld.await(30, TimeUnit.SECONDS);
            Waiters.releaseWhenWaiting(loop, releaseLock::countDown);
        }

        void awaitRun() throws InterruptedException {
            releaseWorker.countDown();
            if (!ran.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the handed-off task never ran");
            }
        }

        @Override
        public void close() throws InterruptedException {
            releaseLock.countDown();
            releaseWorker.countDown();
            holder.join(30_000);
            executor.shutdown();
            executor.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
