package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioFilesTest {

    static Path example(String name) {
        try {
            return Path.of(ScenarioFilesTest.class.getResource("/scenarios/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("the documented greenhouse scenario reads the same from YAML and from JSON")
    void yamlAndJsonExamplesAgree() {
        Scenario yaml = Scenario.load(example("greenhouse.yaml"));
        Scenario json = Scenario.load(example("greenhouse.json"));
        assertThat(json).isEqualTo(yaml);
        assertThat(yaml.devices()).hasSize(11);
        assertThat(yaml.device("air")).get().isInstanceOfSatisfying(DeviceSpec.SensorSpec.class,
                s -> assertThat(s.address()).isEqualTo(0x44));
        assertThat(yaml.plant().ambientTemperature()).isInstanceOfSatisfying(SignalSpec.Replay.class,
                r -> assertThat(r.points()).hasSize(9));
    }

    @Test
    @DisplayName("a scenario written as YAML or JSON reads back equal")
    void roundTripOfTheExample(@TempDir Path dir) throws IOException {
        Files.copy(example("outside.csv"), dir.resolve("outside.csv"));
        Scenario original = Scenario.load(example("greenhouse.yaml"));
        for (String name : List.of("copy.yaml", "copy.json", "copy.yml")) {
            Path file = dir.resolve(name);
            original.write(file);
            assertThat(Scenario.load(file)).as(name).isEqualTo(original);
        }
    }

    @Test
    @DisplayName("every signal, latency, fault and device kind survives a round trip")
    void roundTripOfEverything(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("series.csv");
        Files.writeString(csv, "0s,1\n10s,2\n");
        SignalSpec.Replay replay = SignalSpec.Replay.fromCsv(csv, "series.csv", false);
        FaultSpec[] sensorFaults = {
            FaultSpec.scripted(FaultSpec.Type.TIMEOUT, ofMinutes(1), ofSeconds(5)),
            FaultSpec.random(FaultSpec.Type.IO_ERROR, 0.01),
            new FaultSpec(FaultSpec.Type.CRC_ERROR, ofHours(1), ofHours(1), 0.5, null, null, null, null, null, null),
            FaultSpec.scripted(FaultSpec.Type.STUCK, ofMinutes(3), null),
            new FaultSpec(FaultSpec.Type.NAN, ofMinutes(4), ofSeconds(1), null, List.of(Quantity.HUMIDITY), null,
                    null, null, null, null),
            new FaultSpec(FaultSpec.Type.SENTINEL, ofMinutes(5), ofSeconds(1), null, null, -999.0, null, null, null,
                    null),
            new FaultSpec(FaultSpec.Type.SPIKE, null, null, 0.02, null, null, 5.5, null, null, null),
            FaultSpec.scripted(FaultSpec.Type.DISCONNECT, ofMinutes(10), ofSeconds(30)),
            new FaultSpec(FaultSpec.Type.PARTIAL, ofMinutes(20), ofMillis(1500), null, List.of(Quantity.HUMIDITY),
                    null, null, null, null, null),
            new FaultSpec(FaultSpec.Type.DEGRADATION, ofHours(2), null, null, null, null, null, -0.25, null, null),
        };
        DeviceSpec.SensorSpec dht = new DeviceSpec.SensorSpec("dht", SensorModel.DHT22, 24, null, null, null, null,
                Map.of(Quantity.TEMPERATURE, new DeviceSpec.ChannelSpec(new SignalSpec.Sequence(List.of(
                                new SignalSpec.Sequence.Segment(Duration.ZERO, new SignalSpec.Constant(1.5)),
                                new SignalSpec.Sequence.Segment(ofHours(1), new SignalSpec.Sine(20, 3, ofHours(24),
                                        ofHours(9))))), new NoiseSpec(0.3, 0.01, 0.1))),
                new LatencySpec.Fixed(ofMillis(30)),
                ofSeconds(3), ofSeconds(7), 0.125, List.of(sensorFaults));
        dht = dht.withChannel(Quantity.HUMIDITY, new SignalSpec.RandomWalk(50, 0.2, 20, 90), null);
        Scenario scenario = new Scenario("everything", -12345, PlantSpec.defaults(), List.of(
                dht,
                DeviceSpec.SensorSpec.of("probe", SensorModel.DS18B20, null)
                        .withChannel(Quantity.TEMPERATURE, new SignalSpec.PlantVariable("ambientTemperature"), null)
                        .withLatency(new LatencySpec.Uniform(ofMillis(700), ofMillis(800))),
                new DeviceSpec.SensorSpec("env", SensorModel.BME280, null, 0, 0x77, null, null,
                        Map.of(Quantity.PRESSURE, new DeviceSpec.ChannelSpec(
                                new SignalSpec.Step(100_000, 99_000, ofHours(3)), null)),
                        new LatencySpec.Normal(ofMillis(10), ofMillis(2)), null, null, null, List.of()),
                new DeviceSpec.SensorSpec("lux", SensorModel.BH1750, null, null, null, null, null,
                        Map.of(Quantity.LIGHT, new DeviceSpec.ChannelSpec(
                                new SignalSpec.Ramp(0, 1000, ofHours(6), ofHours(2)), null)),
                        new LatencySpec.LongTail(ofMillis(120), ofMillis(900)), null, null, null, List.of()),
                new DeviceSpec.SensorSpec("volts", SensorModel.ADS1115, null, 1, 0x49, 3, null,
                        Map.of(Quantity.VOLTAGE, new DeviceSpec.ChannelSpec(replay, null)), null, null, null, null,
                        List.of()),
                new DeviceSpec.SensorSpec("co2", SensorModel.MHZ19, null, null, null, null, "/dev/ttyUSB0", Map.of(),
                        null, null, null, null, List.of()),
                new DeviceSpec.InputSpec("button", false, 5, ofMillis(20), true,
                        List.of(new DeviceSpec.LevelChange(ofSeconds(1), false)),
                        List.of(new FaultSpec(FaultSpec.Type.BOUNCE, null, null, 0.5, null, null, null, null, 2,
                                ofMillis(3)))),
                new DeviceSpec.OutputSpec("heater", true, 17, true, Actuator.HEATER),
                new DeviceSpec.OutputSpec("led", false, 16, false, null),
                new DeviceSpec.PwmSpec("fan", 18, 25_000, 0.25, Actuator.FAN),
                new DeviceSpec.I2cSpec("eeprom", 1, 0x50, Map.of(0, 0x2a, 255, 1))));
        for (ScenarioFormat format : ScenarioFormat.values()) {
            String text = scenario.toText(format);
            assertThat(Scenario.parse(text, format, "everything." + format, dir)).as(format + ":\n" + text)
                    .isEqualTo(scenario);
        }
    }

    static Stream<Arguments> badScenarios() {
        String head = "name: bad\ndevices:\n";
        return Stream.of(
                Arguments.of(head + """
                          - {id: a, type: ds18b20}
                          - {id: b, type: ds18b20, pin: 5}
                          - id: c
                            type: ads1115
                            signal: {type: sine, mean: 1, amplitude: 1, period: -5m}
                        """, "devices[2].signal.period",
                        "bad.yaml: devices[2].signal.period: must be a positive duration like 30s, 10m or 24h, "
                                + "was '-5m'"),
                Arguments.of(head + "  - {id: air, type: dht23, pin: 4}\n", "devices[0].type",
                        "bad.yaml: devices[0].type: must be one of ds18b20, dht22, bme280, sht3x, mhz19, bh1750, "
                                + "soil-moisture, ads1115, digital-input, float-switch, digital-output, relay, pwm, "
                                + "i2c, was 'dht23'"),
                Arguments.of(head + "  - {type: dht22, pin: 4}\n", "devices[0].id",
                        "bad.yaml: devices[0].id: is required but missing"),
                Arguments.of(head + "  - {id: air, type: dht22, pin: 31}\n", "devices[0]",
                        "bad.yaml: devices[0]: device 'air' (dht22) pin must be a BCM GPIO number 0..27, was 31"),
                Arguments.of(head + "  - {id: air, type: dht22, pin: four}\n", "devices[0].pin",
                        "bad.yaml: devices[0].pin: must be an integer (decimal, or hexadecimal like 0x76), "
                                + "was 'four'"),
                Arguments.of(head + "  - {id: heater, type: relay, pin: 17}\n  - {id: fan, type: relay, pin: 17}\n",
                        "", "bad.yaml: device 'fan' (relay) claims GPIO17, already claimed by device 'heater' "
                                + "(relay); a pin or bus address can be claimed once (only DS18B20s share a 1-Wire "
                                + "pin and only ADS1115 channels share the converter's address)"),
                Arguments.of(head + "  - {id: fan, type: pwm, pin: 18, dutyCycle: 1.5}\n", "devices[0]",
                        "bad.yaml: devices[0]: device 'fan' (pwm) dutyCycle must be in 0.0..1.0, was 1.5"),
                Arguments.of(head + "  - {id: c, type: ads1115, signal: {type: sine, mean: 1, amplitude: 1, "
                                + "periode: 1h}}\n", "devices[0].signal.periode",
                        "bad.yaml: devices[0].signal.periode: is not a known field here; expected one of "
                                + "[amplitude, mean, period, phase, type], was 'periode'"),
                Arguments.of(head + "  - id: d\n    type: dht22\n    pin: 4\n    faults:\n"
                                + "      - {type: disconnect, duration: 30s}\n", "devices[0].faults[0]",
                        "bad.yaml: devices[0].faults[0]: fault 'disconnect' needs 'at' (a scripted fault) or "
                                + "'probability' (a random fault), had neither"),
                Arguments.of(head + "  - id: d\n    type: dht22\n    pin: 4\n    faults:\n"
                                + "      - {type: unplug, at: 1m}\n", "devices[0].faults[0].type",
                        "bad.yaml: devices[0].faults[0].type: must be one of timeout, io-error, crc-error, stuck, "
                                + "nan, sentinel, spike, disconnect, partial, bounce, degradation, was 'unplug'"),
                Arguments.of(head + "  - {id: heater, type: relay, pin: 17, drives: heater}\n", "",
                        "bad.yaml: device 'heater' drives the heater, but the scenario has no plant; add a 'plant' "
                                + "section or remove 'drives'"),
                Arguments.of(head + "  - {id: c, type: ads1115, signal: {type: replay, file: missing.csv}}\n",
                        "devices[0].signal.file", null),
                Arguments.of(head + "  - {id: e, type: bme280, channels: {co2: {signal: 400}}}\n",
                        "devices[0].channels.co2",
                        "bad.yaml: devices[0].channels.co2: must be a channel of bme280: [temperature, humidity, "
                                + "pressure], was 'co2'"),
                Arguments.of("name: bad\ndevices: [\n", "", null),
                Arguments.of(head + "  - {id: d, type: dht22, pin: 4, faults: [{type: disconnect, at: 3h30m}]}\n",
                        "devices[0].faults[0].at",
                        "bad.yaml: devices[0].faults[0].at: must be a duration like 750ms, 30s, 10m, 1.5h, 1d or "
                                + "PT10M, was '3h30m'"),
                Arguments.of(head + "  - {id: d, type: dht22, pin: 4, faults: [{type: disconnect, at: 90}]}\n",
                        "devices[0].faults[0].at",
                        "bad.yaml: devices[0].faults[0].at: must be a duration like 750ms, 30s, 10m, 1.5h, 1d or "
                                + "PT10M (a bare number has no unit), was 90"),
                Arguments.of(head + "  - {id: d, type: dht22, pin: 4, faults: [{type: disconnect, "
                                + "at: 9999999999999d}]}\n", "devices[0].faults[0].at",
                        "bad.yaml: devices[0].faults[0].at: must be at most 106751 days "
                                + "(PT2562047H47M16.854775807S, the longest a loop's nanosecond clock holds, about "
                                + "292 years), was '9999999999999d'"),
                Arguments.of(head + "  - {id: d, type: dht22, pin: 4, faults: [{type: disconnect, at: 200000d}]}\n",
                        "devices[0].faults[0].at",
                        "bad.yaml: devices[0].faults[0].at: must be at most 106751 days "
                                + "(PT2562047H47M16.854775807S, the longest a loop's nanosecond clock holds, about "
                                + "292 years), was '200000d'"),
                Arguments.of(head + "  - {id: d, type: dht22, pin: 4, latency: 99999999999999999999h}\n",
                        "devices[0].latency",
                        "bad.yaml: devices[0].latency: must be at most 106751 days "
                                + "(PT2562047H47M16.854775807S, the longest a loop's nanosecond clock holds, about "
                                + "292 years), was '99999999999999999999h'"),
                Arguments.of(head + "  - {id: d, type: dht22, pin: 4, latency: {type: uniform, min: 1ms, "
                                + "max: 300000d}}\n", "devices[0].latency.max",
                        "bad.yaml: devices[0].latency.max: must be at most 106751 days "
                                + "(PT2562047H47M16.854775807S, the longest a loop's nanosecond clock holds, about "
                                + "292 years), was '300000d'"),
                Arguments.of(head + "  - {id: c, type: ads1115, signal: {type: sine, mean: 1, amplitude: 1, "
                                + "period: 200000d}}\n", "devices[0].signal.period",
                        "bad.yaml: devices[0].signal.period: must be at most 106751 days "
                                + "(PT2562047H47M16.854775807S, the longest a loop's nanosecond clock holds, about "
                                + "292 years), was '200000d'"),
                Arguments.of(head + "  - id: d\n    type: dht22\n    pin: 4\n    pin: 5\n", "devices[0].pin",
                        "bad.yaml: devices[0].pin: is given twice in the same mapping (the second at line 6, "
                                + "column 8); each key may appear once"),
                Arguments.of(head + "  - id: c\n    type: ads1115\n    signal: {type: sine, mean: .nan, "
                                + "amplitude: 1, period: 1h}\n", "devices[0].signal.mean",
                        "bad.yaml: devices[0].signal.mean: must be a finite number (.nan and .inf are not "
                                + "accepted), was '.nan'"),
                Arguments.of(head + "  - id: a\n    type: dht22\n    pin: 4\n    latency: &slow 400ms\n"
                                + "  - id: b\n    type: dht22\n    pin: 5\n    latency: *slow\n", "devices[1].latency",
                        "bad.yaml: devices[1].latency: is a YAML alias ('*slow' at line 10, column 14); scenario "
                                + "files take no anchors or aliases: write the value itself"),
                Arguments.of(head + "  - {id: a, type: relay, pin: 17}\n---\nname: second\n", "",
                        "bad.yaml: has more after the end of the scenario at line 5, column 1; a scenario file "
                                + "holds one YAML document"));
    }

    static Stream<Arguments> badJson() {
        return Stream.of(
                Arguments.of("{\"name\": \"x\", \"devices\": [], \"name\": \"y\"}", "name",
                        "bad.json: name: is given twice in the same mapping (the second at line 1, column 36); each "
                                + "key may appear once"),
                Arguments.of("{\"name\": \"x\", \"devices\": []} {\"name\": \"y\"}", "",
                        "bad.json: has more after the end of the scenario at line 1, column 30; a scenario file "
                                + "holds one JSON object"),
                Arguments.of("{\"name\": \"x\", \"devices\": []}\ngarbage", "",
                        "bad.json: is not valid JSON at line 2, column 1: Unrecognized token 'garbage': was "
                                + "expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                Arguments.of("{\"name\": \"x\", \"devices\": [{\"id\": \"d\", \"type\": \"dht22\", \"pin\": 4, "
                                + "\"faults\": [{\"type\": \"disconnect\", \"at\": \"200000d\"}]}]}",
                        "devices[0].faults[0].at",
                        "bad.json: devices[0].faults[0].at: must be at most 106751 days "
                                + "(PT2562047H47M16.854775807S, the longest a loop's nanosecond clock holds, about "
                                + "292 years), was '200000d'"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badJson")
    @DisplayName("a bad JSON scenario is rejected with the file, the path or position and what was expected")
    void badJsonIsRejected(String json, String path, String message, @TempDir Path dir) {
        assertThatThrownBy(() -> Scenario.parse(json, ScenarioFormat.JSON, "bad.json", dir))
                .isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.path()).isEqualTo(path))
                .hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badScenarios")
    @DisplayName("a bad scenario is rejected with the file, the path inside it and what was expected")
    void badScenarioIsRejected(String yaml, String path, String message, @TempDir Path dir) {
        var thrown = assertThatThrownBy(() -> Scenario.parse(yaml, ScenarioFormat.YAML, "bad.yaml", dir))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.source()).isEqualTo("bad.yaml");
                    assertThat(e.path()).isEqualTo(path);
                });
        if (message != null) {
            thrown.hasMessage(message);
        } else {
            thrown.hasMessageStartingWith("bad.yaml: ");
        }
    }

    @Test
    @DisplayName("broken YAML is reported with its line, and a missing replay file with where it was looked for")
    void syntaxAndMissingFileMessages(@TempDir Path dir) {
        assertThatThrownBy(() -> Scenario.parse("name: bad\ndevices: [\n", ScenarioFormat.YAML, "bad.yaml", dir))
                .hasMessageStartingWith("bad.yaml: is not valid YAML at line ");
        assertThatThrownBy(() -> Scenario.parse("{\"name\": \"x\", \"devices\": [}", ScenarioFormat.JSON, "x.json",
                dir)).hasMessageStartingWith("x.json: is not valid JSON at line 1, column ");
        assertThatThrownBy(() -> Scenario.parse("name: m\ndevices:\n  - {id: c, type: ads1115, signal: {type: replay,"
                + " file: missing.csv}}\n", ScenarioFormat.YAML, "m.yaml", dir))
                .hasMessage("m.yaml: devices[0].signal.file: must name a readable CSV file (relative to the scenario "
                        + "file), but " + dir.resolve("missing.csv").toAbsolutePath() + " cannot be read, was "
                        + "'missing.csv'");
    }

    @Test
    @DisplayName("loading a file names the file, and an unknown extension is refused")
    void fileNames(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("board.yaml");
        Files.writeString(bad, "name: b\ndevices:\n  - {id: x, type: relay, pin: 99}\n");
        assertThatThrownBy(() -> Scenario.load(bad))
                .hasMessage(bad + ": devices[0]: device 'x' (relay) pin must be a BCM GPIO number 0..27, was 99");
        Path txt = dir.resolve("board.txt");
        Files.writeString(txt, "name: b\ndevices: []\n");
        assertThatThrownBy(() -> Scenario.load(txt))
                .hasMessage(txt + ": the file name must end in .json, .yaml or .yml");
    }
}
