package dev.loopguard.hardware.sim;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats a {@link Scenario} is read from and written to. */
public enum ScenarioFormat {
    /** JSON, {@code .json}. */
    JSON,
    /** YAML, {@code .yaml} or {@code .yml}. */
    YAML;

    /**
     * The format a file name's extension names.
     *
     * @throws IllegalArgumentException naming the file and the accepted extensions
     */
    public static ScenarioFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        throw new IllegalArgumentException("scenario file " + file + " must end in .json, .yaml or .yml");
    }
}
