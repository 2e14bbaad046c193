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
    /** How long the end-of-class collection is given to bring the verdicts of closed scopes. */
    private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    private Settling() {
    }

    /**
     * On the test thread, inside the test's scope: its core event-loop tasks still pending become findings now, and,
     * only while futures it created are still tracked, one collection and a wait, at most {@code timeout}, while the
     * agent judges those the collection found unreachable ({@link FindingScope#settle}).
     */
    static void settle(FindingScope scope, Duration timeout) {
        LoopguardAgent.checkPendingTasks(); // inside the scope: this test's tasks only
        scope.settle(timeout);
    }

    /** At the end of a class: one more collection for the futures of its judged tests, a short wait for verdicts. */
    static void settleLate(Set<String> scopes, Duration timeout) {
        if (scopes.isEmpty()) {
            return;
        }
        // The scopes are closed: only a collection can still bring their findings. Best effort, bounded.
        System.gc();
        LockSupport.parkNanos(Math.min(ROUND_NANOS, timeout.toNanos()));
    }
}
