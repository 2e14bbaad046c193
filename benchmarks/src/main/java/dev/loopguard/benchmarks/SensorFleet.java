package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import dev.loopguard.hardware.Sensor;
import dev.loopguard.hardware.sim.FixedLatencySensor;
import dev.loopguard.hardware.sim.ReadTimer;
import java.time.Duration;

/**
 * N simulated sensors whose reads one {@link EventLoop} on the real-time clock completes after L: the latency comes
 * from a scheduled task, so no thread sleeps for it and nothing but the loop's timer limits how many reads can be in
 * flight at once. The sensors share one {@link ReadTimer} of {@link #TIMER_RESOLUTION}: the reads due at the same
 * 10 µs tick are completed by one task, so a read takes L rounded up to the tick (at most 10 µs more, never less),
 * and the loop pays one scheduled task per tick instead of one per read. Every gather benchmark reads from a fleet
 * like this, so they all wait on the same kind of I/O and differ only in how they wait.
 */
final class SensorFleet implements AutoCloseable {

    /** The value every sensor reads; the benchmarks check it, so a wrong reading cannot pass unnoticed. */
    static final double TEMPERATURE = 21.5;

    /**
     * The step read deadlines are rounded up to: 1% of the shortest latency measured, and short enough that a
     * tick collects about a hundred reads when one thread starts them as fast as it can.
     */
    static final Duration TIMER_RESOLUTION = Duration.ofNanos(10_000);

    private final EventLoop loop;
    private final Sensor[] sensors;

    SensorFleet(int n, int latencyMillis) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, was " + n);
        }
        if (latencyMillis < 1) {
            throw new IllegalArgumentException("latencyMillis must be >= 1, was " + latencyMillis);
        }
        loop = EventLoop.builder().name("bench-sensor-timer").build();
        ReadTimer timer = ReadTimer.on(loop, TIMER_RESOLUTION);
        sensors = new Sensor[n];
        for (int i = 0; i < n; i++) {
            sensors[i] = FixedLatencySensor.on(timer, "sensor-" + i, Duration.ofMillis(latencyMillis), TEMPERATURE);
        }
    }

    Sensor[] sensors() {
        return sensors;
    }

    @Override
    public void close() {
        for (Sensor sensor : sensors) {
            sensor.close();
        }
        loop.close();
    }
}
