package dev.loopguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * When another thread schedules a task, the loop is woken only if the task is due before the loop's own timed
 * wake-up: a thread starting thousands of timed reads must not pay a wake-up (and the loop a spin round) for each.
 */
class EventLoopWakeUpTest {

    /** The system clock, counting the reads made on the loop's thread: each round of the loop makes at least one. */
    private static final class LoopThreadReads extends LoopClock {
        final AtomicReference<Thread> loopThread = new AtomicReference<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public long nanoTime() {
            if (Thread.currentThread() == loopThread.get()) {
                reads.incrementAndGet();
            }
            return System.nanoTime();
        }

        @Override
        public Instant instant() {
            return Instant.now();
        }

        @Override
        public boolean isVirtual() {
            return false;
        }
    }

    private final LoopThreadReads clock = new LoopThreadReads();
    private final EventLoop loop = EventLoop.builder().name("timed-wake-up").clock(clock).build();

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    @Test
    @DisplayName("tasks scheduled from another thread for after the loop's timed wake-up leave the parked loop asleep")
    void laterTasksDoNotWakeTheLoop() throws Exception {
        Thread loopThread = loop.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
        clock.loopThread.set(loopThread);
        loop.schedule(() -> { }, Duration.ofMinutes(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> loopThread.getState() == Thread.State.TIMED_WAITING);
        int readsWhileParked = clock.reads.get();

        for (int i = 0; i < 50; i++) {
            loop.schedule(() -> { }, Duration.ofMinutes(11));
        }

        assertThat(clock.reads.get()).as("clock reads on the loop thread; a wake-up makes one")
                .isEqualTo(readsWhileParked);
        assertThat(loopThread.getState()).isEqualTo(Thread.State.TIMED_WAITING);

        // A task due before the loop's wake-up still wakes it at once, and the later ones were queued, not lost.
        CountDownLatch sooner = new CountDownLatch(1);
        loop.schedule(sooner::countDown, Duration.ofMillis(1));
        assertThat(sooner.await(30, TimeUnit.SECONDS)).isTrue();
        List<Runnable> unrun = loop.shutdownNow();
        assertThat(unrun).hasSize(51);
    }
}
