package dev.loopguard.agent.internal;

import dev.loopguard.agent.internal.recording.ReportFile;
import java.io.IOException;
import java.lang.instrument.Instrumentation;

/**
 * {@code Premain-Class} and {@code Agent-Class} of loopguard-agent.jar. Parses the options, puts the bootstrap
 * classes in place, then hands over to {@link AgentInstaller}.
 */
public final class AgentEntry {
    /** Exit status when the agent options are malformed (documented in docs/agent.md). */
    public static final int BAD_OPTIONS_EXIT_STATUS = 2;

    private AgentEntry() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        start(arguments, inst, true);
    }

    public static void agentmain(String arguments, Instrumentation inst) {
        start(arguments, inst, false);
    }

    static synchronized void start(String arguments, Instrumentation inst, boolean commandLine) {
        if (AgentRuntime.current() != null) {
            return;
        }
        AgentOptions options;
        try {
            options = AgentOptions.parse(arguments, System.getProperties());
            checkReport(options);
        } catch (IllegalArgumentException e) {
            if (!commandLine) {
                throw e;
            }
            System.err.println("loopguard: " + e.getMessage());
            System.err.println("loopguard: the JVM stops because the agent options are invalid (exit status "
                    + BAD_OPTIONS_EXIT_STATUS + ")");
            System.err.flush();
            Runtime.getRuntime().halt(BAD_OPTIONS_EXIT_STATUS);
            return;
        }
        try {
            BootstrapInjector.inject(inst, BootstrapInjector.agentJar());
        } catch (Exception e) {
            throw new IllegalStateException("Loopguard agent could not start: " + e.getMessage(), e);
        }
        AgentInstaller.install(options, inst);
    }

    /**
     * Fails at start-up, rather than after the whole run, when no report can be written to the {@code report} path
     * (see {@link ReportFile}).
     *
     * @throws IllegalArgumentException naming the path and why
     */
    static void checkReport(AgentOptions options) {
        try {
            ReportFile.check(options.report());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("report " + options.report().toAbsolutePath() + " cannot be written: "
                    + ReportFile.describe(e) + "; give report= the path of a regular file in a writable directory", e);
        }
    }
}
