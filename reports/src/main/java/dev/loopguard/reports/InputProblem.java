package dev.loopguard.reports;

import java.util.Objects;

/**
 * An input that could not be used: its name as given and why, with the position and every problem found in it.
 * The other inputs are still merged and every output still written; the outputs show this problem.
 *
 * @param input the file as it was named
 * @param message what is wrong with it
 */
public record InputProblem(String input, String message) {

    public InputProblem {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(message, "message");
    }
}
