package dev.loopguard.agent.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    @Test
    void formatsLikeJavaTimeWithMillisecondsInUtc() {
        SplittableRandom random = new SplittableRandom(42);
        long from = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochMilli(random.nextLong(from, to + 1));
            assertThat(IsoInstant.format(instant)).as("epoch ms %d", instant.toEpochMilli())
                    .isEqualTo(MILLIS.format(instant));
        }
    }

    @Test
    void handlesCalendarEdges() {
        assertThat(IsoInstant.format(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(IsoInstant.format(Instant.parse("2024-02-29T23:59:59.999Z"))).isEqualTo("2024-02-29T23:59:59.999Z");
        assertThat(IsoInstant.format(Instant.parse("2000-03-01T00:00:00Z"))).isEqualTo("2000-03-01T00:00:00.000Z");
        assertThat(IsoInstant.format(Instant.parse("1969-12-31T23:59:59.001Z"))).isEqualTo("1969-12-31T23:59:59.001Z");
        assertThat(IsoInstant.format(Instant.parse("2026-11-21T22:29:48.123456789Z")))
                .as("sub-millisecond digits are cut, not rounded")
                .isEqualTo("2026-11-21T22:29:48.123Z");
        assertThat(IsoInstant.format(Instant.parse("2026-11-21T22:29:48Z").plus(999, ChronoUnit.MILLIS)))
                .isEqualTo("2026-11-21T22:29:48.999Z");
    }
}
