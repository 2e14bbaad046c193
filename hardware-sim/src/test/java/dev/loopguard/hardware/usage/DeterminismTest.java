package dev.loopguard.hardware.usage;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.VirtualClock;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.Sensor;
import dev.loopguard.hardware.sim.Scenario;
import dev.loopguard.hardware.sim.SimulatedBoard;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {

    private static Scenario greenhouse() {
        try {
            return Scenario.load(Path.of(DeterminismTest.class.getResource("/scenarios/greenhouse.yaml").toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A thermostat plus reads of every sensor every 10 s, for {@code length}; returns the recording as CSV. */
    private static String run(Scenario scenario, Duration length) {
        return run(scenario, length, true);
    }

    private static String run(Scenario scenario, Duration length, boolean readAllSensors) {
        VirtualClock clock = VirtualClock.create();
        EventLoop loop = EventLoop.builder().name("day").clock(clock).build();
        try (SimulatedBoard board = SimulatedBoard.start(scenario, loop)) {
            new Thermostat(board.sensor("air"), board.relay("heater"), loop, 18, 0.5, ofSeconds(30), ofSeconds(5), 2)
                    .start();
            List<Sensor> others = List.of(board.sensor("backup-air"), board.sensor("soil"), board.sensor("co2"),
                    board.sensor("light"));
            loop.scheduleAtFixedRate(() -> {
                for (Sensor s : readAllSensors ? others : List.<Sensor>of()) {
                    CompletionStage<Reading> stage = s.read();
                    stage.exceptionally(e -> null); // failures are on the timeline already
                }
            }, 0, 10, TimeUnit.SECONDS);
            board.driveInput("tank-low", false);
            clock.advanceBy(length);
            return board.recorder().toCsv();
        } finally {
            loop.shutdownGracefully();
        }
    }

    @Test
    @DisplayName("the same scenario and seed give the same timeline, event for event; another seed does not")
    void sameSeedSameTimeline() {
        String first = run(greenhouse(), ofHours(6));
        String second = run(greenhouse(), ofHours(6));
        assertThat(first.lines().count()).isGreaterThan(10_000);
        assertThat(second).isEqualTo(first);
        assertThat(run(greenhouse().withSeed(2027), ofHours(6))).isNotEqualTo(first);
    }

    @Test
    @DisplayName("a simulated day of the greenhouse runs on virtual time (real time is written to target/)")
    void simulatedDay() throws IOException {
        run(greenhouse(), ofHours(1)); // warm up class loading and JIT so the figure reflects the simulation
        long start = System.nanoTime();
        String thermostatOnly = run(greenhouse(), ofHours(24), false);
        Duration realThermostat = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        String csv = run(greenhouse(), ofHours(24));
        Duration real = Duration.ofNanos(System.nanoTime() - start);
        long events = csv.lines().count() - 1;
        String report = "simulated 24 h of greenhouse.yaml: thermostat alone (read every 30 s): "
                + (thermostatOnly.lines().count() - 1) + " recorded events in " + realThermostat.toMillis()
                + " ms of real time; thermostat plus 4 more sensors read every 10 s: " + events
                + " recorded events in " + real.toMillis() + " ms of real time";
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "simulated-day.txt"), report + "\n");
        assertThat(csv).contains(",reading,co2,").contains(",fault,disconnect,").contains(",actuation,state,");
        assertThat(csv.lines().filter(l -> l.contains(",tank-low,input,state,1.0,")).count())
                .as("the float switch rises once at 8 h despite bouncing").isEqualTo(1);
    }
}
