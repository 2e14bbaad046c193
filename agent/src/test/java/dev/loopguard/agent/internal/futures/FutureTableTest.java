package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FutureTableTest {

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

    private TrackedFuture record(Object future) {
        return new TrackedFuture(future, 0, "t", queue);
    }

    @Test
    void findsEveryFutureAddedAndNothingElseAcrossResizesAndRemovals() {
        FutureTable table = new FutureTable();
        List<CompletableFuture<?>> futures = new ArrayList<>();
        List<TrackedFuture> records = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            CompletableFuture<?> f = new CompletableFuture<>();
            futures.add(f);
            TrackedFuture r = record(f);
            records.add(r);
            table.add(r);
        }
        for (int i = 0; i < 5000; i += 2) {
            assertThat(table.remove(records.get(i))).isTrue();
            assertThat(table.remove(records.get(i))).as("removing twice").isFalse();
        }
        assertThat(table.size()).isEqualTo(2500);
        for (int i = 0; i < 5000; i++) {
            TrackedFuture found = table.find(futures.get(i));
            if (i % 2 == 0) {
                assertThat(found).isNull();
            } else {
                assertThat(found).isSameAs(records.get(i));
            }
        }
        assertThat(table.find(new CompletableFuture<>())).isNull();
        assertThat(table.snapshot()).hasSize(2500);
        assertThat(table.capacity()).as("load factor at most three quarters").isGreaterThanOrEqualTo(2500 * 4 / 3);
    }

    @Test
    void aTableForFewRecordsFindsThemWhileScanningHashingAndScanningAgain() {
        java.util.concurrent.atomic.AtomicInteger watched = new java.util.concurrent.atomic.AtomicInteger();
        FutureTable table = new FutureTable(16, watched::addAndGet);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        List<TrackedFuture> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            CompletableFuture<?> f = new CompletableFuture<>();
            futures.add(f);
            records.add(record(f));
        }
        for (int i = 0; i < 40; i++) {
            table.add(records.get(i)); // past 16 the table stops scanning and hashes
            for (int j = 0; j < 40; j++) {
                assertThat(table.find(futures.get(j))).as("after %d adds, future %d", i + 1, j)
                        .isSameAs(j <= i ? records.get(j) : null);
            }
        }
        for (int i = 0; i < 40; i++) {
            assertThat(table.remove(records.get(i))).isTrue(); // at 8 left it scans again
            assertThat(table.remove(records.get(i))).isFalse();
            for (int j = 0; j < 40; j++) {
                assertThat(table.find(futures.get(j))).as("after %d removals, future %d", i + 1, j)
                        .isSameAs(j > i ? records.get(j) : null);
            }
            assertThat(table.size()).isEqualTo(39 - i);
            assertThat(watched).as("told of every record added and removed, not of a removal that found none")
                    .hasValue(39 - i);
        }
        assertThat(table.snapshot()).isEmpty();
    }

    @Test
    void lookUpsWithoutTheLockNeverMissARecordThatStaysWhileOthersComeAndGo() throws Exception {
        for (int fewLimit : new int[] {0, 16}) {
            FutureTable table = new FutureTable(fewLimit, delta -> { });
            List<CompletableFuture<?>> stable = new ArrayList<>();
            List<TrackedFuture> stableRecords = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                CompletableFuture<?> f = new CompletableFuture<>();
                stable.add(f);
                stableRecords.add(record(f));
                table.add(stableRecords.get(i));
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ExecutorService churn = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.concurrent.Future<?> writer = churn.submit(() -> {
                while (!stop.get()) {
                    List<TrackedFuture> batch = new ArrayList<>();
                    for (int i = 0; i < 64; i++) { // crosses the scan limit and forces resizes of some stripes
                        TrackedFuture r = record(new CompletableFuture<>());
                        batch.add(r);
                        table.add(r);
                    }
                    batch.forEach(table::remove);
                }
            });
            try {
                for (int round = 0; round < 20_000; round++) {
                    for (int i = 0; i < stable.size(); i++) {
                        assertThat(table.find(stable.get(i))).as("limit %d, round %d", fewLimit, round)
                                .isSameAs(stableRecords.get(i));
                    }
                }
            } finally {
                stop.set(true);
                writer.get(30, java.util.concurrent.TimeUnit.SECONDS);
                churn.shutdown();
            }
            assertThat(table.size()).isEqualTo(6);
        }
    }

    @Test
    void writersOnSeveralThreadsShareTheStripesWithoutLosingARecord() throws Exception {
        java.util.concurrent.atomic.AtomicInteger watched = new java.util.concurrent.atomic.AtomicInteger();
        FutureTable table = new FutureTable(0, watched::addAndGet);
        int writers = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<List<CompletableFuture<?>>>> kept = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                kept.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<?>> mine = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        CompletableFuture<?> f = new CompletableFuture<>();
                        TrackedFuture r = record(f);
                        table.add(r);
                        if (i % 4 == 0) {
                            mine.add(f); // kept
                        } else if (!table.remove(r)) {
                            throw new AssertionError("a record added on this thread was gone before its removal");
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            int expected = 0;
            for (java.util.concurrent.Future<List<CompletableFuture<?>>> f : kept) {
                List<CompletableFuture<?>> mine = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                for (CompletableFuture<?> future : mine) {
                    assertThat(table.find(future)).isNotNull();
                }
                expected += mine.size();
            }
            assertThat(table.size()).isEqualTo(expected);
            assertThat(table.snapshot()).hasSize(expected);
            assertThat(watched).hasValue(expected);
        } finally {
            pool.shutdownNow();
        }
    }
}
