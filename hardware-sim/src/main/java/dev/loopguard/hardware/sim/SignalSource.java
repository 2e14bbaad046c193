package dev.loopguard.hardware.sim;

import dev.loopguard.hardware.Quantity;

import java.util.List;
import java.util.SplittableRandom;

/** A {@link SignalSpec} brought to life: the true value at a time since the board started. */
abstract class SignalSource {

    /** The value at {@code elapsedNanos}; callers ask in non-decreasing time order. */
    abstract double valueAt(long elapsedNanos);

    static SignalSource of(SignalSpec spec, Quantity quantity, GreenhousePlant plant, SplittableRandom random) {
        if (spec instanceof SignalSpec.Constant c) {
            double v = c.value();
            return new SignalSource() {
                @Override
                double valueAt(long t) {
                    return v;
                }
            };
        }
        if (spec instanceof SignalSpec.Sine s) {
            double period = s.period().toNanos();
            double phase = s.phase().toNanos();
            return new SignalSource() {
                @Override
                double valueAt(long t) {
                    return s.mean() + s.amplitude() * Math.sin(2 * Math.PI * ((t + phase) % period) / period);
                }
            };
        }
        if (spec instanceof SignalSpec.RandomWalk w) {
            return new RandomWalk(w, random);
        }
        if (spec instanceof SignalSpec.Step s) {
            long at = s.at().toNanos();
            return new SignalSource() {
                @Override
                double valueAt(long t) {
                    return t < at ? s.before() : s.after();
                }
            };
        }
        if (spec instanceof SignalSpec.Ramp r) {
            long start = r.start().toNanos();
            long length = r.duration().toNanos();
            return new SignalSource() {
                @Override
                double valueAt(long t) {
                    if (t <= start) {
                        return r.from();
                    }
                    if (t >= start + length) {
                        return r.to();
                    }
                    return r.from() + (r.to() - r.from()) * ((double) (t - start) / length);
                }
            };
        }
        if (spec instanceof SignalSpec.Replay r) {
            return new Replay(r);
        }
        if (spec instanceof SignalSpec.PlantVariable p) {
            if (plant == null) {
                throw new IllegalStateException("a plant signal needs a scenario with a plant");
            }
            String variable = p.variable() != null ? p.variable() : switch (quantity) {
                case TEMPERATURE -> "temperature";
                case HUMIDITY -> "humidity";
                case MOISTURE -> "soilMoisture";
                default -> throw new IllegalArgumentException("the plant has no variable for " + quantity.key()
                        + "; name one of " + SignalSpec.PlantVariable.VARIABLES + " with 'variable'");
            };
            return new SignalSource() {
                @Override
                double valueAt(long t) {
                    return plant.variable(variable);
                }
            };
        }
        SignalSpec.Sequence seq = (SignalSpec.Sequence) spec;
        List<SignalSpec.Sequence.Segment> segments = seq.segments();
        long[] starts = new long[segments.size()];
        SignalSource[] sources = new SignalSource[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            starts[i] = segments.get(i).at().toNanos();
            sources[i] = of(segments.get(i).signal(), quantity, plant, random.split());
        }
        return new SignalSource() {
            @Override
            double valueAt(long t) {
                int i = starts.length - 1;
                while (i > 0 && starts[i] > t) {
                    i--;
                }
                return sources[i].valueAt(t);
            }
        };
    }

    private static final class RandomWalk extends SignalSource {
        private static final double NANOS_PER_MINUTE = 60e9;
        private final SignalSpec.RandomWalk spec;
        private final SplittableRandom random;
        private long last;
        private double value;

        RandomWalk(SignalSpec.RandomWalk spec, SplittableRandom random) {
            this.spec = spec;
            this.random = random;
            this.value = spec.start();
        }

        @Override
        synchronized double valueAt(long t) {
            if (t > last) {
                value += spec.stepPerMinute() * Math.sqrt((t - last) / NANOS_PER_MINUTE) * Randoms.gaussian(random);
                double span = spec.max() - spec.min();
                // reflect at the bounds so the walk stays inside without piling up on them
                double offset = Math.abs(value - spec.min()) % (2 * span);
                value = spec.min() + (offset <= span ? offset : 2 * span - offset);
                last = t;
            }
            return value;
        }
    }

    private static final class Replay extends SignalSource {
        private final long[] times;
        private final double[] values;
        private final boolean loop;

        Replay(SignalSpec.Replay spec) {
            int n = spec.points().size();
            times = new long[n];
            values = new double[n];
            for (int i = 0; i < n; i++) {
                times[i] = spec.points().get(i).at().toNanos();
                values[i] = spec.points().get(i).value();
            }
            loop = spec.loop();
        }

        @Override
        double valueAt(long t) {
            int n = times.length;
            if (loop && t > times[n - 1]) {
                t = t % times[n - 1];
            }
            if (t <= times[0]) {
                return values[0];
            }
            if (t >= times[n - 1]) {
                return values[n - 1];
            }
            int i = java.util.Arrays.binarySearch(times, t);
            if (i >= 0) {
                return values[i];
            }
            int hi = -i - 1;
            int lo = hi - 1;
            double f = (double) (t - times[lo]) / (times[hi] - times[lo]);
            return values[lo] + (values[hi] - values[lo]) * f;
        }
    }
}
