package dev.loopguard.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PendingFutureFootprintTest {

    @Test
    @DisplayName("a pending future retains at least its own object header and its share of the chain")
    void measuresRetainedHeap() throws Exception {
        // Per element two futures and the completion linking them: at least three object headers of 12 bytes, so
        // more than 18 bytes per future. The upper bound guards against counting garbage, which gives kilobytes.
        assertThat(PendingFutureFootprint.measure(50_000)).isBetween(18.0, 400.0);
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
