package dev.loopguard.agent.it;

import com.acme.loops.BlockingOperations;
import com.fasterxml.jackson.databind.JsonNode;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One forked JVM runs every blocking operation and every not-blocking rule on core's EventLoop, with a JFR recording;
 * each test checks one operation in its report.
 */
@DisplayName("Blocking calls on core's EventLoop")
class BlockingCallsIT {
    private static ForkedJvm.Result run;
    private static JsonNode report;

    @BeforeAll
    static void runScenario() throws Exception {
        run = ForkedJvm.main(BlockingOperations.class)
                .jvmFlags("-XX:StartFlightRecording=filename=recording.jfr,settings=default")
                .run("blocking-operations").completed();
        report = run.report();
    }

    @ParameterizedTest(name = "{0} is reported as {1}")
    @CsvSource({
        "sleep, java.lang.Thread.sleep",
        "sleepWithNanos, java.lang.Thread.sleep",
        "timeUnitSleep, java.util.concurrent.TimeUnit.sleep",
        "objectWaitTimed, java.lang.Object.wait",
        "objectWait, java.lang.Object.wait",
        "threadJoin, java.lang.Thread.join",
        "pendingFutureJoin, java.util.concurrent.CompletableFuture.join",
        "pendingFutureGet, java.util.concurrent.CompletableFuture.get",
        "latchAwait, java.util.concurrent.CountDownLatch.await",
        "queueTake, java.util.concurrent.ArrayBlockingQueue.take",
        "contendedLock, java.util.concurrent.locks.ReentrantLock.lock",
        "semaphoreAcquire, java.util.concurrent.Semaphore.acquire",
        "conditionAwait, java.util.concurrent.locks.Condition.await",
        "fileInputStreamRead, java.io.FileInputStream.read",
        "fileOutputStreamWrite, java.io.FileOutputStream.write",
        "randomAccessFileRead, new java.io.RandomAccessFile",
        "randomAccessFileRead, java.io.RandomAccessFile.read",
        "fileChannelRead, java.nio.channels.FileChannel.read",
        "filesReadString, java.nio.file.Files.readString",
        "socketConnect, new java.net.Socket",
        "socketRead, java.net.Socket.connect",
        "socketRead, java.net.Socket.getInputStream().read",
        "serverSocketAccept, java.net.ServerSocket.accept",
        "datagramSend, java.net.DatagramSocket.send",
        "blockingSocketChannelConnect, java.nio.channels.SocketChannel.open",
        "hostNameLookup, java.net.InetAddress.getByName",
        "processStart, java.lang.ProcessBuilder.start",
        "processWaitFor, java.lang.Process.waitFor",
        "contendedSynchronized, synchronized(com.acme.loops.BlockingOperations$Inventory)",
    })
    void reportsBlockingOperationWithItsPublicNameAndTheUsersLine(String method, String operation) {
        List<JsonNode> found = run.findingsAt(report, "BLOCKING_CALL", method);
        assertThat(found).as("BLOCKING_CALL findings at %s in\n%s", method, report.toPrettyString())
                .extracting(f -> f.get("operation").asText())
                .contains(operation);
        JsonNode finding = found.stream().filter(f -> f.get("operation").asText().equals(operation)).findFirst().get();
        assertThat(finding.get("thread").asText()).startsWith("loopguard-loop-");
        assertThat(finding.get("site").asText()).matches("com\\.acme\\.loops\\.BlockingOperations\\." + method
                + "\\(BlockingOperations\\.java:\\d+\\)");
        String thread = finding.get("thread").asText();
        String site = finding.get("site").asText();
        assertThat(finding.get("message").asText())
                .startsWith(method.equals("contendedSynchronized")
                        ? "Contended synchronized block on a com.acme.loops.BlockingOperations$Inventory monitor on"
                                + " event-loop thread '" + thread + "' at " + site + ": the loop waited "
                        : "Blocking call " + operation + " on event-loop thread '" + thread + "' at " + site + ".")
                .contains("move it off the loop with EventLoop.offload(...)");
        assertThat(finding.get("stack").get(0).asText()).doesNotStartWith("dev.loopguard.agent");
        // The scenario repeats the contended synchronized block until JFR delivers it; everything else runs once.
        if (!method.equals("contendedSynchronized")) {
            assertThat(finding.get("count").asInt()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0} is not a blocking call")
    @ValueSource(strings = {"joinCompletedFuture", "uncontendedLock", "uncontendedSynchronized", "classLoading",
        "nonBlockingSocketChannel", "literalAddressLookup", "consoleOutput", "sleepOffLoop"})
    void doesNotReportWhatDoesNotBlockTheLoop(String method) {
        assertThat(run.findingsAt(report, "BLOCKING_CALL", method)).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void theLoopsOwnIdleWaitIsNeitherABlockingCallNorAStall() {
        for (JsonNode f : report.get("findings")) {
            assertThat(f.get("site").asText()).as(f.toPrettyString()).startsWith("com.acme.loops.BlockingOperations.");
            assertThat(f.get("stack").toString()).as(f.toPrettyString()).doesNotContain("awaitTask");
        }
    }

    @Test
    void reportsACpuBoundTaskAsOneStallWithWhereItWasStuck() {
        List<JsonNode> stalls = run.findingsAt(report, "LOOP_STALL", "cpuBound");
        assertThat(stalls).as(report.toPrettyString()).hasSize(1);
        JsonNode stall = stalls.get(0);
        assertThat(stall.get("count").asInt()).isEqualTo(1);
        assertThat(stall.get("durationMillis").asLong()).isBetween(100L, 60_000L);
        assertThat(stall.has("operation")).isFalse();
        assertThat(stall.get("stack").toString()).contains("com.acme.loops.BlockingOperations.cpuBound(");
        assertThat(stall.get("message").asText()).startsWith("Event-loop thread '" + stall.get("thread").asText()
                + "' was busy in one task for ").contains("stallThreshold 100 ms");
    }

    @Test
    void warmUpInsideAStallDoesNotHideTheTasksOwnWorkAndTheStackPointsAtThatWork() {
        List<JsonNode> stalls = run.findingsAt(report, "LOOP_STALL", "cpuBoundAfterSlowInitialiser");
        assertThat(stalls).as(report.toPrettyString()).singleElement().satisfies(stall -> {
            // 300 ms of class initialisation, then 600 ms of the task's own work (the end is known to within a tick)
            assertThat(stall.get("durationMillis").asLong()).isGreaterThanOrEqualTo(600L);
            assertThat(stall.get("stack").get(0).asText()).doesNotContain("<clinit>");
        });
    }

    @Test
    void aClassInitialiserRunningOnTheLoopTheFirstTimeIsWarmUpNotAStall() {
        for (JsonNode f : report.get("findings")) {
            if (f.get("kind").asText().equals("LOOP_STALL")) {
                assertThat(f.get("stack").toString()).as(f.toPrettyString())
                        .doesNotContain("slowClassInitialiser", "InitialisedOnce");
            }
        }
    }

    @Test
    void theReportValidatesAgainstThePublishedSchema() throws Exception {
        assertThat(ReportSchema.errors(report)).isEmpty();
        assertThat(report.get("tool").asText()).isEqualTo("loopguard");
        assertThat(report.get("agentErrors")).as(report.toPrettyString()).isEmpty();
    }

    @Test
    void printsAConsoleSummaryLinePerSiteAtExit() {
        assertThat(run.stderr).contains("loopguard: " + report.get("findings").size() + " findings (report: ");
        assertThat(run.stderr).containsPattern("  BLOCKING_CALL x1 java\\.lang\\.Thread\\.sleep on 'loopguard-loop-\\d+'"
                + " at com\\.acme\\.loops\\.BlockingOperations\\.sleep\\(BlockingOperations\\.java:\\d+\\)");
        assertThat(run.stderr).contains("    fix: Move it off the loop with EventLoop.offload(...)");
        assertThat(run.stderr).as("no JVM warning caused by the agent (CDS, sun.misc.Unsafe)")
                .doesNotContainIgnoringCase("warning");
    }

    @Test
    void everyFindingIsAJfrEventWithItsStack() throws Exception {
        List<RecordedEvent> events = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(run.dir.resolve("recording.jfr"))) {
            if (e.getEventType().getName().startsWith("loopguard.")) {
                events.add(e);
            }
        }
        assertThat(events).extracting(e -> e.getEventType().getName())
                .contains("loopguard.BlockingCall", "loopguard.LoopStall");
        RecordedEvent sleep = events.stream()
                .filter(e -> "java.lang.Thread.sleep".equals(e.getString("operation"))
                        && e.getString("site").contains(".sleep("))
                .findFirst().orElseThrow();
        assertThat(sleep.getString("thread")).startsWith("loopguard-loop-");
        assertThat(sleep.getStackTrace()).isNotNull();
        assertThat(sleep.getString("stack")).contains("com.acme.loops.BlockingOperations.sleep(");
        RecordedEvent stall = events.stream().filter(e -> e.getEventType().getName().equals("loopguard.LoopStall")
                && e.getString("site").contains("cpuBound")).findFirst().orElseThrow();
        assertThat(stall.getLong("durationMillis")).isGreaterThanOrEqualTo(100);
        assertThat(stall.getString("stack")).contains("cpuBound");
    }

    static Path reportPath() {
        return run.dir.resolve("loopguard-report.json");
    }
}
