package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A simulated board: its devices with their signals, noise, latency and fault timelines, an optional greenhouse
 * plant, and the seed all randomness derives from. Load one from a file with {@link #load(Path)} or build it in
 * code; write it back with {@link #write(Path)}.
 *
 * @param name    a name for reports
 * @param seed    the seed; the same seed and the same operations give the same timeline
 * @param plant   the greenhouse plant, or {@code null} for none
 * @param devices the devices, ids unique
 */
public record Scenario(String name, long seed, PlantSpec plant, List<DeviceSpec> devices) {

    /** Validates the scenario as a whole: unique ids, no resource claimed twice, plant references resolvable. */
    public Scenario {
        Objects.requireNonNull(name, "name");
        devices = List.copyOf(Objects.requireNonNull(devices, "devices"));
        Map<String, DeviceSpec> ids = new HashMap<>();
        Map<String, DeviceSpec> claims = new HashMap<>();
        Map<Actuator, DeviceSpec> drivers = new HashMap<>();
        for (DeviceSpec d : devices) {
            Objects.requireNonNull(d, "device");
            DeviceSpec same = ids.putIfAbsent(d.id(), d);
            if (same != null) {
                throw new IllegalArgumentException("device id '" + d.id() + "' is declared twice; ids must be unique");
            }
            for (String claim : d.claims()) {
                DeviceSpec holder = claims.get(claim);
                if (holder != null && !shareable(holder, d, claim)) {
                    throw new IllegalArgumentException("device '" + d.id() + "' (" + d.type() + ") claims "
                            + claim + ", already claimed by device '" + holder.id() + "' (" + holder.type()
                            + "); a pin or bus address can be claimed once (only DS18B20s share a 1-Wire pin and "
                            + "only ADS1115 channels share the converter's address)");
                }
                claims.putIfAbsent(claim, d);
            }
            Actuator drives = d instanceof DeviceSpec.OutputSpec o ? o.drives()
                    : d instanceof DeviceSpec.PwmSpec p ? p.drives() : null;
            if (drives != null) {
                if (plant == null) {
                    throw new IllegalArgumentException("device '" + d.id() + "' drives the " + drives.key()
                            + ", but the scenario has no plant; add a 'plant' section or remove 'drives'");
                }
                DeviceSpec other = drivers.putIfAbsent(drives, d);
                if (other != null) {
                    throw new IllegalArgumentException("devices '" + other.id() + "' and '" + d.id()
                            + "' both drive the " + drives.key() + "; each plant input takes one device");
                }
            }
            if (d instanceof DeviceSpec.SensorSpec s && plant == null) {
                for (Map.Entry<Quantity, DeviceSpec.ChannelSpec> e : s.channels().entrySet()) {
                    if (usesPlant(e.getValue().signal())) {
                        throw new IllegalArgumentException("device '" + d.id() + "' channel " + e.getKey().key()
                                + " follows the plant, but the scenario has no plant; add a 'plant' section");
                    }
                }
            }
        }
    }

    /** A scenario without a plant. */
    public static Scenario of(String name, long seed, DeviceSpec... devices) {
        return new Scenario(name, seed, null, List.of(devices));
    }

    /** The plant, if the scenario has one. */
    public Optional<PlantSpec> plantSpec() {
        return Optional.ofNullable(plant);
    }

    /** The device with {@code id}, if declared. */
    public Optional<DeviceSpec> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** A copy with {@code device} added. */
    public Scenario withDevice(DeviceSpec device) {
        List<DeviceSpec> copy = new ArrayList<>(devices);
        copy.add(device);
        return new Scenario(name, seed, plant, copy);
    }

    /** A copy with another seed. */
    public Scenario withSeed(long seed) {
        return new Scenario(name, seed, plant, devices);
    }

    /** A copy with {@code plant}. */
    public Scenario withPlant(PlantSpec plant) {
        return new Scenario(name, seed, plant, devices);
    }

    /**
     * Loads a scenario from a {@code .json}, {@code .yaml} or {@code .yml} file. Replay files are resolved
     * relative to it.
     *
     * @throws ScenarioException naming the file, the path inside it and what was expected
     */
    public static Scenario load(Path file) {
        return ScenarioFiles.load(file);
    }

    /**
     * Parses scenario text. {@code source} names it in error messages and decides the format by its extension;
     * replay files are resolved against {@code baseDirectory}.
     *
     * @throws ScenarioException naming the source, the path inside it and what was expected
     */
    public static Scenario parse(String text, ScenarioFormat format, String source, Path baseDirectory) {
        return ScenarioFiles.parse(text, format, source, baseDirectory);
    }

    /** Writes the scenario to a file, in the format its extension names. */
    public void write(Path file) {
        ScenarioFiles.write(this, file);
    }

    /** The scenario as text in {@code format}. */
    public String toText(ScenarioFormat format) {
        return ScenarioFiles.toText(this, format);
    }

    private static boolean shareable(DeviceSpec a, DeviceSpec b, String claim) {
        if (a instanceof DeviceSpec.SensorSpec sa && b instanceof DeviceSpec.SensorSpec sb
                && sa.model().bus() == sb.model().bus() && !claim.contains("channel")) {
            return sa.model().bus() == SensorModel.Bus.ONE_WIRE || sa.model().bus() == SensorModel.Bus.ADC;
        }
        return false;
    }

    private static boolean usesPlant(SignalSpec s) {
        if (s instanceof SignalSpec.PlantVariable) {
            return true;
        }
        if (s instanceof SignalSpec.Sequence seq) {
            return seq.segments().stream().anyMatch(seg -> usesPlant(seg.signal()));
        }
        return false;
    }
}
