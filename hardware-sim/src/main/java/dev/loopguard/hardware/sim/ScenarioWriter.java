package dev.loopguard.hardware.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** Turns a scenario into a tree that {@link ScenarioReader} reads back to an equal scenario. */
final class ScenarioWriter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ScenarioWriter() {
    }

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
