package com.acme.tasks;

import dev.loopguard.agent.Finding;
import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.LoopguardAgent;
import dev.loopguard.core.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the JUnit extension will do at the end of a test: a core event loop holds a delayed one-shot task the "test"
 * left behind, a periodic schedule and a task that already ran; {@link LoopguardAgent#checkPendingTasks()} is
 * called twice, and the JVM then exits with the loop still running (its thread is a daemon). Prints what each check
 * returned, what the findings and a listener saw, and {@code scenario done}; the forked-JVM test also reads the
 * report written at exit.
 */
public final class PendingCheckScenario {

    private PendingCheckScenario() {
    }

    public static void main(String[] args) {
        AtomicInteger heard = new AtomicInteger();
        LoopguardAgent.addListener(f -> {
            if (f.kind() == FindingKind.LOST_TASK) {
                heard.incrementAndGet();
            }
        });
        EventLoop loop = EventLoop.builder().name("checked").build();
        ranBeforeTheCheck(loop);
        periodicSchedule(loop);
        leftPendingByTheTest(loop);

        List<Finding> found = LoopguardAgent.checkPendingTasks();
        for (Finding f : found) {
            System.out.println("checked: " + f.reason().orElse("-") + " x" + f.count() + " on loop "
                    + f.loop().orElse("-") + " at " + f.site().orElse("-"));
        }
        System.out.println("first check found " + found.size());
        System.out.println("second check found " + LoopguardAgent.checkPendingTasks().size());
        System.out.println("findings hold " + LoopguardAgent.findings().stream()
                .filter(f -> f.kind() == FindingKind.LOST_TASK).mapToLong(Finding::count).sum() + " lost task(s)");
        System.out.println("listener heard " + heard.get() + " lost task(s)");
        System.out.println("scenario done");
    }

    static void ranBeforeTheCheck(EventLoop loop) {
        loop.submit(() -> "sent").join();
    }

    static void periodicSchedule(EventLoop loop) {
        loop.scheduleAtFixedRate(() -> { }, Duration.ofHours(1), Duration.ofHours(1));
    }

    static void leftPendingByTheTest(EventLoop loop) {
        loop.schedule(() -> System.out.println("never printed"), Duration.ofHours(1));
    }
}
