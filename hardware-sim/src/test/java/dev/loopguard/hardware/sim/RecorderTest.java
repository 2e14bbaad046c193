package dev.loopguard.hardware.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Relay;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Duration;

import static dev.loopguard.hardware.sim.Recorder.State.state;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecorderTest {

    private static Sim heaterAndProbe() {
        return Sim.of(new DeviceSpec.OutputSpec("heater", true, 17, false, null),
                DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null)
                        .withChannel(Quantity.TEMPERATURE, new SignalSpec.Constant(21.5), NoiseSpec.NONE));
    }

    @Test
    @DisplayName("assertStates passes on the recorded sequence and explains a mismatch")
    void assertStates() {
        try (Sim sim = heaterAndProbe()) {
            Relay heater = sim.board.relay("heater");
            sim.advance(ofMinutes(1));
            heater.on();
            sim.advance(ofMinutes(10));
            heater.off();
            Recorder rec = sim.board.recorder();
            rec.assertStates("heater", false, true, false);
            assertThatThrownBy(() -> rec.assertStates("heater", false, true))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("states of 'heater' differ:\n  expected [false, true]\n"
                            + "  recorded [off@PT0S, on@PT1M, off@PT11M]");
        }
    }

    @Test
    @DisplayName("assertStatesAndTimes accepts times within the tolerance and names the first one outside it")
    void assertStatesAndTimes() {
        try (Sim sim = heaterAndProbe()) {
            Relay heater = sim.board.relay("heater");
            sim.advance(ofSeconds(61));
            heater.on();
            Recorder rec = sim.board.recorder();
            rec.assertStatesAndTimes("heater", ofSeconds(1), state(Duration.ZERO, false), state(ofMinutes(1), true));
            assertThatThrownBy(() -> rec.assertStatesAndTimes("heater", ofMillis(500), state(Duration.ZERO, false),
                    state(ofMinutes(1), true)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("state #1 of 'heater': expected on at PT1M (+/- PT0.5S), recorded on at "
                            + "PT1M1S");
            assertThatThrownBy(() -> rec.assertStatesAndTimes("heater", ofSeconds(1), state(Duration.ZERO, false)))
                    .hasMessageStartingWith("'heater' went through 2 states, expected 1:");
            assertThatThrownBy(() -> rec.assertStatesAndTimes("heater", ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("assertStatesAndTimes tolerance must be >= 0, was PT-1S");
        }
    }

    @Test
    @DisplayName("the timeline exports as CSV and JSON with times, devices, kinds, values and units")
    void exports() throws Exception {
        try (Sim sim = heaterAndProbe()) {
            sim.read(sim.board.sensor("probe"), ofMillis(750));
            sim.board.relay("heater").on();
            String csv = sim.board.recorder().toCsv();
            assertThat(csv.lines()).containsExactly(
                    "at_seconds,timestamp,device,kind,name,value,unit,detail",
                    "0,2026-01-01T00:00:00Z,heater,actuation,state,0.0,,initial",
                    "0.75,2026-01-01T00:00:00.750Z,probe,reading,temperature,21.5,C,",
                    "0.75,2026-01-01T00:00:00.750Z,heater,actuation,state,1.0,,pin high");
            StringWriter json = new StringWriter();
            sim.board.recorder().writeJson(json);
            JsonNode events = new ObjectMapper().readTree(json.toString());
            assertThat(events).hasSize(3);
            assertThat(events.get(1).get("atSeconds").asDouble()).isEqualTo(0.75);
            assertThat(events.get(1).get("device").asText()).isEqualTo("probe");
            assertThat(events.get(1).get("kind").asText()).isEqualTo("reading");
            assertThat(events.get(1).get("value").asDouble()).isEqualTo(21.5);
            assertThat(events.get(1).get("unit").asText()).isEqualTo("C");
        }
    }
}
