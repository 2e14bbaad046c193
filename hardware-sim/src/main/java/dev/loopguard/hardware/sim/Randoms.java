package dev.loopguard.hardware.sim;

import java.util.SplittableRandom;

/** Random draws implemented here, not borrowed from the JDK, so a seed gives the same numbers on every JDK. */
final class Randoms {
    private Randoms() {
    }

    /** A standard normal variate (Box-Muller; one of the pair is discarded to keep the stream stateless). */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // in (0, 1], so the log is finite
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** The random source of one named part of a scenario, independent of every other part's. */
    static SplittableRandom forPart(long seed, String part) {
        long h = seed;
        for (int i = 0; i < part.length(); i++) {
            h = mix(h + part.charAt(i));
        }
        return new SplittableRandom(mix(h ^ 0x9E3779B97F4A7C15L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
