package dev.loopguard.agent.it;

import com.acme.loops.NettyLoops;
import com.acme.loops.ReactorAndVertxLoops;
import com.acme.loops.VertxLoops;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real framework loops, recognised out of the box. */
@DisplayName("Framework event loops")
class FrameworkLoopsIT {

    abstract static class NettyScenario {
        ForkedJvm.Result run;
        JsonNode report;

        abstract ForkedJvm fork() throws Exception;

        abstract String expectedVersionPrefix();

        @BeforeAll
        void runScenario() throws Exception {
            run = fork().run(getClass().getSimpleName()).completed();
            assertThat(run.stdout).as(run.toString()).contains("netty " + expectedVersionPrefix());
            report = run.report();
            assertThat(ReportSchema.errors(report)).isEmpty();
            assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        }

        @Test
        void reportsASleepOnANettyChannelEventLoop() {
            List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", "nettySleep");
            assertThat(found).as(report.toPrettyString()).hasSize(1);
            assertThat(found.get(0).get("operation").asText()).isEqualTo("java.lang.Thread.sleep");
            assertThat(found.get(0).get("thread").asText()).startsWith("nioEventLoopGroup-");
        }

        @Test
        void reportsACpuBoundTaskOnANettyLoopAsAStall() {
            List<JsonNode> stalls = run.findingsAt(report, "LOOP_STALL", "nettyCpuBound");
            assertThat(stalls).as(report.toPrettyString()).hasSize(1);
            assertThat(stalls.get(0).get("durationMillis").asLong()).isGreaterThanOrEqualTo(100);
        }

        @Test
        void aDefaultEventExecutorGroupIsNotAnEventLoop() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "executorSleep")).as(report.toPrettyString()).isEmpty();
        }

        @Test
        void theSelectorWaitOfAnIdleLoopIsNeitherBlockingNorAStall() {
            for (JsonNode f : report.get("findings")) {
                assertThat(f.get("site").asText()).as(f.toPrettyString()).startsWith("com.acme.loops.NettyLoops.");
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("Netty 4.1")
    class Netty41 extends NettyScenario {
        @Override
        ForkedJvm fork() {
            return ForkedJvm.main(NettyLoops.class);
        }

        @Override
        String expectedVersionPrefix() {
            return "4.1.";
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("Netty 4.2")
    class Netty42 extends NettyScenario {
        @Override
        ForkedJvm fork() throws Exception {
            return ForkedJvm.main(NettyLoops.class).classPath(ForkedJvm.netty42ClassPath());
        }

        @Override
        String expectedVersionPrefix() {
            return "4.2.";
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("Vert.x 5")
    class Vertx5 {
        ForkedJvm.Result run;
        JsonNode report;

        @BeforeAll
        void runScenario() throws Exception {
            run = ForkedJvm.main(VertxLoops.class).classPath(ForkedJvm.vertx5ClassPath()).run("vertx5").completed();
            assertThat(run.stdout).as(run.toString()).contains("vertx 5.");
            report = run.report();
            assertThat(ReportSchema.errors(report)).isEmpty();
            assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
        }

        @Test
        void reportsASleepOnAVertx5EventLoop() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "vertxEventLoopSleep")).as(report.toPrettyString())
                    .singleElement().satisfies(f -> {
                        assertThat(f.get("thread").asText()).startsWith("vert.x-eventloop-thread-");
                        assertThat(f.get("operation").asText()).isEqualTo("java.lang.Thread.sleep");
                    });
        }

        @Test
        void aVertx5WorkerRunningExecuteBlockingIsNotAnEventLoop() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "vertxWorkerSleep")).as(report.toPrettyString())
                    .isEmpty();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("Reactor and Vert.x 4")
    class ReactorAndVertx {
        ForkedJvm.Result run;
        JsonNode report;

        @BeforeAll
        void runScenario() throws Exception {
            run = ForkedJvm.main(ReactorAndVertxLoops.class).run("reactor-vertx").completed();
            report = run.report();
            assertThat(ReportSchema.errors(report)).isEmpty();
        }

        @Test
        void reportsASleepOnReactorsParallelScheduler() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "parallelSleep")).as(report.toPrettyString())
                    .singleElement().satisfies(f -> assertThat(f.get("thread").asText()).startsWith("parallel-"));
        }

        @Test
        void reportsASleepOnReactorsSingleScheduler() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "singleSleep")).as(report.toPrettyString())
                    .singleElement().satisfies(f -> assertThat(f.get("thread").asText()).startsWith("single-"));
        }

        @Test
        void boundedElasticIsNotAnEventLoop() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "boundedElasticSleep")).as(report.toPrettyString())
                    .isEmpty();
        }

        @Test
        void reportsASleepOnAVertxEventLoop() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "vertxEventLoopSleep")).as(report.toPrettyString())
                    .singleElement().satisfies(f -> {
                        assertThat(f.get("thread").asText()).startsWith("vert.x-eventloop-thread-");
                        assertThat(f.get("operation").asText()).isEqualTo("java.lang.Thread.sleep");
                    });
        }

        @Test
        void aVertxWorkerRunningExecuteBlockingIsNotAnEventLoop() {
            assertThat(run.findingsAt(report, "BLOCKING_CALL", "vertxWorkerSleep")).as(report.toPrettyString())
                    .isEmpty();
        }
    }
}
