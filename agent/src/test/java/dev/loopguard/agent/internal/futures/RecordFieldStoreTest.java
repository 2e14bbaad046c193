package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The store that finds records through a field of the future. In this JVM {@code CompletableFuture} has no such
 * field (no agent added it), so the tests use a class of their own with one; the forked-JVM tests run the store on
 * the real field.
 */
class RecordFieldStoreTest {

    /** Stands in for a {@code CompletableFuture} with the agent's field. */
    static final class Holder {
        Object record;
    }

    private static final VarHandle RECORD;

    static {
        try {
            RECORD = MethodHandles.lookup().findVarHandle(Holder.class, "record", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final AtomicInteger watched = new AtomicInteger();

    private final RecordFieldStore records = new RecordFieldStore(watched::addAndGet) {
        @Override
        TrackedFuture slotOf(Object future) {
            return future instanceof Holder ? (TrackedFuture) RECORD.getAcquire(future) : null;
        }

        @Override
        void setSlot(Object future, TrackedFuture record) {
            RECORD.setRelease(future, record);
        }
    };

    private TrackedFuture record(Object future) {
        return new TrackedFuture(future, 0, "t", queue);
    }

    @Test
    void findsEveryRecordAddedAndNothingElseAcrossGrowthRemovalAndReuseOfSlots() {
        List<Holder> futures = new ArrayList<>();
        List<TrackedFuture> added = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Holder f = new Holder();
            futures.add(f);
            added.add(record(f));
            records.add(added.get(i));
        }
        for (int i = 0; i < 5000; i += 2) {
            assertThat(records.remove(added.get(i))).isTrue();
            assertThat(records.remove(added.get(i))).as("removing twice").isFalse();
            assertThat(futures.get(i).record).as("the future lets go of its record").isNull();
        }
        assertThat(records.size()).isEqualTo(2500);
        assertThat(watched).as("told of every record added and removed, not of a removal that found none")
                .hasValue(2500);
        // the freed slots are taken again, and an old record never matches a reused slot
        List<TrackedFuture> again = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            Holder f = new Holder();
            TrackedFuture r = record(f);
            records.add(r);
            again.add(r);
            assertThat(records.find(f)).isSameAs(r);
        }
        for (int i = 0; i < 5000; i += 2) {
            assertThat(records.remove(added.get(i))).as("a removed record whose slot was reused").isFalse();
        }
        for (int i = 0; i < 5000; i++) {
            assertThat(records.find(futures.get(i))).isSameAs(i % 2 == 0 ? null : added.get(i));
        }
        assertThat(records.find(new Holder())).isNull();
        assertThat(records.find("not a future")).isNull();
        assertThat(records.snapshot()).hasSize(5000).containsAll(again);
        assertThat(records.size()).isEqualTo(5000);
    }

    @Test
    void aRecordWhoseFutureWasCollectedIsStillRemovedOnce() {
        Holder f = new Holder();
        TrackedFuture r = record(f);
        records.add(r);
        r.clear(); // what the collector does before it queues the record
        assertThat(records.remove(r)).isTrue();
        assertThat(records.remove(r)).isFalse();
        assertThat(records.size()).isZero();
        assertThat(watched).hasValue(0);
    }

    @Test
    void recordsAddedOnSeveralThreadsAndRemovedOnOthersAreNeverLost() throws Exception {
        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers * 2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Holder>>> kept = new ArrayList<>();
        java.util.concurrent.BlockingQueue<TrackedFuture> toRemove = new java.util.concurrent.LinkedBlockingQueue<>();
        AtomicInteger removedElsewhere = new AtomicInteger();
        int perWriter = 20_000;
        try {
            for (int w = 0; w < writers; w++) {
                kept.add(pool.submit(() -> {
                    go.await();
                    List<Holder> mine = new ArrayList<>();
                    for (int i = 0; i < perWriter; i++) {
                        Holder f = new Holder();
                        TrackedFuture r = record(f);
                        records.add(r);
                        if (i % 4 == 0) {
                            mine.add(f);
                        } else if (i % 4 == 1) {
                            toRemove.put(r); // removed by another thread, from another stripe's writer
                        } else if (!records.remove(r)) {
                            throw new AssertionError("a record added on this thread was gone before its removal");
                        }
                    }
                    return mine;
                }));
                pool.submit(() -> {
                    for (int i = 0; i < perWriter / 4; i++) {
                        if (!records.remove(toRemove.poll(60, TimeUnit.SECONDS))) {
                            throw new AssertionError("a record handed over for removal was already gone");
                        }
                        removedElsewhere.incrementAndGet();
                    }
                    return null;
                });
            }
            go.countDown();
            int expected = 0;
            for (Future<List<Holder>> f : kept) {
                List<Holder> mine = f.get(60, TimeUnit.SECONDS);
                for (Holder future : mine) {
                    assertThat(records.find(future)).isNotNull();
                }
                expected += mine.size();
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(removedElsewhere).hasValue(writers * perWriter / 4);
            assertThat(records.size()).isEqualTo(expected);
            assertThat(records.snapshot()).hasSize(expected);
            assertThat(watched).hasValue(expected);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTrackedFutureCostsItsRecordAndAboutEightBytesOfSlotsWhenItsStripeIsFull() {
        List<Holder> futures = new ArrayList<>();
        int count = 1 << 16; // added on this thread, so into one stripe, whose arrays end exactly full
        for (int i = 0; i < count; i++) {
            Holder f = new Holder();
            futures.add(f);
            records.add(record(f));
        }
        // Sizes as Instrumentation gives them with compressed oops: a 16-byte header and 4 bytes an element.
        long bytes = records.slotBytes(array -> array instanceof int[] ? 16 + 4L * ((int[]) array).length
                : 16 + 4L * ((Object[]) array).length);
        assertThat((double) bytes / count).as("bytes of slots per record, the 15 idle stripes included")
                .isBetween(8.0, 8.2);
        assertThat(records.size()).isEqualTo(count);
        assertThat(futures).allSatisfy(f -> assertThat(records.find(f)).isNotNull());
    }
}
