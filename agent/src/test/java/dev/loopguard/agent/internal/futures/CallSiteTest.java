package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What a call site knows about its result without looking it up. */
class CallSiteTest {

    private static CallSite call(String calleeClass, String calleeMethod) {
        return new CallSite(0, "com.acme.Pump", "run", "Pump.java", 41, calleeClass, calleeMethod,
                "java.util.concurrent.CompletableFuture", CallSite.Disposition.RETURNED_FUTURE);
    }

    @Test
    void constructorsAndTheStaticFactoriesOfCompletableFutureAlwaysReturnANewObject() {
        Object anyResult = new CompletableFuture<>() { }; // even of a subclass
        assertThat(call("com.acme.Job", "<init>").returnedNew(anyResult)).isTrue();
        assertThat(call("java.util.concurrent.CompletableFuture", "supplyAsync").returnedNew(anyResult)).isTrue();
        assertThat(call("java.util.concurrent.CompletableFuture", "allOf").returnedNew(anyResult)).isTrue();
    }

    @Test
    void aStageMethodReturnsANewFutureOnlyWhenTheResultIsAPlainCompletableFuture() {
        CallSite thenApply = call("java.util.concurrent.CompletableFuture", "thenApply");
        assertThat(thenApply.returnedNew(new CompletableFuture<>())).isTrue();
        assertThat(thenApply.returnedNew(new CompletableFuture<>() { })).as("a subclass may override it").isFalse();
    }

    @Test
    void methodsThatMayReturnAFutureThatAlreadyExistedAreLookedUp() {
        CompletableFuture<Object> plain = new CompletableFuture<>();
        assertThat(call("java.util.concurrent.CompletableFuture", "orTimeout").returnedNew(plain))
                .as("returns its receiver").isFalse();
        assertThat(call("java.util.concurrent.CompletableFuture", "toCompletableFuture").returnedNew(plain)).isFalse();
        assertThat(call("java.util.concurrent.CompletionStage", "thenApply").returnedNew(plain))
                .as("any implementation").isFalse();
        assertThat(call("com.acme.Repo", "pending").returnedNew(plain)).isFalse();
    }

    @Test
    void theStackTraceElementIsBuiltOnceAndRendersAsTheFrame() {
        CallSite site = call("com.acme.Repo", "save");
        assertThat(site.element()).isSameAs(site.element());
        assertThat(site.frame()).isEqualTo("com.acme.Pump.run(Pump.java:41)");
    }
}
