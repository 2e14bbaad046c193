package dev.loopguard.agent;

import dev.loopguard.agent.internal.TestScopes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scope opened by {@link LoopguardAgent#openScope(String)}, usually one per test: the findings caused by work
 * created inside it are charged to it ({@link Finding#test()} is its {@link #name()}), whenever and on whichever
 * thread they are found.
 *
 * <p>Work created inside the scope: the futures the agent tracks that code on the opening thread creates, the tasks
 * it queues on core {@code EventLoop}s, and, on a loop, the futures and tasks those tasks create in turn (a loop thread
 * works for the scope of the task it runs). A loop stall is charged to the scope the loop worked for while it
 * stalled. A finding on a thread in no scope (a pool thread, a framework loop) is charged to the one open scope when
 * exactly one is open, and to none while several are.
 *
 * <p>Closing the scope ends it on the opening thread; it is not forgotten: a future created inside it that fails
 * unobserved, or is lost, after the close is still charged to it, and so is a loop task queued inside it that runs
 * later. Closing twice, from any thread, closes it once.
 */
public final class FindingScope implements AutoCloseable {
    private final TestScopes.Scope scope;

    FindingScope(TestScopes.Scope scope) {
        this.scope = scope;
    }

    /** The name findings carry in {@link Finding#test()}. */
    public String name() {
        return scope.name();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return scope.closed();
    }

    /**
     * How many futures created inside this scope the agent still tracks: neither completed nor judged after becoming
     * unreachable. What a test harness waits on (after triggering a collection) before it judges the test: while it
     * is above zero, a finding of this scope may still surface.
     */
    public int pendingRecords() {
        return scope.pending();
    }

    /**
     * Gives the futures created in this scope the chance to be judged now: when some are still tracked, triggers a
     * collection ({@code System.gc()}) and waits, at most {@code timeout}, while the ones it found unreachable are
     * being judged by the agent (their findings, such as a failure nobody observed, are then recorded). Returns at
     * once when none is tracked; does not wait for futures that are still reachable, which cannot be judged yet.
     * A JVM run with {@code -XX:+DisableExplicitGC} collects nothing here.
     *
     * @return how many futures of the scope are still tracked afterwards
     */
    public int settle(java.time.Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return TestScopes.settle(scope, Math.max(0L, timeout.toNanos()));
    }

    /** The findings charged to this scope so far, oldest first (a subset of {@link LoopguardAgent#findings()}). */
    public List<Finding> findings() {
        List<Finding> mine = new ArrayList<>();
        for (Finding f : LoopguardAgent.findings()) {
            if (f.test().isPresent() && f.test().get().equals(scope.name())) {
                mine.add(f);
            }
        }
        return mine;
    }

    /** Ends the scope on the thread that opened it (it goes back to the scope it was in). Idempotent. */
    @Override
    public void close() {
        TestScopes.close(scope);
    }

    @Override
    public String toString() {
        return "FindingScope[" + scope.name() + (scope.closed() ? ", closed]" : "]");
    }
}
