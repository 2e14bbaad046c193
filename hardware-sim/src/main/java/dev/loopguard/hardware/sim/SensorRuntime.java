package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Measurement;
import dev.loopguard.hardware.Quantity;
import dev.loopguard.hardware.Reading;
import dev.loopguard.hardware.SensorException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated sensor hardware: signals, noise, latency, faults and the model's quirks. Every random draw of a
 * read happens in {@link #plan}, in the order reads are started, so a seed gives the same timeline whichever thread
 * later completes the read.
 */
final class SensorRuntime {
    enum Outcome { VALUES, TIMEOUT, DISCONNECTED, IO_ERROR, CRC_ERROR }

    /** Everything decided when a read starts. */
    record Plan(long latencyNanos, Outcome outcome, double[] noise, List<FaultSpec> valueFaults, double[] spikeSigns,
                boolean powerOnValue, Reading cached) {
    }

    private static final double NANOS_PER_HOUR = 3600e9;

    final DeviceSpec.SensorSpec spec;
    private final SimulatedBoard board;
    private final SplittableRandom random;
    private final List<Quantity> quantities;
    private final SignalSource[] signals;
    private final NoiseSpec[] noise;
    private final LatencySampler latency;
    private final long minIntervalNanos;
    private final long timeoutNanos;
    private final double crcErrorRate;
    private final double[][] stuckSnapshots;
    private double[] lastValues;
    private Reading lastReading;
    private long lastReadStart = Long.MIN_VALUE;
    private boolean wasDisconnected;

    SensorRuntime(DeviceSpec.SensorSpec spec, SimulatedBoard board, GreenhousePlant plant, SplittableRandom random) {
        this.spec = spec;
        this.board = board;
        this.random = random;
        SensorModel model = spec.model();
        this.quantities = model.quantities();
        this.signals = new SignalSource[quantities.size()];
        this.noise = new NoiseSpec[quantities.size()];
        for (int i = 0; i < quantities.size(); i++) {
            Quantity q = quantities.get(i);
            DeviceSpec.ChannelSpec ch = spec.channels().get(q);
            SignalSpec signal = ch != null && ch.signal() != null ? ch.signal() : defaultSignal(model, q, plant);
            this.signals[i] = SignalSource.of(signal, q, plant, random.split());
            this.noise[i] = ch != null && ch.noise() != null ? ch.noise() : model.noise(q);
        }
        this.latency = new LatencySampler(spec.latency() != null ? spec.latency() : model.latency());
        this.minIntervalNanos = (spec.minInterval() != null ? spec.minInterval() : model.minInterval()).toNanos();
        this.timeoutNanos = (spec.timeout() != null ? spec.timeout() : DeviceSpec.SensorSpec.DEFAULT_TIMEOUT).toNanos();
        this.crcErrorRate = spec.crcErrorRate() != null ? spec.crcErrorRate() : model.crcErrorRate();
        this.stuckSnapshots = new double[spec.faults().size()][];
    }

    private static SignalSpec defaultSignal(SensorModel model, Quantity q, GreenhousePlant plant) {
        boolean plantHasIt = q == Quantity.TEMPERATURE || q == Quantity.HUMIDITY || q == Quantity.MOISTURE;
        if (plant != null && plantHasIt) {
            return new SignalSpec.PlantVariable(null);
        }
        return new SignalSpec.Constant(model.typical(q));
    }

    String id() {
        return spec.id();
    }

    List<Quantity> quantities() {
        return quantities;
    }

    Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    String describe() {
        return "sensor '" + spec.id() + "' (" + spec.model().key() + ")";
    }

    synchronized Plan plan() {
        long now = board.clock().nanoTime();
        if (minIntervalNanos > 0 && lastReading != null && now - lastReadStart < minIntervalNanos) {
            board.recorder().record(spec.id(), RecordedEvent.Kind.FAULT, "rate-limit", Double.NaN, "",
                    "read again within " + DurationText.format(Duration.ofNanos(minIntervalNanos))
                            + "; the " + spec.model().key() + " returns its previous values");
            return new Plan(0, Outcome.VALUES, null, List.of(), null, false, lastReading);
        }
        lastReadStart = now;
        Duration t = Duration.ofNanos(now - board.startNanos());
        long latencyNanos = latency.sampleNanos(random);
        double[] draws = new double[quantities.size()];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = Randoms.gaussian(random);
        }
        Outcome outcome = Outcome.VALUES;
        List<FaultSpec> valueFaults = new ArrayList<>();
        List<FaultSpec> faults = spec.faults();
        double[] spikeSigns = new double[faults.size()];
        for (int i = 0; i < faults.size(); i++) {
            FaultSpec f = faults.get(i);
            boolean hit = f.windowContains(t) && (f.probability() == null || random.nextDouble() < f.probability());
            if (f.type() == FaultSpec.Type.STUCK && !hit) {
                stuckSnapshots[i] = null;
            }
            if (!hit) {
                continue;
            }
            board.recorder().record(spec.id(), RecordedEvent.Kind.FAULT, f.type().key(), Double.NaN, "",
                    describeFault(f));
            switch (f.type()) {
                case TIMEOUT -> outcome = Outcome.TIMEOUT;
                case DISCONNECT -> outcome = moreSevere(outcome, Outcome.DISCONNECTED);
                case IO_ERROR -> outcome = moreSevere(outcome, Outcome.IO_ERROR);
                case CRC_ERROR -> outcome = moreSevere(outcome, Outcome.CRC_ERROR);
                default -> {
                    if (f.type() == FaultSpec.Type.SPIKE) {
                        spikeSigns[i] = random.nextBoolean() ? 1 : -1;
                    }
                    valueFaults.add(f);
                }
            }
        }
        if (crcErrorRate > 0 && random.nextDouble() < crcErrorRate) {
            board.recorder().record(spec.id(), RecordedEvent.Kind.FAULT, FaultSpec.Type.CRC_ERROR.key(), Double.NaN,
                    "", "checksum mismatch drawn from crcErrorRate " + crcErrorRate);
            outcome = moreSevere(outcome, Outcome.CRC_ERROR);
        }
        boolean powerOn = false;
        if (outcome == Outcome.DISCONNECTED) {
            wasDisconnected = true;
        } else if (outcome == Outcome.VALUES && wasDisconnected) {
            wasDisconnected = false;
            powerOn = spec.model().sentinel() != null;
        }
        return new Plan(latencyNanos, outcome, draws, valueFaults, spikeSigns, powerOn, null);
    }

    /** Produces the reading a plan promised, at the clock's current time. */
    synchronized Reading complete(Plan plan) {
        if (plan.outcome() != Outcome.VALUES) {
            SensorException e = failure(plan.outcome());
            board.recorder().record(spec.id(), RecordedEvent.Kind.ERROR, e.kind().name().toLowerCase(java.util.Locale.ROOT), Double.NaN,
                    "", e.getMessage());
            throw e;
        }
        long now = board.clock().nanoTime();
        long t = now - board.startNanos();
        double[] values = new double[quantities.size()];
        for (int i = 0; i < values.length; i++) {
            NoiseSpec n = noise[i];
            values[i] = signals[i].valueAt(t) + n.driftPerHour() * (t / NANOS_PER_HOUR)
                    + n.gaussian() * plan.noise()[i];
        }
        modelPhysics(values, plan.noise());
        for (int i = 0; i < values.length; i++) {
            values[i] = quantise(values[i], noise[i].resolution());
        }
        boolean[] present = new boolean[values.length];
        java.util.Arrays.fill(present, true);
        for (FaultSpec f : plan.valueFaults()) {
            int index = spec.faults().indexOf(f);
            for (int i = 0; i < values.length; i++) {
                if (!f.channels().isEmpty() && !f.channels().contains(quantities.get(i))) {
                    continue;
                }
                switch (f.type()) {
                    case DEGRADATION -> values[i] += f.ratePerHour() * ((t - f.at().toNanos()) / NANOS_PER_HOUR);
                    case SPIKE -> values[i] += plan.spikeSigns()[index] * f.magnitude();
                    case STUCK -> {
                        if (stuckSnapshots[index] == null) {
                            stuckSnapshots[index] = lastValues != null ? lastValues.clone() : values.clone();
                        }
                        values[i] = stuckSnapshots[index][i];
                    }
                    case NAN -> values[i] = Double.NaN;
                    case SENTINEL -> values[i] = f.value() != null ? f.value() : spec.model().sentinel();
                    case PARTIAL -> present[i] = false;
                    default -> throw new IllegalStateException("fault " + f.type() + " is not a value fault");
                }
            }
        }
        if (plan.powerOnValue()) {
            board.recorder().record(spec.id(), RecordedEvent.Kind.FAULT, FaultSpec.Type.SENTINEL.key(), Double.NaN,
                    "", "power-on reset value " + spec.model().sentinel() + " after reconnecting");
            values[0] = spec.model().sentinel();
        }
        List<Measurement> measurements = new ArrayList<>();
        var timestamp = board.clock().instant();
        for (int i = 0; i < values.length; i++) {
            if (present[i]) {
                Quantity q = quantities.get(i);
                measurements.add(new Measurement(i, q, q.unit(), values[i], timestamp));
            }
        }
        Reading reading = new Reading(spec.id(), timestamp, measurements);
        board.recorder().recordReading(reading);
        lastValues = values;
        lastReading = reading;
        return reading;
    }

    /** A blocking read ran out of time. */
    SensorException timedOut(Duration waited, String callerThread) {
        SensorException e = new SensorException(spec.id(), SensorException.Kind.TIMEOUT, describe()
                + " did not answer within " + DurationText.format(waited) + " (blocking read on " + callerThread
                + "); check wiring and power, and bound waits with a timeout on your own executor");
        board.recorder().record(spec.id(), RecordedEvent.Kind.ERROR, "timeout", Double.NaN, "", e.getMessage());
        return e;
    }

    private void modelPhysics(double[] values, double[] draws) {
        if (spec.model() == SensorModel.SOIL_MOISTURE) {
            // the probe's voltage is what the ADC sees; moisture is derived from it, so both move together
            double m = Math.max(0, Math.min(100, values[0]));
            values[0] = m;
            double volts = SensorModel.SOIL_DRY_VOLTS
                    - (SensorModel.SOIL_DRY_VOLTS - SensorModel.SOIL_WET_VOLTS) * m / 100
                    + noise[1].gaussian() * draws[1];
            values[1] = quantise(volts, SensorModel.ADC_FULL_SCALE_VOLTS / 32768);
        } else if (spec.model() == SensorModel.ADS1115) {
            values[0] = Math.max(-SensorModel.ADC_FULL_SCALE_VOLTS, Math.min(SensorModel.ADC_FULL_SCALE_VOLTS,
                    values[0]));
        } else {
            for (int i = 0; i < values.length; i++) {
                if (quantities.get(i) == Quantity.HUMIDITY) {
                    values[i] = Math.max(0, Math.min(100, values[i]));
                }
            }
        }
    }

    private SensorException failure(Outcome outcome) {
        String who = describe();
        return switch (outcome) {
            case DISCONNECTED -> new SensorException(spec.id(), SensorException.Kind.DISCONNECTED, who
                    + " is not responding (disconnected); check its wiring and power, and treat its values as unknown");
            case IO_ERROR -> new SensorException(spec.id(), SensorException.Kind.IO_ERROR, who
                    + ": I/O error on the bus; retry the read");
            case CRC_ERROR -> new SensorException(spec.id(), SensorException.Kind.CRC_ERROR, who
                    + ": checksum mismatch in the data received; retry the read");
            default -> throw new IllegalStateException("not a failure: " + outcome);
        };
    }

    private static Outcome moreSevere(Outcome a, Outcome b) {
        return a.ordinal() != 0 && a.ordinal() < b.ordinal() ? a : b;
    }

    private static double quantise(double v, double step) {
        return step > 0 && Double.isFinite(v) ? Math.round(v / step) * step : v;
    }

    private static String describeFault(FaultSpec f) {
        StringBuilder sb = new StringBuilder(f.probability() == null ? "scripted" : "p=" + f.probability());
        if (f.at() != null) {
            sb.append(" from ").append(DurationText.format(f.at()));
        }
        if (f.duration() != null) {
            sb.append(" for ").append(DurationText.format(f.duration()));
        }
        if (!f.channels().isEmpty()) {
            sb.append(" on ").append(f.channels().stream().map(Quantity::key).toList());
        }
        return sb.toString();
    }
}
