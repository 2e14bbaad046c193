package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.startup.HelloScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the agent loads in a JVM where it finds nothing, from the JVM's own class-loading log: the report-path check
 * at start-up and the report at exit use plain {@code java.io.File} operations, and the start-up path spins no lambda
 * classes. Each class kept out here was measured as part of the agent's start-up cost (docs/agent.md, "Startup cost").
 */
@DisplayName("The classes a hello world loads with the agent")
class StartupClassesIT {
    private static final List<String> NOT_LOADED = List.of(
            // the report-path check: a directory stream over the report's directory, and its locks
            "java.nio.file.DirectoryStream", "java.nio.file.SecureDirectoryStream",
            "java.util.concurrent.locks.ReentrantReadWriteLock",
            // the report's rename at exit
            "sun.nio.fs.UnixCopyFile", "java.nio.file.StandardCopyOption",
            // an empty controller profile sorted at exit
            "java.util.TreeMap",
            // constants spelled with StandardCharsets, whose initialiser loads six charsets
            "java.nio.charset.StandardCharsets",
            // ArrayDeque.addAll's forEach(this::addLast) while weaving the first application class
            "java.util.ArrayDeque$$Lambda");

    @Test
    void aHelloWorldLoadsNeitherDirectoryStreamsNorCopyMachineryNorLambdasOfTheAgent() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(HelloScenario.class).jvmFlags("-Xlog:class+load=info")
                // The test classes alone, as a hello world has: the test dependencies' signed jars load TreeMap.
                .classPath(List.of(ForkedJvm.testClasses()))
                .run("startup-classes").completed();
        JsonNode report = run.report();
        assertThat(report.get("findings")).as(report.toPrettyString()).isEmpty();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();

        List<String> loaded = loadedClasses(run.stdout);
        assertThat(loaded).as("the agent's classes were logged").contains("dev.loopguard.agent.internal.AgentEntry");
        // The bootstrap classes went through the definer written at build time, not the fallback's temporary jar.
        assertThat(loaded).contains("dev.loopguard.agent.internal.BootstrapInjector$Definer",
                "dev.loopguard.agent.bootstrap.Bridge");
        assertThat(run.stdout + run.stderr).doesNotContain("loopguard-bootstrap-");
        for (String name : NOT_LOADED) {
            assertThat(loaded).as("classes loaded").noneMatch(c -> c.equals(name) || c.startsWith(name + "/"));
        }
        // Task tracking (tasks/, futures/) makes its own start-up lazy; every other part spins no lambda there.
        assertThat(loaded).as("lambda classes of the agent outside task tracking").noneMatch(c ->
                c.startsWith("dev.loopguard.agent.") && c.contains("$$Lambda")
                        && !c.startsWith("dev.loopguard.agent.internal.tasks.")
                        && !c.startsWith("dev.loopguard.agent.internal.futures."));
    }

    /** The class names of {@code -Xlog:class+load=info} lines ("[...][info][class,load] NAME source: ..."). */
    private static List<String> loadedClasses(String log) {
        List<String> names = new ArrayList<>();
        for (String line : log.split("\n")) {
            int tag = line.indexOf("[class,load] ");
            if (tag < 0) {
                continue;
            }
            String rest = line.substring(tag + "[class,load] ".length());
            int space = rest.indexOf(' ');
            names.add(space < 0 ? rest.trim() : rest.substring(0, space));
        }
        return names;
    }
}
