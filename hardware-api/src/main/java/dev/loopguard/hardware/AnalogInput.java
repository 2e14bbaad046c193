package dev.loopguard.hardware;

import java.util.concurrent.CompletionStage;

/**
 * One channel of an analog-to-digital converter (for example an ADS1115). A read yields a {@link Reading} with a
 * single {@link Quantity#VOLTAGE} channel, quantised to the converter's resolution.
 */
public interface AnalogInput extends Sensor {
    /** The ADC input channel, e.g. 0..3 on an ADS1115. */
    int channel();

    /** The full-scale range in volts (a reading saturates at plus or minus this value). */
    double fullScaleVolts();

    /** Reads the voltage; a shorthand for {@code read()} followed by taking the voltage channel. */
    CompletionStage<Double> readVolts();
}
