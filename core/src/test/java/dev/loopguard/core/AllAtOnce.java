package dev.loopguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs an action on several threads released together by a barrier, for tests of concurrent callers. */
final class AllAtOnce {

    /** What one thread does; {@code thread} is its index, from 0. */
    interface ThreadAction<T> {
        T run(int thread) throws Exception;
    }

    private AllAtOnce() {
    }

    /**
     * Starts {@code threads} threads, lets them all run {@code action} at the same moment, and returns their results in
     * thread order. Waits at most 10 seconds per thread; an exception of any thread fails the call.
     */
    static <T> List<T> onThreads(int threads, ThreadAction<T> action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    barrier.await();
                    return action.run(thread);
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
