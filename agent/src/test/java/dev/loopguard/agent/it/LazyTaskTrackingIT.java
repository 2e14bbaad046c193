package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.tasks.FirstFutureScenario;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Task tracking starts when a hook or a rewritten call site first calls in, and {@code CompletableFuture} gets its
 * record field and hooks when the program first loads it: a JVM that never uses a future loads neither the class nor
 * the tracker, and the first future of one that does is reported as any other. The loaded classes are read from the
 * JVM's own class-loading log.
 */
@DisplayName("Task tracking that starts with the first future")
class LazyTaskTrackingIT {

    private static final String CLASS_LOG = "-Xlog:class+load=info:file=classes.log:none";

    /** What a JVM that never uses a future, a pool or a loop must not load for task tracking. */
    private static final List<String> NOT_LOADED = List.of(
            "java.util.concurrent.CompletableFuture",
            "java.util.concurrent.ThreadPoolExecutor",
            "dev.loopguard.agent.internal.futures.FutureTracker",
            "dev.loopguard.agent.internal.futures.FutureInternals",
            "dev.loopguard.agent.internal.tasks.PendingLoopTasks",
            "dev.loopguard.agent.internal.tasks.SiteSampler");

    @Test
    void aJvmThatNeverUsesAFutureLoadsNeitherCompletableFutureNorThePoolNorTheTracker() throws Exception {
        for (String level : List.of("sampled", "full")) {
            ForkedJvm.Result run = ForkedJvm.main(FirstFutureScenario.class, "none").agentOptions("tasks=" + level)
                    .jvmFlags(CLASS_LOG).run("lazy-tracking-none-" + level).completed();
            List<String> loaded = loadedClasses(run);
            assertThat(loaded).as("the class-loading log of a run that read it").contains(
                    FirstFutureScenario.class.getName(), "dev.loopguard.agent.internal.futures.TaskTracking");
            assertThat(loaded).as(run.toString()).doesNotContainAnyElementsOf(NOT_LOADED);
            assertThat(loaded).as("classes spun for lambdas of task tracking")
                    .noneMatch(c -> c.startsWith("dev.loopguard.agent.internal.futures.")
                            && c.contains("$$Lambda"))
                    .noneMatch(c -> c.startsWith("dev.loopguard.agent.internal.tasks.") && c.contains("$$Lambda"));
            assertThat(run.report().get("findings")).isEmpty();
            assertThat(run.report().get("agentErrors")).isEmpty();
        }
    }

    @Test
    void aFailedSupplyAsyncThatIsTheProgramsFirstFutureIsReportedWithWhereItWasCreatedAndDropped() throws Exception {
        for (String level : List.of("sampled", "full")) {
            ForkedJvm.Result run = ForkedJvm.main(FirstFutureScenario.class, "supply").agentOptions("tasks=" + level)
                    .jvmFlags(CLASS_LOG).run("lazy-tracking-supply-" + level).completed();
            assertLoadedByTheProgram(run);
            JsonNode report = run.report();
            List<JsonNode> found = run.findingsAt(report, "UNHANDLED_FAILURE", "failsFirst");
            assertThat(found).as(run.toString()).hasSize(1);
            JsonNode f = found.get(0);
            assertThat(f.get("exception").get("type").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(f.get("exception").get("message").asText()).isEqualTo("first future failed");
            assertThat(f.get("createdAt").asText()).contains("FirstFutureScenario.failsFirst(FirstFutureScenario.java:");
            assertThat(f.get("discardedAt").asText()).isEqualTo(f.get("createdAt").asText());
            assertThat(f.get("message").asText())
                    .contains("returned by supplyAsync at FirstFutureScenario.java:", "was dropped");
            assertThat(f.get("thread").asText()).as("the pool thread the future failed on").startsWith("pool-");
            assertThat(report.get("agentErrors")).isEmpty();
            assertThat(ReportSchema.errors(report)).isEmpty();
        }
    }

    @Test
    void aPendingFutureDroppedAsTheProgramsFirstFutureIsALostTask() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstFutureScenario.class, "lost").jvmFlags(CLASS_LOG)
                .run("lazy-tracking-lost").completed();
        assertLoadedByTheProgram(run);
        assertThat(run.stdout).doesNotContain("no lost task found");
        List<JsonNode> found = run.findingsAt(run.report(), "LOST_TASK", "dropsFirst");
        assertThat(found).as(run.toString()).hasSize(1);
        assertThat(found.get(0).get("reason").asText()).isEqualTo("unreachable while pending with waiting callbacks");
        assertThat(run.report().get("agentErrors")).isEmpty();
    }

    @Test
    void aThreadDyingOfAnExceptionInAJvmThatNeverUsedAFutureIsStillReported() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstFutureScenario.class, "dies").run("lazy-tracking-dies").completed();
        List<JsonNode> found = run.findingsAt(run.report(), "UNHANDLED_FAILURE", "diesFirst");
        assertThat(found).as(run.toString()).hasSize(1);
        assertThat(found.get(0).get("thread").asText()).isEqualTo("first-worker");
        assertThat(found.get(0).get("exception").get("message").asText()).isEqualTo("first worker died");
        assertThat(run.report().get("agentErrors")).isEmpty();
    }

    /**
     * {@code CompletableFuture} was loaded after the scenario's main class, so by the program and not in
     * {@code premain}, and still got its record field: the lazy path, not the fallback for a class loaded early.
     */
    private static void assertLoadedByTheProgram(ForkedJvm.Result run) throws IOException {
        List<String> loaded = loadedClasses(run);
        int main = loaded.indexOf(FirstFutureScenario.class.getName());
        int future = loaded.indexOf("java.util.concurrent.CompletableFuture");
        assertThat(main).as(run.toString()).isNotNegative();
        assertThat(future).as("CompletableFuture loaded after the program's main class").isGreaterThan(main);
        assertThat(run.stdout).contains("synthetic fields: [loopguard$record]");
    }

    /** The classes the forked JVM loaded, in order (its {@code -Xlog:class+load} lines without decorations). */
    private static List<String> loadedClasses(ForkedJvm.Result run) throws IOException {
        List<String> classes = new ArrayList<>();
        for (String line : Files.readAllLines(run.dir.resolve("classes.log"))) {
            int space = line.indexOf(' ');
            if (space > 0) {
                classes.add(line.substring(0, space));
            }
        }
        return classes;
    }
}
