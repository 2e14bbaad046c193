package dev.loopguard.hardware.sim;

/**
 * How a sensor channel deviates from the true signal: {@code quantise(signal + drift * hours + N(0, gaussian))}.
 *
 * @param gaussian      standard deviation of white Gaussian noise, in the channel's unit; 0 for none
 * @param driftPerHour  a calibration offset that grows linearly with time, in the channel's unit per hour
 * @param resolution    the quantisation step (the value is rounded to a multiple of it); 0 for none
 */
public record NoiseSpec(double gaussian, double driftPerHour, double resolution) {
    /** No noise, no drift, no quantisation. */
    public static final NoiseSpec NONE = new NoiseSpec(0, 0, 0);

    /** Validates the components. */
    public NoiseSpec {
        Checks.notNegative("noise gaussian", gaussian);
        Checks.finite("noise driftPerHour", driftPerHour);
        Checks.notNegative("noise resolution", resolution);
    }
}
