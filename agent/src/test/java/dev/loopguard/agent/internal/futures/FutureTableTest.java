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
        return new TrackedFuture(future, System.identityHashCode(future), 0, "t", queue);
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
}
