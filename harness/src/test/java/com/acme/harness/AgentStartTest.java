package com.acme.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.loopguard.harness.Loopguard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/** Starting the agent: a JVM that cannot attach (no {@code jdk.attach}) fails the class with the -javaagent route. */
class AgentStartTest {

    @Test
    @DisplayName("in a JVM without jdk.attach, a @Loopguard class fails before its tests, spelling out the -javaagent route")
    void withoutAttachTheClassFailsWithTheJavaagentRoute(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Everything this test run needs, minus the attach API (a JRE, or a jlinked image without it).
                "--limit-modules", "java.base,java.logging,java.management,java.instrument,java.xml,jdk.unsupported",
                "-Dloopguard.report=" + dir.resolve("report.json"),
                "-cp", System.getProperty("java.class.path"), NoAttach.class.getName())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the forked JVM exits").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed).as(printed).contains(
                "class failed: org.junit.jupiter.api.extension.ExtensionConfigurationException: @Loopguard could not "
                        + "start the Loopguard agent in this JVM (",
                "Start it with the JVM instead: add -javaagent:<path to loopguard-agent.jar> to the test JVM's "
                        + "arguments; with Maven Surefire, put <argLine>@{argLine} "
                        + "-javaagent:${dev.loopguard:loopguard-agent:jar}</argLine>",
                "tests run: 0");
    }

    /** Runs {@link Guarded} through the Engine Test Kit and prints how its class ended. */
    public static final class NoAttach {
        public static void main(String[] args) {
            List<Event> finished = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Guarded.class))
                    .execute().allEvents().filter(e -> e.getType() == EventType.FINISHED).toList();
            for (Event e : finished) {
                if (e.getTestDescriptor().isContainer() && e.getTestDescriptor().getUniqueId().toString()
                        .contains("Guarded")) {
                    System.out.println("class failed: " + e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElse(null));
                }
            }
            System.out.println("tests run: " + finished.stream().filter(e -> e.getTestDescriptor().isTest()).count());
        }
    }

    @Loopguard
    static class Guarded {
        @Test
        void neverRuns() {
            throw new AssertionError("the class must fail before its tests run");
        }
    }
}
