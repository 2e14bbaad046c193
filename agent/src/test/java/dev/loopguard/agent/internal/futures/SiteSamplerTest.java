package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SiteSamplerTest {

    private static final int PERIOD = SamplingWindow.WIDTH * SiteSampler.ONE_IN;

    @Test
    void sampledTracksEveryFutureOfARareSiteThenThoseCreatedWhileTheWindowIsOpen() {
        SiteSampler sampler = new SiteSampler(TrackingLevel.SAMPLED, new SamplingWindow());
        for (int i = 0; i < SiteSampler.FIRST_TRACKED; i++) {
            assertThat(sampler.track(3)).isTrue();
        }
        int tracked = 0;
        int firstTrackedAgain = -1;
        for (int i = SiteSampler.FIRST_TRACKED; i < PERIOD * 10; i++) {
            if (sampler.track(3)) {
                tracked++;
                firstTrackedAgain = firstTrackedAgain < 0 ? i : firstTrackedAgain;
            }
        }
        assertThat(firstTrackedAgain).as("the next window opens one period after the first").isEqualTo(PERIOD);
        assertThat(tracked).as("1 in %d on average", SiteSampler.ONE_IN).isEqualTo(9 * SamplingWindow.WIDTH);
        assertThat(sampler.track(4)).as("another site starts from its own count, window or not").isTrue();
    }

    @Test
    void theWindowIsSharedSoThatEverySiteAndTaskFollowingSampleAtTheSameTime() {
        SamplingWindow window = new SamplingWindow();
        SiteSampler futures = new SiteSampler(TrackingLevel.SAMPLED, window);
        SiteSampler other = new SiteSampler(TrackingLevel.SAMPLED, window);
        for (int i = 0; i < SiteSampler.FIRST_TRACKED; i++) {
            futures.track(1); // site 1 becomes hot, and the shared window is past its open part
            other.track(2);
        }
        assertThat(futures.track(1)).isFalse();
        assertThat(other.track(2)).isFalse();
        for (int i = 2 * SiteSampler.FIRST_TRACKED + 2; i < PERIOD; i++) {
            window.open();
        }
        assertThat(futures.track(1)).as("the window opened for both").isTrue();
        assertThat(other.track(2)).isTrue();
    }

    @Test
    void fullTracksEverythingAndOffNothing() {
        SiteSampler full = new SiteSampler(TrackingLevel.FULL, new SamplingWindow());
        SiteSampler off = new SiteSampler(TrackingLevel.OFF, new SamplingWindow());
        for (int i = 0; i < 1000; i++) {
            assertThat(full.track(i % 7)).isTrue();
            assertThat(off.track(i % 7)).isFalse();
        }
    }

    @Test
    void sitesBeyondTheInitialCapacityAreCounted() {
        SiteSampler sampler = new SiteSampler(TrackingLevel.SAMPLED, new SamplingWindow());
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
