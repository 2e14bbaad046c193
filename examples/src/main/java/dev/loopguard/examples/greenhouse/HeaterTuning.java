package dev.loopguard.examples.greenhouse;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the heater's hysteresis from the last hours of temperatures: the widest band that still keeps the air within
 * {@code maxDeviation} of the setpoint, since every switch wears the relay.
 *
 * <p>It simulates the greenhouse's first-order thermal model (the time constant and heater rise the greenhouse was
 * measured to have) for each candidate hysteresis, at fine time steps, against the ambient temperature estimated from
 * the history and against ambients a few degrees colder and warmer, so the choice also holds on a colder night. That
 * is over a hundred million model steps: CPU work of a few hundred milliseconds to a second, which belongs off the loop
 * ({@link HeaterController}).
 */
final class HeaterTuning {

    /** The thermal model of the greenhouse: how fast the air follows, and how much warmer the heater makes it. */
    record Model(Duration timeConstant, double heaterRise) {
        Model {
            Objects.requireNonNull(timeConstant, "timeConstant");
            if (timeConstant.isNegative() || timeConstant.isZero() || !(heaterRise > 0)) {
                throw new IllegalArgumentException("thermal model needs a positive time constant and heater rise, was "
                        + timeConstant + " and " + heaterRise + " C");
            }
        }
    }

    /** One sample of the history: seconds since the controller started, the air temperature, the heater's state. */
    record Sample(double seconds, double temperature, boolean heaterOn) {
    }

    static final double MIN_HYSTERESIS = 0.1;
    static final double MAX_HYSTERESIS = 1.0;
    private static final double CANDIDATE_STEP = 0.02;
    private static final double[] AMBIENT_OFFSETS = {-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3};
    private static final double STEP_SECONDS = 0.1;

    private HeaterTuning() {
    }

    /**
     * The hysteresis to use from now on: among the candidates from {@value #MIN_HYSTERESIS} to
     * {@value #MAX_HYSTERESIS} C, the one with the fewest switches whose simulated air stays within
     * {@code maxDeviation} of {@code setpoint} for every ambient tried, or {@value #MIN_HYSTERESIS} when none does.
     * Every candidate is simulated for every ambient over the whole horizon, so the work does not depend on the data:
     * 46 candidates, 13 ambients, {@code horizon} in steps of 0.1 s.
     */
    static double tune(List<Sample> history, Model model, double setpoint, double maxDeviation, Duration period,
                       Duration horizon) {
        double ambient = estimateAmbient(history, model);
        double start = history.isEmpty() ? setpoint : history.get(history.size() - 1).temperature();
        double best = MIN_HYSTERESIS;
        long fewestSwitches = Long.MAX_VALUE;
        for (double h = MIN_HYSTERESIS; h <= MAX_HYSTERESIS + 1e-9; h += CANDIDATE_STEP) {
            long switches = 0;
            double worst = 0;
            for (double offset : AMBIENT_OFFSETS) {
                Run run = simulate(model, setpoint, h, ambient + offset, start, period, horizon);
                switches += run.switches();
                worst = Math.max(worst, run.maxDeviation());
            }
            if (worst <= maxDeviation && switches < fewestSwitches) {
                fewestSwitches = switches;
                best = h;
            }
        }
        return Math.round(best * 100) / 100.0;
    }

    /** What one simulated run gave: how often the heater switched, and how far the air strayed once settled. */
    record Run(long switches, double maxDeviation) {
    }

    /**
     * Simulates the heater with {@code hysteresis} over {@code horizon}, deciding every {@code period} as the
     * controller does; the deviation counts from when the air first came within the hysteresis of the setpoint.
     */
    static Run simulate(Model model, double setpoint, double hysteresis, double ambient, double start,
                        Duration period, Duration horizon) {
        double tau = model.timeConstant().toNanos() / 1e9;
        double decay = Math.exp(-STEP_SECONDS / tau);
        long steps = (long) (horizon.toNanos() / 1e9 / STEP_SECONDS);
        long stepsPerSample = Math.max(1, Math.round(period.toNanos() / 1e9 / STEP_SECONDS));
        double t = start;
        boolean on = false;
        boolean reached = false;
        long switches = 0;
        double maxDeviation = 0;
        for (long i = 0; i < steps; i++) {
            if (i % stepsPerSample == 0) {
                boolean next = t < setpoint - hysteresis || (on && t <= setpoint + hysteresis);
                if (next != on) {
                    on = next;
                    switches++;
                }
            }
            double equilibrium = ambient + (on ? model.heaterRise() : 0);
            t = equilibrium + (t - equilibrium) * decay;
            double deviation = Math.abs(t - setpoint);
            if (!reached) {
                reached = deviation <= hysteresis;
            } else if (deviation > maxDeviation) {
                maxDeviation = deviation;
            }
        }
        return new Run(switches, reached ? maxDeviation : Double.POSITIVE_INFINITY);
    }

    /**
     * Where the air would settle without the heater: from each pair of samples with the heater off,
     * {@code T + tau * dT/dt}; the lowest temperature seen less the heater's rise when the heater never was off.
     */
    static double estimateAmbient(List<Sample> history, Model model) {
        double tau = model.timeConstant().toNanos() / 1e9;
        double sum = 0;
        int n = 0;
        double lowest = Double.POSITIVE_INFINITY;
        for (int i = 1; i < history.size(); i++) {
            Sample a = history.get(i - 1);
            Sample b = history.get(i);
            lowest = Math.min(lowest, b.temperature());
            if (!a.heaterOn() && b.seconds() > a.seconds()) {
                double slope = (b.temperature() - a.temperature()) / (b.seconds() - a.seconds());
                sum += a.temperature() + tau * slope;
                n++;
            }
        }
        if (n > 0) {
            return sum / n;
        }
        return Double.isInfinite(lowest) ? 10.0 : lowest - model.heaterRise();
    }
}
