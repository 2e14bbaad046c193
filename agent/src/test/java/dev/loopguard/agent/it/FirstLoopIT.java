package dev.loopguard.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.startup.FirstLoopScenario;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The blocking-call hooks in JDK classes are woven when the first event loop is recognised, not at start-up: a JVM
 * without loops never retransforms those classes, and the first blocking call of the first loop is reported all the
 * same, on core's loop, on two Netty loops that start together, and on Vert.x. The JVM's own log of class
 * redefinitions says which JDK classes were retransformed.
 */
@DisplayName("The blocking-call hooks, woven when the first loop appears")
class FirstLoopIT {
    private static final String REDEFINITIONS = "-Xlog:redefine+class+load=info";
    private static final String FILES_WOVEN = "redefined name=java.nio.file.Files,";

    @Test
    void aJvmWithoutALoopNeverRetransformsTheBlockingCallClasses() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstLoopScenario.class, "none").jvmFlags(REDEFINITIONS)
                .run("first-loop-none").completed();
        assertThat(run.stdout).as(run.toString()).contains("read on main: first")
                .doesNotContain(FILES_WOVEN)
                .doesNotContain("redefined name=java.lang.Object,")
                .doesNotContain("redefined name=java.util.concurrent.locks.LockSupport,");
        JsonNode report = run.report();
        assertThat(report.get("findings")).as(report.toPrettyString()).isEmpty();
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void theFirstBlockingCallOfACoreLoopIsReported() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstLoopScenario.class, "core").jvmFlags(REDEFINITIONS)
                .run("first-loop-core").completed();
        assertThat(run.stdout).as(run.toString()).contains("read on core: first").contains(FILES_WOVEN);
        assertFirstReadReported(run, "coreFirstRead");
    }

    @Test
    void theFirstBlockingCallOfEachOfTwoNettyLoopsStartingTogetherIsReported() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstLoopScenario.class, "netty").jvmFlags(REDEFINITIONS)
                .run("first-loop-netty").completed();
        assertThat(run.stdout).as(run.toString()).contains("read on netty: first first").contains(FILES_WOVEN);
        assertFirstReadReported(run, "nettyFirstReadA");
        assertFirstReadReported(run, "nettyFirstReadB");
    }

    @Test
    void theFirstBlockingCallOfAVertxLoopIsReported() throws Exception {
        ForkedJvm.Result run = ForkedJvm.main(FirstLoopScenario.class, "vertx").jvmFlags(REDEFINITIONS)
                .run("first-loop-vertx").completed();
        assertThat(run.stdout).as(run.toString()).contains("read on vertx: first").contains(FILES_WOVEN);
        assertFirstReadReported(run, "vertxFirstRead");
    }

    private static void assertFirstReadReported(ForkedJvm.Result run, String method) throws Exception {
        JsonNode report = run.report();
        assertThat(run.findingsAt(report, "BLOCKING_CALL", method)).as("%s in %s", method, report.toPrettyString())
                .singleElement().satisfies(f -> assertThat(f.get("operation").asText())
                        .isEqualTo("java.nio.file.Files.readString"));
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        assertThat(ReportSchema.errors(report)).isEmpty();
    }
}
