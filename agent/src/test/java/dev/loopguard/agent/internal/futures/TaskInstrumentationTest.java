package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.internal.futures.fixtures.TrackedCode;
import dev.loopguard.agent.internal.tasks.RecordingContext;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real advice and call-site rewriting, installed in this JVM with full tracking and reset afterwards; the
 * forked-JVM tests cover the agent jar end to end. Each test uses its own failure messages, so findings are told
 * apart by content rather than by order.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class TaskInstrumentationTest {

    private static final String FIXTURES = "dev.loopguard.agent.internal.futures.fixtures.";
    private static final RecordingContext context = new RecordingContext(name -> name.startsWith(FIXTURES));
    private static Instrumentation instrumentation;
    private static ResettableClassFileTransformer transformer;
    private static TaskInstrumentation tasks;
    private static ExecutorService executor;

    @BeforeAll
    static void install() {
        instrumentation = ByteBuddyAgent.install();
        tasks = TaskInstrumentation.create(instrumentation, context, TrackingLevel.FULL, false, Set.of());
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .ignore(nameStartsWith("net.bytebuddy.").or(nameStartsWith("org.junit.")));
        transformer = tasks.contribute(builder).installOn(instrumentation);
        tasks.start();
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void reset() {
        tasks.stop();
        transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        executor.shutdownNow();
    }

    private static List<Finding> about(String text) {
        tasks.tracker().drainQueue();
        return context.findings().stream().filter(f -> f.message().contains(text)
                || f.exception().flatMap(Finding.ExceptionDetails::message).orElse("").contains(text))
                .collect(java.util.stream.Collectors.toList());
    }

    @Test
    void aFailingFutureDroppedAtItsCallSiteIsReportedWithTheDropSiteAtExit() {
        CountDownLatch go = new CountDownLatch(1);
        TrackedCode.dropsFailingSupplyAsync(executor, go);
        go.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> tasks.tracker().trackedCount() > 0
                && dev.loopguard.agent.bootstrap.TaskBridge.unobservedFailures > 0);
        tasks.reportAtExit();

        assertThat(about("dropped")).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.UNHANDLED_FAILURE);
            assertThat(f.discardedAt()).contains(FIXTURES + "TrackedCode.dropsFailingSupplyAsync(TrackedCode.java:"
                    + lineOf("dropsFailingSupplyAsync") + ")");
            assertThat(f.message()).contains("returned by supplyAsync at TrackedCode.java:"
                    + lineOf("dropsFailingSupplyAsync") + " was dropped");
        });
    }

    @Test
    void onlyTheLeafOfAnUnobservedChainIsReported() {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Integer> leaf = TrackedCode.keepsFailingChain(executor, go);
        go.countDown();
        await().atMost(Duration.ofSeconds(10)).until(leaf::isDone);
        tasks.reportAtExit();

        assertThat(about("chain")).singleElement().satisfies(f ->
                assertThat(f.createdAt()).contains(FIXTURES + "TrackedCode.keepsFailingChain(TrackedCode.java:"
                        + lineOf("keepsFailingChain") + ")"));
    }

    @Test
    void failuresRecoveredOrObservedInTheChainOrLaterAreNotFindings() {
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<String> recovered = TrackedCode.recoversInTheChain(executor, go);
        CompletableFuture<String> logged = TrackedCode.logsWithWhenComplete(executor, go);
        CompletableFuture<String> joinedLater = TrackedCode.failsForLaterJoin(executor, go);
        go.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> recovered.isDone() && logged.isDone()
                && joinedLater.isDone());
        assertThatThrownBy(joinedLater::join).isInstanceOf(CompletionException.class);
        tasks.reportAtExit();

        assertThat(recovered.join()).isEqualTo("fallback");
        assertThat(about("recovered")).isEmpty();
        assertThat(about("logged")).isEmpty();
        assertThat(about("joined later")).isEmpty();
    }

    @Test
    void aDroppedSubmitWhoseTaskThrowsIsReportedAtOnce() {
        TrackedCode.dropsSubmitThatThrows(executor);
        await().atMost(Duration.ofSeconds(10)).until(() -> !about("submitted task failed").isEmpty());

        assertThat(about("submitted task failed")).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.UNHANDLED_FAILURE);
            assertThat(f.discardedAt()).contains(FIXTURES + "TrackedCode.dropsSubmitThatThrows(TrackedCode.java:"
                    + lineOf("dropsSubmitThatThrows") + ")");
            assertThat(f.message()).contains("FutureTask keeps the exception to itself");
        });
    }

    @Test
    void anAbandonedPendingFutureWithACallbackIsALostTask() {
        CountDownLatch callback = new CountDownLatch(1);
        Object[] holder = new Object[1];
        TrackedCode.abandonsPendingFutureWithCallback(callback::countDown, holder);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            TrackedFuture record = tasks.tracker().table().find(holder[0]);
            return record != null && record.is(TrackedFuture.WAITED_ON);
        });
        holder[0] = null;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return !about("became unreachable while still pending").isEmpty();
        });
        assertThat(about("became unreachable while still pending")).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.LOST_TASK);
            assertThat(f.createdAt()).contains(FIXTURES + "TrackedCode.abandonsPendingFutureWithCallback(TrackedCode.java:"
                    + lineOf("abandonsPendingFutureWithCallback") + ")");
        });
        assertThat(callback.getCount()).isEqualTo(1);
    }

    @Test
    void aTaskDroppedByDiscardPolicyIsALostTaskAtTheSubmittingLine() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor saturated = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1), new ThreadPoolExecutor.DiscardPolicy());
        try {
            saturated.execute(() -> waitFor(release));
            saturated.execute(() -> { });
            TrackedCode.overloads(saturated, () -> { });
            assertThat(about("silently dropped")).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(FindingKind.LOST_TASK);
                assertThat(f.site()).contains(FIXTURES + "TrackedCode.overloads(TrackedCode.java:" + lineOf("overloads")
                        + ")");
                assertThat(f.reason()).contains("discarded by ThreadPoolExecutor.DiscardPolicy");
            });
        } finally {
            release.countDown();
            saturated.shutdown();
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int lineOf(String marker) throws IOException {
        List<String> lines = Files.readAllLines(
                Path.of("src/test/java/dev/loopguard/agent/internal/futures/fixtures/TrackedCode.java"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// LINE " + marker)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line marked " + marker);
    }
}
