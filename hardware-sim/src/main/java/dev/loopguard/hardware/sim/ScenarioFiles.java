package dev.loopguard.hardware.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.loopguard.core.Durations;
import dev.loopguard.hardware.Quantity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes scenario files; see docs/hardware-sim.md for the format. */
final class ScenarioFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private ScenarioFiles() {
    }

    static Scenario load(Path file) {
        String source = file.toString();
        ScenarioFormat format;
        try {
            format = ScenarioFormat.of(file);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(source, "", "the file name must end in .json, .yaml or .yml", e);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(source, "", "cannot be read: " + e, e);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, format, source, base);
    }

    static Scenario parse(String text, ScenarioFormat format, String source, Path baseDirectory) {
        java.util.Objects.requireNonNull(text, "text");
        java.util.Objects.requireNonNull(format, "format");
        java.util.Objects.requireNonNull(source, "source");
        ObjectMapper mapper = format == ScenarioFormat.JSON ? JSON : YAML;
        checkStructure(mapper, text, format, source);
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw notValid(format, source, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ScenarioException(source, "", "is empty; expected a scenario object with 'name' and 'devices'",
                    null);
        }
        return new Reader(source, baseDirectory == null ? Path.of("") : baseDirectory).scenario(root);
    }

    /**
     * Reads the file token by token before the tree is built, for what the tree would hide: a key given twice (the
     * tree keeps the last), a YAML alias (read as the anchor's name, a string), YAML's {@code .nan} and {@code .inf}
     * (which the tree reader reports without a path), and anything after the scenario's one document or object.
     */
    private static void checkStructure(ObjectMapper mapper, String text, ScenarioFormat format, String source) {
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken token = parser.nextToken();
            if (token == null) {
                return;
            }
            int depth = 0;
            do {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new ScenarioException(source, pathOf(parser.getParsingContext()), "is a YAML alias ("
                            + quote("*" + parser.getText()) + " at " + where(parser.currentTokenLocation())
                            + "); scenario files take no anchors or aliases: write the value itself", null);
                }
                if (token == JsonToken.VALUE_NUMBER_FLOAT && NOT_FINITE.matcher(parser.getText()).matches()) {
                    throw new ScenarioException(source, pathOf(parser.getParsingContext()), "must be a finite "
                            + "number (.nan and .inf are not accepted), was " + quote(parser.getText()), null);
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                }
                if (depth == 0 && (token = parser.nextToken()) != null) {
                    throw new ScenarioException(source, "", "has more after the end of the scenario at "
                            + where(parser.currentTokenLocation()) + "; a scenario file holds one "
                            + (format == ScenarioFormat.JSON ? "JSON object" : "YAML document"), null);
                }
            } while (depth > 0 && (token = parser.nextToken()) != null);
        } catch (StreamReadException e) {
            Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
            if (duplicate.find() && e.getProcessor() != null) {
                throw new ScenarioException(source, pathOf(e.getProcessor().getParsingContext()), "is given twice in the same "
                        + "mapping (the second at " + where(e.getLocation()) + "); each key may appear once", e);
            }
            throw notValid(format, source, e);
        } catch (IOException e) {
            throw new ScenarioException(source, "", "cannot be read: " + e, e);
        }
    }

    private static final Pattern NOT_FINITE = Pattern.compile("[-+]?\\.(?:nan|NaN|NAN|inf|Inf|INF)");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '");

    private static ScenarioException notValid(ScenarioFormat format, String source, JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at " + where(e.getLocation());
        return new ScenarioException(source, "", "is not valid " + format + where + ": " + e.getOriginalMessage(), e);
    }

    private static String where(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** {@code devices[0].faults[1].at}, from the parser's context at the current token. */
    private static String pathOf(JsonStreamContext context) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** {@code 'text'}, with line breaks and other control characters escaped so a message stays one line. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    static String toText(Scenario scenario, ScenarioFormat format) {
        try {
            return (format == ScenarioFormat.JSON ? JSON : YAML).writeValueAsString(Writer.scenario(scenario));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write scenario '" + scenario.name() + "' as " + format, e);
        }
    }

    static void write(Scenario scenario, Path file) {
        ScenarioFormat format = ScenarioFormat.of(file);
        try {
            Files.writeString(file, toText(scenario, format), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scenario to " + file, e);
        }
    }

    /** Tree-model reader that knows where it is, so every error names the path. */
    private static final class Reader {
        private final String source;
        private final Path base;

        Reader(String source, Path base) {
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
            String was = found instanceof JsonNode j ? (j.isTextual() ? quote(j.textValue()) : j.toString())
                    : quote(String.valueOf(found));
            return new ScenarioException(source, path, expected + ", was " + was, null);
        }

        private static String join(String path, String field) {
            return path.isEmpty() ? field : path + "." + field;
        }
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

    /** Turns a scenario into a tree that {@link Reader} reads back to an equal scenario. */
    private static final class Writer {
        private static final JsonNodeFactory F = JsonNodeFactory.instance;

        static ObjectNode scenario(Scenario s) {
            ObjectNode root = F.objectNode();
            root.put("name", s.name());
            root.put("seed", s.seed());
            if (s.plant() != null) {
                PlantSpec p = s.plant();
                ObjectNode n = root.putObject("plant");
                n.set("ambientTemperature", signal(p.ambientTemperature()));
                n.set("ambientHumidity", signal(p.ambientHumidity()));
                n.put("initialTemperature", p.initialTemperature());
                n.put("initialHumidity", p.initialHumidity());
                n.put("initialSoilMoisture", p.initialSoilMoisture());
                n.put("timeConstant", DurationText.format(p.timeConstant()));
                n.put("heaterRise", p.heaterRise());
                n.put("fanFactor", p.fanFactor());
                n.put("humidityTimeConstant", DurationText.format(p.humidityTimeConstant()));
                n.put("foggerRise", p.foggerRise());
                n.put("soilDryingTimeConstant", DurationText.format(p.soilDryingTimeConstant()));
                n.put("pumpRate", p.pumpRate());
            }
            ArrayNode devices = root.putArray("devices");
            for (DeviceSpec d : s.devices()) {
                devices.add(device(d));
            }
            return root;
        }

        static ObjectNode device(DeviceSpec d) {
            ObjectNode n = F.objectNode();
            n.put("id", d.id());
            n.put("type", d.type());
            if (d instanceof DeviceSpec.SensorSpec s) {
                putIfSet(n, "pin", s.pin());
                putIfSet(n, "bus", s.bus());
                if (s.address() != null) {
                    n.put("address", hex(s.address()));
                }
                putIfSet(n, "channel", s.channel());
                if (s.port() != null) {
                    n.put("port", s.port());
                }
                if (!s.channels().isEmpty()) {
                    ObjectNode chs = n.putObject("channels");
                    s.channels().forEach((q, c) -> {
                        ObjectNode ch = chs.putObject(q.key());
                        if (c.signal() != null) {
                            ch.set("signal", signal(c.signal()));
                        }
                        if (c.noise() != null) {
                            ch.set("noise", noise(c.noise()));
                        }
                    });
                }
                if (s.latency() != null) {
                    n.set("latency", latency(s.latency()));
                }
                if (s.minInterval() != null) {
                    n.put("minInterval", DurationText.format(s.minInterval()));
                }
                if (s.timeout() != null) {
                    n.put("timeout", DurationText.format(s.timeout()));
                }
                if (s.crcErrorRate() != null) {
                    n.put("crcErrorRate", s.crcErrorRate());
                }
                faults(n, s.faults());
            } else if (d instanceof DeviceSpec.InputSpec i) {
                n.put("pin", i.pin());
                n.put("debounce", DurationText.format(i.debounce()));
                n.put("initial", i.initial());
                if (!i.levels().isEmpty()) {
                    ArrayNode levels = n.putArray("levels");
                    for (DeviceSpec.LevelChange l : i.levels()) {
                        levels.addObject().put("at", DurationText.format(l.at())).put("level", l.level());
                    }
                }
                faults(n, i.faults());
            } else if (d instanceof DeviceSpec.OutputSpec o) {
                n.put("pin", o.pin());
                if (o.relay()) {
                    n.put("activeLow", o.activeLow());
                }
                if (o.drives() != null) {
                    n.put("drives", o.drives().key());
                }
            } else if (d instanceof DeviceSpec.PwmSpec p) {
                n.put("pin", p.pin());
                n.put("frequency", p.frequency());
                n.put("dutyCycle", p.dutyCycle());
                if (p.drives() != null) {
                    n.put("drives", p.drives().key());
                }
            } else if (d instanceof DeviceSpec.I2cSpec c) {
                n.put("bus", c.bus());
                n.put("address", hex(c.address()));
                ObjectNode regs = n.putObject("registers");
                c.registers().forEach((r, v) -> regs.put(hex(r), hex(v)));
            }
            return n;
        }

        static void faults(ObjectNode n, List<FaultSpec> faults) {
            if (faults.isEmpty()) {
                return;
            }
            ArrayNode arr = n.putArray("faults");
            for (FaultSpec f : faults) {
                ObjectNode o = arr.addObject();
                o.put("type", f.type().key());
                if (f.at() != null) {
                    o.put("at", DurationText.format(f.at()));
                }
                if (f.duration() != null) {
                    o.put("duration", DurationText.format(f.duration()));
                }
                if (f.probability() != null) {
                    o.put("probability", f.probability());
                }
                if (!f.channels().isEmpty()) {
                    ArrayNode chs = o.putArray("channels");
                    f.channels().forEach(q -> chs.add(q.key()));
                }
                if (f.value() != null) {
                    o.put("value", f.value());
                }
                if (f.magnitude() != null) {
                    o.put("magnitude", f.magnitude());
                }
                if (f.ratePerHour() != null) {
                    o.put("ratePerHour", f.ratePerHour());
                }
                if (f.bounces() != null) {
                    o.put("bounces", f.bounces());
                }
                if (f.within() != null) {
                    o.put("within", DurationText.format(f.within()));
                }
            }
        }

        static JsonNode signal(SignalSpec s) {
            if (s instanceof SignalSpec.Constant c) {
                return F.numberNode(c.value()); // a bare number reads back as a constant
            }
            ObjectNode n = F.objectNode();
            if (s instanceof SignalSpec.Sine w) {
                n.put("type", "sine").put("mean", w.mean()).put("amplitude", w.amplitude())
                        .put("period", DurationText.format(w.period())).put("phase", DurationText.format(w.phase()));
            } else if (s instanceof SignalSpec.RandomWalk r) {
                n.put("type", "random-walk").put("start", r.start()).put("stepPerMinute", r.stepPerMinute())
                        .put("min", r.min()).put("max", r.max());
            } else if (s instanceof SignalSpec.Step st) {
                n.put("type", "step").put("before", st.before()).put("after", st.after())
                        .put("at", DurationText.format(st.at()));
            } else if (s instanceof SignalSpec.Ramp r) {
                n.put("type", "ramp").put("from", r.from()).put("to", r.to())
                        .put("start", DurationText.format(r.start())).put("duration", DurationText.format(r.duration()));
            } else if (s instanceof SignalSpec.Replay r) {
                n.put("type", "replay").put("file", r.file()).put("loop", r.loop());
            } else if (s instanceof SignalSpec.PlantVariable p) {
                n.put("type", "plant");
                if (p.variable() != null) {
                    n.put("variable", p.variable());
                }
            } else if (s instanceof SignalSpec.Sequence q) {
                n.put("type", "sequence");
                ArrayNode segs = n.putArray("segments");
                for (SignalSpec.Sequence.Segment seg : q.segments()) {
                    ObjectNode o = segs.addObject();
                    o.put("at", DurationText.format(seg.at()));
                    o.set("signal", signal(seg.signal()));
                }
            }
            return n;
        }

        static JsonNode noise(NoiseSpec s) {
            return F.objectNode().put("gaussian", s.gaussian()).put("driftPerHour", s.driftPerHour())
                    .put("resolution", s.resolution());
        }

        static JsonNode latency(LatencySpec l) {
            ObjectNode n = F.objectNode();
            if (l instanceof LatencySpec.Fixed f) {
                n.put("type", "fixed").put("value", DurationText.format(f.value()));
            } else if (l instanceof LatencySpec.Uniform u) {
                n.put("type", "uniform").put("min", DurationText.format(u.min())).put("max", DurationText.format(u.max()));
            } else if (l instanceof LatencySpec.Normal no) {
                n.put("type", "normal").put("mean", DurationText.format(no.mean()))
                        .put("stddev", DurationText.format(no.stddev()));
            } else if (l instanceof LatencySpec.LongTail t) {
                n.put("type", "long-tail").put("median", DurationText.format(t.median()))
                        .put("p99", DurationText.format(t.p99()));
            }
            return n;
        }

        private static void putIfSet(ObjectNode n, String field, Integer v) {
            if (v != null) {
                n.put(field, v);
            }
        }

        private static String hex(int v) {
            return String.format("0x%02x", v);
        }
    }
}
