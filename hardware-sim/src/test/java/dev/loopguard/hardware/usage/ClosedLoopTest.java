package dev.loopguard.hardware.usage;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Relay;
import dev.loopguard.hardware.sim.Actuator;
import dev.loopguard.hardware.sim.DeviceSpec;
import dev.loopguard.hardware.sim.FaultSpec;
import dev.loopguard.hardware.sim.GreenhousePlant;
import dev.loopguard.hardware.sim.PlantSpec;
import dev.loopguard.hardware.sim.RecordedEvent;
import dev.loopguard.hardware.sim.Recorder;
import dev.loopguard.hardware.sim.Scenario;
import dev.loopguard.hardware.sim.SensorModel;
import dev.loopguard.hardware.sim.SimulatedBoard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

/** Controllers on the greenhouse plant, on virtual time, through the public API only. */
class ClosedLoopTest {
    private final VirtualClock clock = VirtualClock.create();
    private final EventLoop loop = EventLoop.builder().name("greenhouse").clock(clock).build();
    private SimulatedBoard board;

    @AfterEach
    void close() {
        if (board != null) {
            board.close();
        }
        loop.shutdownGracefully();
    }

    /** Plant temperature sampled once a minute: index i is minute i. */
    private List<Double> sampleEveryMinute() {
        List<Double> samples = new ArrayList<>();
        GreenhousePlant plant = board.plant().orElseThrow();
        loop.scheduleAtFixedRate(() -> samples.add(plant.temperature()), 0, 1, TimeUnit.MINUTES);
        return samples;
    }

    private Scenario thermostatScenario(FaultSpec... faults) {
        DeviceSpec.SensorSpec air = DeviceSpec.SensorSpec.of("air", SensorModel.DS18B20, null);
        for (FaultSpec f : faults) {
            air = air.withFault(f);
        }
        return new Scenario("thermostat", 11, PlantSpec.defaults(),
                List.of(air, new DeviceSpec.OutputSpec("heater", true, 17, true, Actuator.HEATER)));
    }

    private Thermostat thermostat() {
        Thermostat t = new Thermostat(board.sensor("air"), board.relay("heater"), loop, 20, 0.5, ofSeconds(30),
                ofSeconds(5), 2);
        t.start();
        return t;
    }

    private static boolean stateAt(List<Recorder.State> states, Duration at) {
        return states.stream().filter(s -> s.at().compareTo(at) <= 0).reduce((a, b) -> b).orElseThrow().state();
    }

    private static List<Double> between(List<Double> minutes, Duration from, Duration to) {
        return minutes.subList((int) from.toMinutes(), (int) to.toMinutes());
    }

    @Test
    @DisplayName("a thermostat reaches 20 C within 15 minutes and then holds it within 1 C without chattering")
    void thermostatReachesAndHolds() {
        board = SimulatedBoard.start(thermostatScenario(), loop);
        thermostat();
        List<Double> t = sampleEveryMinute();
        clock.advanceBy(ofHours(6));

        int reached = 0;
        while (t.get(reached) < 19.5) {
            reached++;
        }
        assertThat(reached).as("minutes to reach the band").isLessThanOrEqualTo(15);
        assertThat(between(t, ofMinutes(30), ofHours(6))).allSatisfy(v -> assertThat(v).isBetween(19.0, 21.0));

        List<Recorder.State> states = board.recorder().states("heater");
        assertThat(states.get(0).state()).isFalse();
        assertThat(states.get(1).state()).isTrue();
        assertThat(states.size()).as("heater switchings in 6 h").isBetween(10, 200);
        for (int i = 2; i < states.size(); i++) {
            assertThat(states.get(i).at().minus(states.get(i - 1).at())).as("time between switchings")
                    .isGreaterThanOrEqualTo(ofMinutes(1));
        }
    }

    @Test
    @DisplayName("when its sensor disconnects the thermostat turns the heater off, and recovers when it comes back")
    void thermostatDegradesSafely() {
        board = SimulatedBoard.start(thermostatScenario(
                FaultSpec.scripted(FaultSpec.Type.DISCONNECT, ofHours(3), ofHours(1))), loop);
        Thermostat thermostat = thermostat();
        List<Double> t = sampleEveryMinute();
        clock.advanceBy(ofHours(6));

        List<Recorder.State> states = board.recorder().states("heater");
        List<Recorder.State> duringOutage = states.stream()
                .filter(s -> s.at().compareTo(ofHours(3)) >= 0 && s.at().compareTo(ofHours(4)) < 0).toList();
        assertThat(duringOutage).as("no switching on while the sensor is gone").noneMatch(Recorder.State::state);
        assertThat(stateAt(states, ofHours(3).plusSeconds(90))).as("off within two failed reads").isFalse();
        assertThat(thermostat.safeStops()).isEqualTo(stateAt(states, ofHours(3)) ? 1 : 0);
        assertThat(t.get(240)).as("cooled toward ambient by the end of the outage").isLessThan(13.0);
        assertThat(board.recorder().events("air", RecordedEvent.Kind.FAULT)).extracting(RecordedEvent::detail)
                .contains("power-on reset value 85.0 after reconnecting");
        assertThat(between(t, ofMinutes(4 * 60 + 30), ofHours(6))).allSatisfy(v -> assertThat(v)
                .isBetween(19.0, 21.0));
    }

    @Test
    @DisplayName("a sensor that hangs is caught by the thermostat's own timeout and the heater goes off")
    void thermostatTimesOutHungSensor() {
        board = SimulatedBoard.start(thermostatScenario(
                FaultSpec.scripted(FaultSpec.Type.TIMEOUT, ofMinutes(5), ofMinutes(30))), loop);
        Relay heater = board.relay("heater");
        Thermostat thermostat = new Thermostat(board.sensor("air"), heater, loop, 20, 0.5, ofSeconds(30),
                ofSeconds(5), 2);
        thermostat.start();
        clock.advanceBy(ofMinutes(5));
        assertThat(heater.isOn()).as("heating up at 5 min").isTrue();
        clock.advanceBy(ofSeconds(60));
        assertThat(heater.isOn()).as("two reads timed out").isFalse();
        assertThat(thermostat.safeStops()).isEqualTo(1);
        clock.advanceBy(ofMinutes(40));
        assertThat(heater.isOn()).as("heating again after the sensor answers").isTrue();
    }

    @Test
    @DisplayName("a PI controller on a PWM heater settles at 22 C within 30 minutes with under 0.5 C overshoot")
    void piControllerSettles() {
        Scenario s = new Scenario("pi", 5, PlantSpec.defaults(), List.of(
                DeviceSpec.SensorSpec.of("air", SensorModel.SHT3X, null),
                new DeviceSpec.PwmSpec("heater", 12, 100, 0, Actuator.HEATER)));
        board = SimulatedBoard.start(s, loop);
        new PiController(board.sensor("air"), board.pwm("heater"), loop, 22, 0.25, ofMinutes(10), ofSeconds(10))
                .start();
        List<Double> t = sampleEveryMinute();
        clock.advanceBy(ofHours(4));
        assertThat(t.get(30)).isBetween(21.5, 22.5);
        assertThat(t.stream().mapToDouble(Double::doubleValue).max().orElseThrow()).isLessThan(22.5);
        assertThat(between(t, ofHours(1), ofHours(4))).allSatisfy(v -> assertThat(v).isBetween(21.75, 22.25));
    }

    @Test
    @DisplayName("a PI controller cuts the heater to 0 when its sensor fails")
    void piControllerFailsSafe() {
        Scenario s = new Scenario("pi", 5, PlantSpec.defaults(), List.of(
                DeviceSpec.SensorSpec.of("air", SensorModel.SHT3X, null)
                        .withFault(FaultSpec.scripted(FaultSpec.Type.NAN, ofHours(1), ofMinutes(30))),
                new DeviceSpec.PwmSpec("heater", 12, 100, 0, Actuator.HEATER)));
        board = SimulatedBoard.start(s, loop);
        var heater = board.pwm("heater");
        new PiController(board.sensor("air"), heater, loop, 22, 0.25, ofMinutes(10), ofSeconds(10)).start();
        clock.advanceBy(ofHours(1));
        assertThat(heater.dutyCycle()).isBetween(0.5, 0.8);
        clock.advanceBy(ofSeconds(11));
        assertThat(heater.dutyCycle()).isZero();
        assertThat(board.plant().orElseThrow().input(Actuator.HEATER)).isZero();
        clock.advanceBy(ofMinutes(45));
        assertThat(heater.dutyCycle()).isPositive();
    }
}
