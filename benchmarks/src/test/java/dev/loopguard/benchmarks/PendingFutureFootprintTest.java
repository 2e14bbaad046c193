package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PendingFutureFootprintTest {

    @Test
    @DisplayName("a pending future with a dependent retains at least the two futures' headers")
    void measuresRetainedHeap() throws Exception {
        // Two CompletableFutures and a completion object are at least 3 object headers (12+ bytes each); the upper
        // bound only guards against counting garbage (a broken measurement gives kilobytes, not a few hundred bytes).
        assertThat(PendingFutureFootprint.measure(50_000)).isBetween(36.0, 400.0);
    }

    @Test
    @DisplayName("rejects a count that is not a number or too small to average out heap noise")
    void rejectsBadCount() {
        assertThatThrownBy(() -> PendingFutureFootprint.parseCount("many"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must be a whole number of futures, was 'many'");
        assertThatThrownBy(() -> PendingFutureFootprint.parseCount("10"))
                .hasMessage("count must be >= 1000 so that heap noise averages out, was 10");
    }
}
