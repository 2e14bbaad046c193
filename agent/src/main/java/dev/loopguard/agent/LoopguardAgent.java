package dev.loopguard.agent;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.InProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The agent seen from inside the application: install it, read and reset its findings, listen to them, write the
 * report.
 *
 * <p>The agent is normally started with {@code -javaagent:loopguard-agent.jar[=options]}. {@link #install()} starts it
 * from inside a running JVM instead (for tests), reading options from {@code loopguard.*} system properties. Every
 * other method requires a running agent and throws {@link IllegalStateException} otherwise.
 */
public final class LoopguardAgent {
    private LoopguardAgent() {
    }

    /**
     * Starts the agent in this JVM by attaching to itself, unless it is already running (then this does nothing).
     * The loopguard-agent.jar must be on the class path (not the module's classes directory).
     *
     * @throws IllegalStateException if the agent cannot attach, naming the reason
     * @throws IllegalArgumentException if a {@code loopguard.*} system property is malformed
     */
    public static synchronized void install() {
        if (isInstalled()) {
            return;
        }
        InProcess.selfAttach();
    }

    /** Whether the agent is running in this JVM. */
    public static boolean isInstalled() {
        return AgentRuntime.current() != null;
    }

    /** The findings so far, merged by kind and site, oldest first. */
    public static List<Finding> findings() {
        return runtime().recorder().snapshot();
    }

    /** Forgets every finding so far (for tests that check one scenario at a time). */
    public static void reset() {
        runtime().recorder().reset();
    }

    public static void addListener(FindingListener listener) {
        runtime().recorder().addListener(Objects.requireNonNull(listener, "listener"));
    }

    public static void removeListener(FindingListener listener) {
        runtime().recorder().removeListener(Objects.requireNonNull(listener, "listener"));
    }

    /** Writes the report now to the {@code report} option's path and returns that path. */
    public static Path writeReport() throws IOException {
        AgentRuntime runtime = runtime();
        return runtime.writeReport(runtime.options().report().toAbsolutePath());
    }

    /** Writes the report now to {@code target} (atomically: a temporary file, then a rename). */
    public static Path writeReport(Path target) throws IOException {
        return runtime().writeReport(Objects.requireNonNull(target, "target"));
    }

    private static AgentRuntime runtime() {
        AgentRuntime runtime = AgentRuntime.current();
        if (runtime == null) {
            throw new IllegalStateException("the Loopguard agent is not running in this JVM: start it with"
                    + " -javaagent:loopguard-agent.jar or call LoopguardAgent.install() first");
        }
        return runtime;
    }
}
