package dev.loopguard.agent.internal.tasks;

import java.util.Locale;

/** The {@code tasks} option: how many futures are tracked. */
public enum TrackingLevel {
    /** No future tracking: only what the bytecode shows (ignored futures) and what executors hand back. */
    OFF,
    /** Every future from a site until the site was seen {@link SiteSampler#FIRST_TRACKED} times, then those created
     *  while the {@link SamplingWindow} is open: 1 in {@link SiteSampler#ONE_IN} on average. */
    SAMPLED,
    /** Every future that reaches application code. */
    FULL;

    /** Parses {@code off|sampled|full}. */
    public static TrackingLevel parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("tasks must be one of off|sampled|full, was null");
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "off": return OFF;
            case "sampled": return SAMPLED;
            case "full": return FULL;
            default:
                throw new IllegalArgumentException("tasks must be one of off|sampled|full, was '" + value + "'");
        }
    }
}
