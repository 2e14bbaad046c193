package dev.loopguard.agent.internal.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.loopguard.agent.internal.RecordingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EarlyMonitorSamplerTest {

    /**
     * The stack of a thread that was notified and waits to take its monitor back, as this JDK shows it, is a wait's
     * re-entry, not a contended {@code synchronized}: on JDK 21 and later the innermost frame is {@code wait0}.
     */
    @Test
    void aThreadTakingItsMonitorBackAfterWaitIsAWaitReentry() throws Exception {
        Object lock = new Object();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            synchronized (lock) {
                waiting.countDown();
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "waiter");
        waiter.start();
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        StackTraceElement[] reentry;
        synchronized (lock) {
            // The waiter released the lock inside wait(); this thread holds it now, so after the notify the waiter
            // is BLOCKED taking it back until this block ends.
            await().atMost(Duration.ofSeconds(30)).until(() -> waiter.getState() == Thread.State.WAITING);
            lock.notifyAll();
            await().atMost(Duration.ofSeconds(30)).until(() -> waiter.getState() == Thread.State.BLOCKED);
            reentry = waiter.getStackTrace();
        }
        waiter.join(30_000);

        assertThat(EarlyMonitorSampler.isWaitReentry(reentry)).as(Arrays.toString(reentry)).isTrue();
    }

    @Test
    void aContendedSynchronizedBlockIsNoWaitReentry() throws Exception {
        Object lock = new Object();
        Thread contender = new Thread(() -> {
            synchronized (lock) {
                lock.hashCode();
            }
        }, "contender");
        StackTraceElement[] blocked;
        synchronized (lock) {
            contender.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> contender.getState() == Thread.State.BLOCKED);
            blocked = contender.getStackTrace();
        }
        contender.join(30_000);

        assertThat(EarlyMonitorSampler.isWaitReentry(blocked)).as(Arrays.toString(blocked)).isFalse();
        assertThat(EarlyMonitorSampler.isWaitReentry(new StackTraceElement[0])).isFalse();
    }

    /**
     * The stream delivers the events of its first flush before it stops the sampler, so the event of an entry that
     * ended a moment before can arrive while no tick has seen it end yet: the sampler still watches it, will report
     * it, and the stream must skip it. (FirstMomentsIT once counted such an entry twice.)
     */
    @Test
    void anEntryATickHasNotSeenEndIsOneTheStreamSkips() throws Exception {
        RecordingContext context = new RecordingContext(name -> name.startsWith("dev.loopguard"));
        context.threads().addNamePatterns(List.of("sampled-loop"));
        EarlyMonitorSampler sampler = new EarlyMonitorSampler(context, null); // nothing is reported in this test
        Object lock = new Object();
        CountDownLatch isLoop = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            context.threads().current();
            isLoop.countDown();
            synchronized (lock) {
                lock.hashCode();
            }
        }, "sampled-loop");
        Instant start;
        synchronized (lock) {
            start = Instant.now();
            loop.start();
            assertThat(isLoop.await(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> loop.getState() == Thread.State.BLOCKED);
            sampler.tick(System.nanoTime());
        }
        loop.join(30_000);
        Instant end = Instant.now();

        assertThat(sampler.reported(loop.getId(), start, end)).as("before a tick saw the entry end").isTrue();
        sampler.tick(System.nanoTime());
        assertThat(sampler.reported(loop.getId(), start, end)).as("after").isTrue();
        assertThat(sampler.reported(loop.getId(), end.plusSeconds(1), end.plusSeconds(2)))
                .as("a later entry of the same thread").isFalse();
        assertThat(sampler.reported(loop.getId() + 1, start, end)).as("another thread").isFalse();
    }

    /**
     * The stream's first delivery does not stop the sampler at once: a contention that begins just then is still seen
     * while it lasts (FirstMomentsIT once saw its second contention only as a 20 s stall). Later deliveries change
     * nothing.
     */
    @Test
    void theSamplerGoesOnForTheHandOverAfterTheStreamFirstDelivers() {
        EarlyMonitorSampler sampler = new EarlyMonitorSampler(new RecordingContext(name -> false), null);
        long hand = TimeUnit.MILLISECONDS.toNanos(EarlyMonitorSampler.HAND_OVER_MILLIS);
        long now = 123_456_789L;
        assertThat(sampler.handedOver(now)).as("before the stream delivers").isFalse();

        sampler.streamDelivers(now);
        sampler.streamDelivers(now + hand / 2); // the next flush
        assertThat(sampler.handedOver(now + hand - 1)).isFalse();
        assertThat(sampler.handedOver(now + hand)).isTrue();
    }
}
