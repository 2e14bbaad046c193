package dev.loopguard.agent.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class SiteSamplerTest {

    @Test
    void sampledTracksEveryFutureOfARareSiteThenThoseCreatedWhileTheWindowIsOpen() {
        SamplingWindow window = new SamplingWindow();
        SiteSampler sampler = new SiteSampler(TrackingLevel.SAMPLED, window);
        for (int i = 0; i < SiteSampler.FIRST_TRACKED; i++) {
            assertThat(sampler.track(3)).isTrue();
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(sampler.track(3)).as("past its first futures, a site is tracked only in windows").isFalse();
        }
        window.set(true);
        assertThat(sampler.track(3)).isTrue();
        window.set(false);
        assertThat(sampler.track(3)).isFalse();
        assertThat(sampler.track(4)).as("another site starts from its own count, window or not").isTrue();
    }

    @Test
    void theWindowIsSharedSoThatEverySiteAndTaskFollowingSampleAtTheSameTime() {
        SamplingWindow window = new SamplingWindow();
        SiteSampler futures = new SiteSampler(TrackingLevel.SAMPLED, window);
        SiteSampler other = new SiteSampler(TrackingLevel.SAMPLED, window);
        for (int i = 0; i < SiteSampler.FIRST_TRACKED; i++) {
            futures.track(1);
            other.track(2);
        }
        assertThat(futures.track(1)).isFalse();
        assertThat(other.track(2)).isFalse();
        window.set(true);
        assertThat(futures.track(1)).as("the window opened for both").isTrue();
        assertThat(other.track(2)).isTrue();
    }

    @Test
    void sitesPastTheirFirstFuturesArePublishedSoThatTheBridgeDecidesThem() {
        SiteSampler sampler = new SiteSampler(TrackingLevel.SAMPLED, new SamplingWindow());
        java.util.concurrent.atomic.AtomicReference<boolean[]> published = new java.util.concurrent.atomic.AtomicReference<>();
        sampler.publishTo(published::set);
        boolean[] first = published.get();
        for (int i = 0; i < SiteSampler.FIRST_TRACKED - 1; i++) {
            sampler.track(5);
        }
        assertThat(first[5]).as("still one of its first futures to come").isFalse();
        sampler.track(5);
        assertThat(first[5]).isTrue();
        for (int i = 0; i < SiteSampler.FIRST_TRACKED; i++) {
            sampler.track(1000); // beyond the array: a new one is published, with both marks
        }
        assertThat(published.get()).isNotSameAs(first);
        assertThat(published.get()[5]).isTrue();
        assertThat(published.get()[1000]).isTrue();
    }

    @Test
    void theStartedWindowIsOpenOneInSixtyFourOfTheTime() {
        SamplingWindow window = new SamplingWindow();
        assertThat(SamplingWindow.PERIOD_MILLIS).isEqualTo(SamplingWindow.OPEN_MILLIS * SiteSampler.ONE_IN);
        window.start();
        try {
            // It opens at once, and closes again: both seen within a bound, never by sleeping a fixed time.
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofNanos(100_000))
                    .until(window::isOpen);
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofNanos(100_000))
                    .until(() -> !window.isOpen());
        } finally {
            window.stop();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !window.isOpen()); // closed once stopped
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
