package dev.loopguard.agent.internal.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.internal.recording.JsonWriter;
import dev.loopguard.agent.internal.RecordingContext;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ControllerProfilesTest {

    private final RecordingContext context = new RecordingContext(name -> name.startsWith("dev.loopguard.agent.internal.controllers."));
    private final ControllerProfiles profiles = new ControllerProfiles(Duration.ofMillis(100), context);
    private final Object fan = new Object();

    @Test
    void loopStatisticsHaveCountMeanPercentilesMaxFailuresSlowLoopsAndTheLastError() {
        for (int i = 1; i <= 100; i++) {
            profiles.record("fan", "loop", Duration.ofMillis(i).toNanos(), null);
        }
        profiles.record("fan", "loop", Duration.ofMillis(250).toNanos(), new IOException("sensor offline"));

        LoopProfile.Snapshot s = profiles.statistics("fan");
        assertThat(s.count).isEqualTo(101);
        assertThat(s.meanNanos / 1e6).isCloseTo((5050 + 250) / 101.0, within(0.01));
        assertThat(s.p50Nanos / 1e6).as("within the histogram's 1/16").isCloseTo(51, within(51 / 16.0));
        assertThat(s.p99Nanos / 1e6).isCloseTo(100, within(100 / 16.0));
        assertThat(s.maxNanos).isEqualTo(Duration.ofMillis(250).toNanos());
        assertThat(s.failures).isEqualTo(1);
        assertThat(s.slowLoops).as("only the 250 ms loop is over 100 ms").isEqualTo(1);
        assertThat(s.lastError).startsWith("java.io.IOException: sensor offline at ");
    }

    @Test
    void theHistogramBucketOfAValueHoldsIt() {
        for (long micros : new long[] {0, 1, 15, 16, 17, 100, 1_000, 65_535, 1_000_000, 86_400_000_000L}) {
            long middle = LoopProfile.middleMicros(LoopProfile.bucket(micros));
            assertThat((double) middle).as("bucket of %d", micros).isCloseTo(micros, within(micros / 16.0 + 1));
        }
    }

    @Test
    void aStepSetsTheControllerScopeAndAnOuterStepIsRestored() {
        Object pump = new Object();
        profiles.named(fan, "greenhouse-fan");
        profiles.named(pump, "pump");
        long outer = profiles.enter(fan, "loop");
        assertThat(ControllerScope.current()).isEqualTo("greenhouse-fan");
        long inner = profiles.enter(pump, "start");
        assertThat(ControllerScope.current()).isEqualTo("pump");
        Finding blocking = Finding.builder(FindingKind.BLOCKING_CALL).thread("t").message("m").build();
        assertThat(ControllerScope.attach(blocking).controller()).contains("pump");
        profiles.exit(pump, "start", inner, null, null);
        assertThat(ControllerScope.current()).isEqualTo("greenhouse-fan");
        profiles.exit(fan, "loop", outer, null, null);
        assertThat(ControllerScope.current()).isNull();
        assertThat(profiles.statistics("greenhouse-fan").count).isEqualTo(1);
        assertThat(profiles.statistics("pump")).as("start is not a loop").isNull();
    }

    @Test
    void aLoopThatCallsItsOwnPlainLoopCountsOnce() {
        long async = profiles.enter(fan, "loopAsync");
        long plain = profiles.enter(fan, "loop");
        profiles.exit(fan, "loop", plain, null, null);
        profiles.exit(fan, "loopAsync", async, CompletableFuture.completedFuture(null), null);
        assertThat(profiles.statistics(Object.class.getName()).count).isEqualTo(1);
    }

    @Test
    void anAsynchronousLoopIsTimedUntilItsStageCompletesAndItsFailureCounts() {
        profiles.named(fan, "fan");
        CompletableFuture<Void> stage = new CompletableFuture<>();
        long token = profiles.enter(fan, "loopAsync");
        profiles.exit(fan, "loopAsync", token, stage, null);
        assertThat(profiles.statistics("fan")).as("not over before the stage completes").isNull();

        stage.completeExceptionally(new IllegalStateException("actuator stuck"));
        LoopProfile.Snapshot s = profiles.statistics("fan");
        assertThat(s.count).isEqualTo(1);
        assertThat(s.failures).isEqualTo(1);
        assertThat(s.lastError).startsWith("java.lang.IllegalStateException: actuator stuck");
    }

    @Test
    void theProfileSectionIsOneObjectPerController() throws Exception {
        profiles.record("b-pump", "loop", 2_000_000, null);
        profiles.record("a-fan", "loop", 1_000_000, new IllegalStateException("x"));
        JsonWriter out = new JsonWriter();
        profiles.writeJson(out);
        JsonNode json = new ObjectMapper().readTree(out.toJson());
        assertThat(json.fieldNames()).toIterable().containsExactly("a-fan", "b-pump");
        JsonNode fan = json.get("a-fan");
        assertThat(fan.get("loops").asLong()).isEqualTo(1);
        assertThat(fan.get("meanMillis").asDouble()).isEqualTo(1.0);
        assertThat(fan.get("maxMillis").asDouble()).isEqualTo(1.0);
        assertThat(fan.get("failures").asLong()).isEqualTo(1);
        assertThat(fan.get("slowLoops").asLong()).isZero();
        assertThat(fan.get("lastError").asText()).startsWith("java.lang.IllegalStateException: x at ");
        assertThat(json.get("b-pump").has("lastError")).isFalse();
        assertThat(context.failures()).isEmpty();
    }

    @Test
    void failuresNobodyReadAreReportedAtExitAndReadingTheHealthClearsThem() {
        profiles.named(fan, "fan");
        Object valve = new Object();
        profiles.named(valve, "valve");
        fail(fan, new IOException("sensor offline"));
        fail(fan, new IOException("sensor offline again"));
        fail(valve, new IllegalStateException("stuck"));
        profiles.healthRead("valve");

        profiles.reportUnreadFailures();

        assertThat(context.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.UNHANDLED_FAILURE);
            assertThat(f.controller()).contains("fan");
            assertThat(f.message()).contains("Controller 'fan' failed 2 time(s) in loop", "sensor offline again");
            assertThat(f.exception().orElseThrow().type()).isEqualTo("java.io.IOException");
            assertThat(f.site()).hasValueSatisfying(site -> assertThat(site).contains("ControllerProfilesTest"));
        });
    }

    private void fail(Object controller, Exception failure) {
        long token = profiles.enter(controller, "loop");
        profiles.exit(controller, "loop", token, null, failure);
    }
}
