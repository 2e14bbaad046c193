package dev.loopguard.hardware.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopguard.core.Durations;
import dev.loopguard.hardware.Quantity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scenario from the tree of a JSON or YAML file, checking every value as it goes, so that every error names
 * the file, the path inside it ({@code devices[0].faults[1].at}) and the accepted form. {@link ScenarioFiles} parses
 * the text and checks what the tree would hide (repeated keys, YAML aliases) before this reader sees it.
 */
final class ScenarioReader {
    private final String source;
    private final Path base;

    ScenarioReader(String source, Path base) {
        this.source = source;
        this.base = base;
    }

    Scenario scenario(JsonNode root) {
        object(root, "", Set.of("name", "seed", "plant", "devices"));
        String name = text(required(root, "", "name"), "name");
        long seed = root.has("seed") ? integer(root.get("seed"), "seed") : 0;
        PlantSpec plant = root.has("plant") ? plant(root.get("plant"), "plant") : null;
        JsonNode devs = required(root, "", "devices");
        if (!devs.isArray()) {
            throw error("devices", "must be a list of devices", devs);
        }
        List<DeviceSpec> devices = new ArrayList<>();
        for (int i = 0; i < devs.size(); i++) {
            devices.add(device(devs.get(i), "devices[" + i + "]", plant != null));
        }
        return build("", () -> new Scenario(name, seed, plant, devices));
    }

    PlantSpec plant(JsonNode n, String path) {
        object(n, path, Set.of("ambientTemperature", "ambientHumidity", "initialTemperature", "initialHumidity",
                "initialSoilMoisture", "timeConstant", "heaterRise", "fanFactor", "humidityTimeConstant",
                "foggerRise", "soilDryingTimeConstant", "pumpRate"));
        PlantSpec d = PlantSpec.defaults();
        SignalSpec ambientT = n.has("ambientTemperature")
                ? signal(n.get("ambientTemperature"), path + ".ambientTemperature") : d.ambientTemperature();
        SignalSpec ambientH = n.has("ambientHumidity")
                ? signal(n.get("ambientHumidity"), path + ".ambientHumidity") : d.ambientHumidity();
        double t0 = optNumber(n, path, "initialTemperature", d.initialTemperature());
        double h0 = optNumber(n, path, "initialHumidity", d.initialHumidity());
        double m0 = optNumber(n, path, "initialSoilMoisture", d.initialSoilMoisture());
        Duration tau = optDuration(n, path, "timeConstant", d.timeConstant());
        double rise = optNumber(n, path, "heaterRise", d.heaterRise());
        double fan = optNumber(n, path, "fanFactor", d.fanFactor());
        Duration tauH = optDuration(n, path, "humidityTimeConstant", d.humidityTimeConstant());
        double fog = optNumber(n, path, "foggerRise", d.foggerRise());
        Duration dry = optDuration(n, path, "soilDryingTimeConstant", d.soilDryingTimeConstant());
        double pump = optNumber(n, path, "pumpRate", d.pumpRate());
        return build(path, () -> new PlantSpec(ambientT, ambientH, t0, h0, m0, tau, rise, fan, tauH, fog, dry,
                pump));
    }

    DeviceSpec device(JsonNode n, String path, boolean hasPlant) {
        object(n, path, null);
        String id = text(required(n, path, "id"), path + ".id");
        String type = text(required(n, path, "type"), path + ".type");
        SensorModel model = SensorModel.fromKey(type);
        if (model != null) {
            return sensor(n, path, id, model);
        }
        switch (type) {
            case "digital-input", "float-switch" -> {
                object(n, path, Set.of("id", "type", "pin", "debounce", "initial", "levels", "faults"));
                int pin = (int) integer(required(n, path, "pin"), path + ".pin");
                Duration debounce = optDuration(n, path, "debounce",
                        type.equals("float-switch") ? Duration.ofMillis(100) : Duration.ZERO);
                boolean initial = n.has("initial") && bool(n.get("initial"), path + ".initial");
                List<DeviceSpec.LevelChange> levels = list(n, path, "levels", (e, p) -> {
                    object(e, p, Set.of("at", "level"));
                    Duration at = duration(required(e, p, "at"), p + ".at");
                    boolean level = bool(required(e, p, "level"), p + ".level");
                    return build(p, () -> new DeviceSpec.LevelChange(at, level));
                });
                List<FaultSpec> faults = list(n, path, "faults", this::fault);
                return build(path, () -> new DeviceSpec.InputSpec(id, type.equals("float-switch"), pin, debounce,
                        initial, levels, faults));
            }
            case "digital-output", "relay" -> {
                object(n, path, type.equals("relay") ? Set.of("id", "type", "pin", "activeLow", "drives")
                        : Set.of("id", "type", "pin", "drives"));
                int pin = (int) integer(required(n, path, "pin"), path + ".pin");
                boolean activeLow = n.has("activeLow") && bool(n.get("activeLow"), path + ".activeLow");
                Actuator drives = n.has("drives") ? actuator(n.get("drives"), path + ".drives") : null;
                return build(path, () -> new DeviceSpec.OutputSpec(id, type.equals("relay"), pin, activeLow,
                        drives));
            }
            case "pwm" -> {
                object(n, path, Set.of("id", "type", "pin", "frequency", "dutyCycle", "drives"));
                int pin = (int) integer(required(n, path, "pin"), path + ".pin");
                double frequency = optNumber(n, path, "frequency", 1000);
                double duty = optNumber(n, path, "dutyCycle", 0);
                Actuator drives = n.has("drives") ? actuator(n.get("drives"), path + ".drives") : null;
                return build(path, () -> new DeviceSpec.PwmSpec(id, pin, frequency, duty, drives));
            }
            case "i2c" -> {
                object(n, path, Set.of("id", "type", "bus", "address", "registers"));
                int bus = n.has("bus") ? (int) integer(n.get("bus"), path + ".bus") : 1;
                int address = (int) integer(required(n, path, "address"), path + ".address");
                Map<Integer, Integer> registers = new LinkedHashMap<>();
                if (n.has("registers")) {
                    JsonNode regs = n.get("registers");
                    object(regs, path + ".registers", null);
                    for (Map.Entry<String, JsonNode> e : regs.properties()) {
                        String p = path + ".registers." + e.getKey();
                        int reg;
                        try {
                            reg = parseInteger(e.getKey());
                        } catch (NumberFormatException ex) {
                            throw error(p, "register names must be numbers like 0x0f or 15", e.getKey());
                        }
                        registers.put(reg, (int) integer(e.getValue(), p));
                    }
                }
                return build(path, () -> new DeviceSpec.I2cSpec(id, bus, address, registers));
            }
            default -> throw error(path + ".type", "must be one of " + SensorModel.keys()
                    + ", digital-input, float-switch, digital-output, relay, pwm, i2c", type);
        }
    }

    DeviceSpec sensor(JsonNode n, String path, String id, SensorModel model) {
        object(n, path, Set.of("id", "type", "pin", "bus", "address", "channel", "port", "signal", "noise",
                "channels", "latency", "minInterval", "timeout", "crcErrorRate", "faults"));
        Integer pin = n.has("pin") ? (int) integer(n.get("pin"), path + ".pin") : null;
        Integer bus = n.has("bus") ? (int) integer(n.get("bus"), path + ".bus") : null;
        Integer address = n.has("address") ? (int) integer(n.get("address"), path + ".address") : null;
        Integer channel = n.has("channel") ? (int) integer(n.get("channel"), path + ".channel") : null;
        String port = n.has("port") ? text(n.get("port"), path + ".port") : null;
        Map<Quantity, DeviceSpec.ChannelSpec> channels = new LinkedHashMap<>();
        if (n.has("signal") || n.has("noise")) {
            if (n.has("channels")) {
                throw error(path, "takes either 'signal'/'noise' (for its first channel) or 'channels', not both",
                        "both");
            }
            SignalSpec s = n.has("signal") ? signal(n.get("signal"), path + ".signal") : null;
            NoiseSpec no = n.has("noise") ? noise(n.get("noise"), path + ".noise") : null;
            channels.put(model.quantities().get(0), new DeviceSpec.ChannelSpec(s, no));
        }
        if (n.has("channels")) {
            JsonNode chs = n.get("channels");
            object(chs, path + ".channels", null);
            for (Map.Entry<String, JsonNode> e : chs.properties()) {
                String p = path + ".channels." + e.getKey();
                Quantity q = null;
                for (Quantity candidate : model.quantities()) {
                    if (candidate.key().equals(e.getKey())) {
                        q = candidate;
                    }
                }
                if (q == null) {
                    throw error(p, "must be a channel of " + model.key() + ": "
                            + model.quantities().stream().map(Quantity::key).toList(), e.getKey());
                }
                object(e.getValue(), p, Set.of("signal", "noise"));
                SignalSpec s = e.getValue().has("signal") ? signal(e.getValue().get("signal"), p + ".signal")
                        : null;
                NoiseSpec no = e.getValue().has("noise") ? noise(e.getValue().get("noise"), p + ".noise") : null;
                channels.put(q, new DeviceSpec.ChannelSpec(s, no));
            }
        }
        LatencySpec latency = n.has("latency") ? latency(n.get("latency"), path + ".latency") : null;
        Duration minInterval = n.has("minInterval") ? duration(n.get("minInterval"), path + ".minInterval") : null;
        Duration timeout = n.has("timeout") ? duration(n.get("timeout"), path + ".timeout") : null;
        Double crc = n.has("crcErrorRate") ? number(n.get("crcErrorRate"), path + ".crcErrorRate") : null;
        List<FaultSpec> faults = list(n, path, "faults", this::fault);
        return build(path, () -> new DeviceSpec.SensorSpec(id, model, pin, bus, address, channel, port, channels,
                latency, minInterval, timeout, crc, faults));
    }

    SignalSpec signal(JsonNode n, String path) {
        if (n.isNumber()) {
            return build(path, () -> new SignalSpec.Constant(n.doubleValue()));
        }
        object(n, path, null);
        String type = text(required(n, path, "type"), path + ".type");
        switch (type) {
            case "constant" -> {
                object(n, path, Set.of("type", "value"));
                double v = number(required(n, path, "value"), path + ".value");
                return build(path, () -> new SignalSpec.Constant(v));
            }
            case "sine" -> {
                object(n, path, Set.of("type", "mean", "amplitude", "period", "phase"));
                double mean = number(required(n, path, "mean"), path + ".mean");
                double amplitude = number(required(n, path, "amplitude"), path + ".amplitude");
                Duration period = positive(required(n, path, "period"), path + ".period");
                Duration phase = optDuration(n, path, "phase", Duration.ZERO);
                return build(path, () -> new SignalSpec.Sine(mean, amplitude, period, phase));
            }
            case "random-walk" -> {
                object(n, path, Set.of("type", "start", "stepPerMinute", "min", "max"));
                double start = number(required(n, path, "start"), path + ".start");
                double step = number(required(n, path, "stepPerMinute"), path + ".stepPerMinute");
                double min = number(required(n, path, "min"), path + ".min");
                double max = number(required(n, path, "max"), path + ".max");
                return build(path, () -> new SignalSpec.RandomWalk(start, step, min, max));
            }
            case "step" -> {
                object(n, path, Set.of("type", "before", "after", "at"));
                double before = number(required(n, path, "before"), path + ".before");
                double after = number(required(n, path, "after"), path + ".after");
                Duration at = duration(required(n, path, "at"), path + ".at");
                return build(path, () -> new SignalSpec.Step(before, after, at));
            }
            case "ramp" -> {
                object(n, path, Set.of("type", "from", "to", "start", "duration"));
                double from = number(required(n, path, "from"), path + ".from");
                double to = number(required(n, path, "to"), path + ".to");
                Duration start = optDuration(n, path, "start", Duration.ZERO);
                Duration duration = positive(required(n, path, "duration"), path + ".duration");
                return build(path, () -> new SignalSpec.Ramp(from, to, start, duration));
            }
            case "replay" -> {
                object(n, path, Set.of("type", "file", "loop"));
                String file = text(required(n, path, "file"), path + ".file");
                boolean loop = n.has("loop") && bool(n.get("loop"), path + ".loop");
                Path csv = base.resolve(file);
                if (!Files.isReadable(csv)) {
                    throw error(path + ".file", "must name a readable CSV file (relative to the scenario file), "
                            + "but " + csv.toAbsolutePath() + " cannot be read", file);
                }
                return build(path + ".file", () -> SignalSpec.Replay.fromCsv(csv, file, loop));
            }
            case "plant" -> {
                object(n, path, Set.of("type", "variable"));
                String variable = n.has("variable") ? text(n.get("variable"), path + ".variable") : null;
                return build(path, () -> new SignalSpec.PlantVariable(variable));
            }
            case "sequence" -> {
                object(n, path, Set.of("type", "segments"));
                List<SignalSpec.Sequence.Segment> segments = list(n, path, "segments", (e, p) -> {
                    object(e, p, Set.of("at", "signal"));
                    Duration at = duration(required(e, p, "at"), p + ".at");
                    SignalSpec s = signal(required(e, p, "signal"), p + ".signal");
                    return build(p, () -> new SignalSpec.Sequence.Segment(at, s));
                });
                return build(path, () -> new SignalSpec.Sequence(segments));
            }
            default -> throw error(path + ".type",
                    "must be one of constant, sine, random-walk, step, ramp, replay, plant, sequence", type);
        }
    }

    NoiseSpec noise(JsonNode n, String path) {
        object(n, path, Set.of("gaussian", "driftPerHour", "resolution"));
        double g = optNumber(n, path, "gaussian", 0);
        double drift = optNumber(n, path, "driftPerHour", 0);
        double res = optNumber(n, path, "resolution", 0);
        return build(path, () -> new NoiseSpec(g, drift, res));
    }

    LatencySpec latency(JsonNode n, String path) {
        if (n.isTextual() || n.isNumber()) {
            Duration d = duration(n, path);
            return build(path, () -> new LatencySpec.Fixed(d));
        }
        object(n, path, null);
        String type = text(required(n, path, "type"), path + ".type");
        switch (type) {
            case "fixed" -> {
                object(n, path, Set.of("type", "value"));
                Duration v = duration(required(n, path, "value"), path + ".value");
                return build(path, () -> new LatencySpec.Fixed(v));
            }
            case "uniform" -> {
                object(n, path, Set.of("type", "min", "max"));
                Duration min = duration(required(n, path, "min"), path + ".min");
                Duration max = duration(required(n, path, "max"), path + ".max");
                return build(path, () -> new LatencySpec.Uniform(min, max));
            }
            case "normal" -> {
                object(n, path, Set.of("type", "mean", "stddev"));
                Duration mean = duration(required(n, path, "mean"), path + ".mean");
                Duration sd = duration(required(n, path, "stddev"), path + ".stddev");
                return build(path, () -> new LatencySpec.Normal(mean, sd));
            }
            case "long-tail" -> {
                object(n, path, Set.of("type", "median", "p99"));
                Duration median = positive(required(n, path, "median"), path + ".median");
                Duration p99 = positive(required(n, path, "p99"), path + ".p99");
                return build(path, () -> new LatencySpec.LongTail(median, p99));
            }
            default -> throw error(path + ".type", "must be one of fixed, uniform, normal, long-tail", type);
        }
    }

    FaultSpec fault(JsonNode n, String path) {
        object(n, path, Set.of("type", "at", "duration", "probability", "channels", "value", "magnitude",
                "ratePerHour", "bounces", "within"));
        String typeText = text(required(n, path, "type"), path + ".type");
        FaultSpec.Type type;
        try {
            type = FaultSpec.Type.fromKey(typeText);
        } catch (IllegalArgumentException e) {
            throw error(path + ".type", "must be one of " + FaultSpec.Type.keys(), typeText);
        }
        Duration at = n.has("at") ? duration(n.get("at"), path + ".at") : null;
        Duration duration = n.has("duration") ? positive(n.get("duration"), path + ".duration") : null;
        Double probability = n.has("probability") ? number(n.get("probability"), path + ".probability") : null;
        List<Quantity> channels = list(n, path, "channels", (e, p) -> {
            String key = text(e, p);
            try {
                return Quantity.fromKey(key);
            } catch (IllegalArgumentException ex) {
                throw error(p, ex.getMessage().replaceFirst(", was.*", ""), key);
            }
        });
        Double value = n.has("value") ? number(n.get("value"), path + ".value") : null;
        Double magnitude = n.has("magnitude") ? number(n.get("magnitude"), path + ".magnitude") : null;
        Double rate = n.has("ratePerHour") ? number(n.get("ratePerHour"), path + ".ratePerHour") : null;
        Integer bounces = n.has("bounces") ? (int) integer(n.get("bounces"), path + ".bounces") : null;
        Duration within = n.has("within") ? positive(n.get("within"), path + ".within") : null;
        return build(path, () -> new FaultSpec(type, at, duration, probability, channels, value, magnitude, rate,
                bounces, within));
    }

    Actuator actuator(JsonNode n, String path) {
        String key = text(n, path);
        try {
            return Actuator.fromKey(key);
        } catch (IllegalArgumentException e) {
            throw error(path, "must be one of " + Actuator.keys(), key);
        }
    }

    // ---- typed access with paths ----

    void object(JsonNode n, String path, Set<String> allowed) {
        if (!n.isObject()) {
            throw error(path.isEmpty() ? "(document)" : path, "must be an object", n);
        }
        if (allowed != null) {
            Iterator<String> names = n.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw error(join(path, name), "is not a known field here; expected one of "
                            + new java.util.TreeSet<>(allowed), name);
                }
            }
        }
    }

    JsonNode required(JsonNode n, String path, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new ScenarioException(source, join(path, field), "is required but missing", null);
        }
        return v;
    }

    String text(JsonNode n, String path) {
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw error(path, "must be a non-empty string", n);
        }
        return n.textValue();
    }

    double number(JsonNode n, String path) {
        if (!n.isNumber()) {
            throw error(path, "must be a number", n);
        }
        if (!Double.isFinite(n.doubleValue())) {
            throw error(path, "must be a finite number", n);
        }
        return n.doubleValue();
    }

    long integer(JsonNode n, String path) {
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isTextual()) {
            try {
                return parseInteger(n.textValue());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw error(path, "must be an integer (decimal, or hexadecimal like 0x76)", n);
    }

    boolean bool(JsonNode n, String path) {
        if (!n.isBoolean()) {
            throw error(path, "must be true or false", n);
        }
        return n.booleanValue();
    }

    /** A duration in the toolkit's one syntax ({@link Durations#parse}); a bare number has no unit. */
    Duration duration(JsonNode n, String path) {
        if (n.isTextual()) {
            try {
                return Durations.parse(n.textValue());
            } catch (IllegalArgumentException e) {
                // The parser's message already ends with the value: "must be ..., was '3h30m'".
                throw new ScenarioException(source, path, e.getMessage(), e);
            }
        }
        // Not text: let the parser word the refusal, so that every message names the same accepted forms.
        String shown = n.isNumber() ? n.asText() : n.toString();
        try {
            Durations.parse(shown);
        } catch (IllegalArgumentException e) {
            String hint = n.isNumber() ? " (a bare number has no unit)" : "";
            throw new ScenarioException(source, path, e.getMessage().replace(", was '" + shown + "'",
                    hint + ", was " + shown), e);
        }
        throw error(path, "must be a duration written as text", n);
    }

    Duration positive(JsonNode n, String path) {
        Duration d;
        try {
            d = duration(n, path);
        } catch (ScenarioException e) {
            if (e.getMessage().contains("must be at most")) {
                throw e;
            }
            throw error(path, "must be a positive duration like 30s, 10m or 24h", n);
        }
        if (d.isZero()) {
            throw error(path, "must be a positive duration like 30s, 10m or 24h", n);
        }
        return d;
    }

    double optNumber(JsonNode n, String path, String field, double fallback) {
        return n.has(field) ? number(n.get(field), join(path, field)) : fallback;
    }

    Duration optDuration(JsonNode n, String path, String field, Duration fallback) {
        return n.has(field) ? duration(n.get(field), join(path, field)) : fallback;
    }

    <T> List<T> list(JsonNode n, String path, String field, ElementReader<T> reader) {
        if (!n.has(field)) {
            return List.of();
        }
        JsonNode arr = n.get(field);
        String p = join(path, field);
        if (!arr.isArray()) {
            throw error(p, "must be a list", arr);
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            out.add(reader.read(arr.get(i), p + "[" + i + "]"));
        }
        return out;
    }

    <T> T build(String path, java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ScenarioException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ScenarioException(source, path, e.getMessage(), e);
        }
    }

    ScenarioException error(String path, String expected, Object found) {
        String was = found instanceof JsonNode j ? (j.isTextual() ? ScenarioFiles.quote(j.textValue()) : j.toString())
                : ScenarioFiles.quote(String.valueOf(found));
        return new ScenarioException(source, path, expected + ", was " + was, null);
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    @FunctionalInterface
    private interface ElementReader<T> {
        T read(JsonNode node, String path);
    }

    static int parseInteger(String text) {
        String t = text.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Integer.parseInt(t.substring(2), 16);
        }
        return Integer.parseInt(t);
    }
}
