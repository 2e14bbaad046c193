package dev.loopguard.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theApplicationsShareOfAStallIsItsDurationTimesTheShareOfSamplesShowingApplicationCodeAtWork() {
        assertThat(StallWatchdog.applicationShare(400 * MS, 8, 8)).isEqualTo(400 * MS);
        assertThat(StallWatchdog.applicationShare(400 * MS, 8, 2)).isEqualTo(100 * MS);
        assertThat(StallWatchdog.applicationShare(200 * MS, 8, 0)).isZero();
    }

    @Test
    void aStallWithNoSampleHasNoOwnShare() {
        assertThat(StallWatchdog.applicationShare(400 * MS, 0, 0)).isZero();
    }
}
