package dev.loopguard.hardware.sim;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as scenario files and messages write them, in the toolkit's one syntax
 * ({@link dev.loopguard.core.Durations#parse}), so that a written scenario reads back equal.
 */
final class DurationText {

    private DurationText() {
    }

    /**
     * The largest of {@code h}, {@code m}, {@code s} and {@code ms} that represents {@code d} exactly ({@code 10m},
     * {@code 750ms}), or decimal milliseconds below that ({@code 1.5ms}, {@code 0.000001ms}).
     */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        // hours are the largest unit: "24h" and "48h" read better than "1d" and "2d" for daily cycles
        long[] per = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L};
        String[] names = {"h", "m", "s", "ms"};
        for (int i = 0; i < per.length; i++) {
            if (nanos % per[i] == 0) {
                return nanos / per[i] + names[i];
            }
        }
        return BigDecimal.valueOf(nanos).movePointLeft(6).stripTrailingZeros().toPlainString() + "ms";
    }
}
