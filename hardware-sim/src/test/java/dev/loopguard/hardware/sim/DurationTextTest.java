package dev.loopguard.hardware.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.core.Durations;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    @DisplayName("a written duration is in the toolkit's syntax and reads back equal, down to a nanosecond")
    void writtenDurationsReadBack() {
        assertThat(DurationText.format(Duration.ofHours(24))).isEqualTo("24h");
        assertThat(DurationText.format(Duration.ofMillis(750))).isEqualTo("750ms");
        assertThat(DurationText.format(Duration.ofNanos(1500))).isEqualTo("0.0015ms");
        assertThat(DurationText.format(Duration.ofNanos(1))).isEqualTo("0.000001ms");
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(1500),
                Duration.ofMillis(2500), Duration.ofMinutes(90), Duration.ofDays(3), Durations.MAX}) {
            assertThat(Durations.parse(DurationText.format(d))).as(DurationText.format(d)).isEqualTo(d);
        }
    }
}
