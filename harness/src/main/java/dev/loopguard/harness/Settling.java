package dev.loopguard.harness;

import dev.loopguard.agent.FindingScope;
import dev.loopguard.agent.LoopguardAgent;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What happens between a test's end and its judgement: everything the test's work can still be found guilty of is
 * given the chance to surface, at a cost only when something of the test is still pending.
 */
final class Settling {
    /** How long one collection is given to reach the agent's reaper before the next one is asked for. */
    private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    private Settling() {
    }

    /**
     * On the test thread, inside the test's scope: its core event-loop tasks still pending become findings now, and
     * while futures it created are still tracked, collections are triggered until none is left, a round judges none
     * of them (they are still reachable: nothing more will surface now), or {@code timeout} passes.
     */
    static void settle(FindingScope scope, Duration timeout) {
        LoopguardAgent.checkPendingTasks(); // inside the scope: this test's tasks only
        awaitJudged(scope::pendingRecords, timeout);
    }

    /** At the end of a class: the same wait for the futures of all its judged tests together. */
    static void settleLate(Set<String> scopes, Duration timeout) {
        if (scopes.isEmpty()) {
            return;
        }
        // The scopes are closed: only a collection can still bring their findings, and it costs one round at most
        // when nothing is left (the reaper's queue is then empty).
        System.gc();
        LockSupport.parkNanos(ROUND_NANOS);
    }

    private interface Pending {
        int count();
    }

    private static void awaitJudged(Pending pending, Duration timeout) {
        int left = pending.count();
        if (left == 0) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (left > 0 && System.nanoTime() - deadline < 0) {
            System.gc();
            long roundEnd = Math.min(System.nanoTime() + ROUND_NANOS, deadline);
            int now = pending.count();
            while (now >= left && System.nanoTime() - roundEnd < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                now = pending.count();
            }
            if (now >= left) {
                return; // a collection judged none of them: they are reachable, nothing more surfaces now
            }
            left = now;
        }
    }
}
