package dev.loopguard.agent.internal.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The controller scope as another thread (the stall watchdog) sees it. */
class ControllerScopeTest {

    @Test
    void anotherThreadSeesTheControllerAThreadIsInsideAndNothingOnceItLeaves() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        CountDownLatch left = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread step = new Thread(() -> {
            try {
                String outer = ControllerScope.enter("kiln");
                String nested = ControllerScope.enter("fan");
                ControllerScope.restore(nested);
                inside.countDown();
                leave.await();
                ControllerScope.restore(outer);
                left.countDown();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "controller-step");
        step.start();
        try {
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ControllerScope.of(step)).isEqualTo("kiln");
            assertThat(ControllerScope.of(Thread.currentThread())).isNull();
        } finally {
            leave.countDown();
        }
        assertThat(left.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ControllerScope.of(step)).isNull();
        step.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(failure.get()).isNull();
        assertThat(ControllerScope.of(null)).isNull();
    }

    @Test
    void theEnricherNamesTheControllerOfTheCurrentStepAndKeepsANameAlreadyGiven() {
        ControllerScope.Enricher enricher = new ControllerScope.Enricher();
        Finding plain = Finding.builder(FindingKind.BLOCKING_CALL).thread("t").message("m").build();
        assertThat(enricher.enrich(plain)).isSameAs(plain);
        String outer = ControllerScope.enter("kiln");
        try {
            assertThat(enricher.enrich(plain).controller()).hasValue("kiln");
            Finding named = plain.toBuilder().controller("fan").build();
            assertThat(enricher.enrich(named)).isSameAs(named);
        } finally {
            ControllerScope.restore(outer);
        }
        assertThat(enricher.enrich(plain)).isSameAs(plain);
    }
}
