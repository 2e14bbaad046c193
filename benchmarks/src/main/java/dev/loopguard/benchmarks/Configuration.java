package dev.loopguard.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One way of starting a benchmark JVM in the comparison: its id (as given to {@code loopguard.bench.configs}), the
 * label shown in the table, and the JVM arguments it adds. A Loopguard configuration carries its task-tracking level;
 * blocking detection and the stall watchdog are on in every Loopguard configuration.
 */
record Configuration(String id, String label, String tasks, List<String> extraJvmArgs) {

    static final List<String> TASK_LEVELS = List.of("off", "sampled", "full");

    static final Configuration NONE = new Configuration("none", "no agent", null, List.of());
    /** BlockHound 1.0.17, installed in each benchmark's setup; on JDK 13+ it needs the class-redefinition flag. */
    static final Configuration BLOCKHOUND = new Configuration("blockhound", "BlockHound 1.0.17", null,
            List.of("-XX:+AllowRedefinitionToAddDeleteMethods", "-D" + BlockHoundSetup.PROPERTY + "=true"));

    Configuration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        extraJvmArgs = List.copyOf(extraJvmArgs);
    }

    static Configuration loopguard(String tasks) {
        if (!TASK_LEVELS.contains(tasks)) {
            throw new IllegalArgumentException("tasks must be one of " + String.join("|", TASK_LEVELS) + ", was '"
                    + tasks + "'");
        }
        return new Configuration("loopguard-" + tasks, "loopguard tasks=" + tasks, tasks, List.of());
    }

    boolean needsAgentJar() {
        return tasks != null;
    }

    /**
     * The arguments for one benchmark's JVMs. Loopguard writes its report under {@code reportDirectory}, one file per
     * configuration and benchmark (when a benchmark has parameters, the last fork's report is the one kept).
     */
    List<String> jvmArgs(Path agentJar, Path reportDirectory, String benchmark) {
        if (!needsAgentJar()) {
            return extraJvmArgs;
        }
        String report = reportFile(reportDirectory, benchmark).toAbsolutePath().toString();
        if (report.contains(",")) {
            // The agent separates its options with commas; a comma in the path would cut the report option short.
            throw new IllegalArgumentException("the report directory must not contain ',' because agent options are "
                    + "comma-separated, was '" + reportDirectory + "'");
        }
        return List.of("-javaagent:" + agentJar.toAbsolutePath() + "=report=" + report + ",tasks=" + tasks);
    }

    /** Where the agent's report for {@code benchmark} goes; only meaningful for a Loopguard configuration. */
    Path reportFile(Path reportDirectory, String benchmark) {
        return reportDirectory.resolve("loopguard-report-" + id + "-" + benchmark + ".json");
    }
}
