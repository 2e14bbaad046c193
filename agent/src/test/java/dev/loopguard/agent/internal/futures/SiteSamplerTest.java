package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SiteSamplerTest {

    @Test
    void sampledTracksEveryFutureOfARareSiteThenOneInSixtyFour() {
        SiteSampler sampler = new SiteSampler(TrackingLevel.SAMPLED);
        int tracked = 0;
        for (int i = 0; i < SiteSampler.FIRST_TRACKED; i++) {
            assertThat(sampler.track(3)).isTrue();
        }
        for (int i = 0; i < 64 * 100; i++) {
            if (sampler.track(3)) {
                tracked++;
            }
        }
        assertThat(tracked).isEqualTo(100);
        assertThat(sampler.track(4)).as("another site starts from its own count").isTrue();
    }

    @Test
    void fullTracksEverythingAndOffNothing() {
        SiteSampler full = new SiteSampler(TrackingLevel.FULL);
        SiteSampler off = new SiteSampler(TrackingLevel.OFF);
        for (int i = 0; i < 1000; i++) {
            assertThat(full.track(i % 7)).isTrue();
            assertThat(off.track(i % 7)).isFalse();
        }
    }

    @Test
    void sitesBeyondTheInitialCapacityAreCounted() {
        SiteSampler sampler = new SiteSampler(TrackingLevel.SAMPLED);
        assertThat(sampler.track(100_000)).isTrue();
    }

    @Test
    void theLevelIsParsedAndABadValueNamesTheOption() {
        assertThat(TrackingLevel.parse("Sampled")).isEqualTo(TrackingLevel.SAMPLED);
        assertThatThrownBy(() -> TrackingLevel.parse("most"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tasks must be one of off|sampled|full, was 'most'");
    }
}
