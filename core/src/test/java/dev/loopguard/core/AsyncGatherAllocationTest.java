package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the gathers allocate per input, counted by the JVM for this thread (exact, unlike time): checking the inputs
 * must not build a string per input, which cost as much as the rest of the gather's bookkeeping together.
 */
class AsyncGatherAllocationTest {

    private static final int INPUTS = 10_000;
    /**
     * Per input: a slot in the copied list and in the values array, the dependent future and the callback
     * {@code whenComplete} creates, and for the bounded gather its started-stage slot; a message string built per
     * input (about 56 bytes) pushed each gather past this.
     */
    private static final long BYTES_PER_INPUT = 100;

    @Test
    @DisplayName("gather and gatherSettled allocate no message per input while checking their inputs")
    void gatherChecksInputsWithoutAllocatingMessages() {
        List<CompletionStage<Integer>> stages = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            stages.add(CompletableFuture.completedFuture(i));
        }
        assertThat(bytesPerInput(() -> Async.gather(stages).join())).isLessThan(BYTES_PER_INPUT);
        assertThat(bytesPerInput(() -> Async.gatherSettled(stages).join())).isLessThan(BYTES_PER_INPUT + 32);
    }

    @Test
    @DisplayName("gatherBounded allocates no message per supplier while checking its suppliers")
    void gatherBoundedChecksSuppliersWithoutAllocatingMessages() {
        CompletableFuture<Integer> done = CompletableFuture.completedFuture(1);
        List<Supplier<CompletionStage<Integer>>> suppliers = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            suppliers.add(() -> done);
        }
        assertThat(bytesPerInput(() -> Async.gatherBounded(64, suppliers).join())).isLessThan(BYTES_PER_INPUT);
    }

    /** The bytes this thread allocates per input in {@code gather}, after two runs to load and link the code. */
    private static long bytesPerInput(Supplier<List<?>> gather) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "this JVM does not count allocated bytes");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(counter.isThreadAllocatedMemorySupported() && counter.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes");
        gather.get();
        gather.get();
        long thread = Thread.currentThread().getId();
        long before = counter.getThreadAllocatedBytes(thread);
        List<?> values = gather.get();
        long allocated = counter.getThreadAllocatedBytes(thread) - before;
        assertThat(values).hasSize(INPUTS);
        return allocated / INPUTS;
    }
}
