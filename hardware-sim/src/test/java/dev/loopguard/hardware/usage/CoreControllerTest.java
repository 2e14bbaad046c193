package dev.loopguard.hardware.usage;

import dev.loopguard.core.Controller;
import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.Sensor;
import dev.loopguard.hardware.sim.Actuator;
import dev.loopguard.hardware.sim.DeviceSpec;
import dev.loopguard.hardware.sim.PlantSpec;
import dev.loopguard.hardware.sim.Scenario;
import dev.loopguard.hardware.sim.SensorModel;
import dev.loopguard.hardware.sim.SimulatedBoard;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulated board under core's {@link ControllerRunner}, with both kinds of controller step. */
class CoreControllerTest {

    /** Plain step: the runner offloads it, so the blocking driver call is fine. */
    private static final class BlockingThermostat implements Controller {
        private final Sensor sensor;
        private final Relay heater;

        BlockingThermostat(Sensor sensor, Relay heater) {
            this.sensor = sensor;
            this.heater = heater;
        }

        @Override
        public void loop() {
            double t = sensor.readBlocking().value(Quantity.TEMPERATURE);
            if (t < 19.5) {
                heater.on();
            } else if (t > 20.5) {
                heater.off();
            }
        }
    }

    /** Asynchronous step: runs on the loop thread and never blocks it. */
    private static final class AsyncFogger implements Controller {
        private final Sensor sensor;
        private final Relay fogger;

        AsyncFogger(Sensor sensor, Relay fogger) {
            this.sensor = sensor;
            this.fogger = fogger;
        }

        @Override
        public CompletionStage<Void> loopAsync() {
            return sensor.read().thenAccept((Reading r) -> {
                double h = r.value(Quantity.HUMIDITY);
                if (h < 75) {
                    fogger.on();
                } else if (h > 85) {
                    fogger.off();
                }
            });
        }
    }

    @Test
    @DisplayName("plain and asynchronous controllers under ControllerRunner drive the greenhouse on virtual time")
    void runnerOnVirtualTime() throws Exception {
        VirtualClock clock = VirtualClock.create();
        EventLoop loop = EventLoop.builder().name("runner").clock(clock).build();
        Scenario scenario = new Scenario("runner", 3, PlantSpec.defaults(), List.of(
                DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null),
                DeviceSpec.SensorSpec.of("air", SensorModel.SHT3X, null),
                new DeviceSpec.OutputSpec("heater", true, 17, false, Actuator.HEATER),
                new DeviceSpec.OutputSpec("fogger", true, 27, false, Actuator.FOGGER)));
        try (SimulatedBoard board = SimulatedBoard.start(scenario, loop)) {
            ControllerRunner runner = ControllerRunner.on(loop)
                    .register("thermostat", new BlockingThermostat(board.sensor("probe"), board.relay("heater")),
                            ofSeconds(30))
                    .register("fogger", new AsyncFogger(board.sensor("air"), board.relay("fogger")), ofMinutes(1));
            var started = runner.startAll();
            clock.advanceBy(ofSeconds(1));
            started.get(10, TimeUnit.SECONDS);
            clock.advanceBy(ofHours(3));
            assertThat(board.plant().orElseThrow().temperature()).isBetween(19.0, 21.0);
            assertThat(board.plant().orElseThrow().humidity()).isBetween(73.0, 87.0);
            assertThat(board.recorder().states("heater").size()).isGreaterThan(3);
            var stopped = runner.stopAll();
            clock.advanceBy(ofSeconds(1));
            stopped.get(10, TimeUnit.SECONDS);
        } finally {
            loop.shutdownGracefully();
        }
    }
}
