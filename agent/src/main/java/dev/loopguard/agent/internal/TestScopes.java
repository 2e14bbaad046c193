package dev.loopguard.agent.internal;

import java.lang.ref.Reference;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scopes behind {@code LoopguardAgent.openScope}: which test the current thread works for, so that a finding is
 * charged to the test that created the work, whenever and wherever it is found.
 *
 * <p>A thread is in a scope when it opened it (the test thread), or while it runs a task that was queued from inside
 * it (a core {@code EventLoop} task, set by the loop-task hook). Tracked futures and followed loop tasks remember the
 * scope they were created in, and the detectors that judge them later (the reaper, the pending-task check) charge
 * their findings to that scope with {@link #charge}, even after it closed. A finding raised on a thread that is in no
 * scope (a pool thread, the stall watchdog) is charged to the one open scope when exactly one is open, and to none
 * while several are.
 *
 * <p>Cost: while no scope is open, {@link #current()} is one read of a volatile field, and nothing else in the agent
 * changes. Scopes are for tests; the hot paths pay the thread-local lookup only while one is open.
 */
public final class TestScopes {
    /** How many scopes are open; read first by every question, so that nothing else is read while it is zero. */
    private static volatile int open;
    /** The one open scope while exactly one is, for threads in no scope of their own; guarded by the class. */
    private static volatile Scope only;
    private static final java.util.Set<Scope> OPEN = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<Scope, Boolean>());
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();
    /**
     * {@link #CURRENT} as other threads see it, for the stall watchdog, which samples a loop thread from its own: an
     * entry per thread in a scope while one is open, dropped when the scope closes.
     */
    private static final java.util.Map<Thread, Scope> BY_THREAD = new java.util.concurrent.ConcurrentHashMap<>();
    /** The scope a detector judging a remembered record charges its finding to; {@link #NONE} for no scope. */
    private static final ThreadLocal<Scope> CHARGED = new ThreadLocal<>();
    /** Marks work created outside every scope while it is judged, so that it is charged to nobody. */
    private static final Scope NONE = new Scope("(none)", null);

    private TestScopes() {
    }

    /** One scope: its name (the test), and the records of tracked futures created in it not judged yet. */
    public static final class Scope {
        private final String name;
        private final Scope enclosing;
        /**
         * The records themselves (weak references to their futures), so that settling can tell a future that is
         * still reachable (nothing will surface now) from one the collector let go of (its verdict is on the way).
         * Kept only for work created in a scope, that is, in tests.
         */
        private final Set<Reference<?>> pending = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        Scope(String name, Scope enclosing) {
            this.name = name;
            this.enclosing = enclosing;
        }

        public String name() { return name; }

        public boolean closed() { return closed; }

        /** Tracked futures created in this scope that are still tracked (neither completed nor judged). */
        public int pending() { return pending.size(); }

        /** A record of a future created in this scope started being tracked. */
        public void tracked(Reference<?> record) {
            pending.add(record);
        }

        /** That record was forgotten or judged. */
        public void untracked(Reference<?> record) {
            pending.remove(record);
        }

        /** Records whose future the collector found unreachable and that the reaper has not judged yet. */
        public int collectedNotJudged() {
            int n = 0;
            for (Reference<?> record : pending) {
                if (record.refersTo(null)) {
                    n++;
                }
            }
            return n;
        }
    }

    /**
     * Settling, for {@code FindingScope.settle}: while futures of {@code scope} are still tracked, one collection,
     * then a wait, at most {@code timeoutNanos}, while records the collection let go of are still to be judged.
     * Returns the records left, all of futures still reachable (unless the time ran out).
     */
    public static int settle(Scope scope, long timeoutNanos) {
        if (scope.pending() == 0) {
            return 0;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        System.gc(); // clears the weak references of unreachable futures before it returns
        while (scope.collectedNotJudged() > 0 && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000L); // the reaper judges them in turn
        }
        return scope.pending();
    }

    /** Opens a scope on the current thread, inside the one it is in (restored when this one closes). */
    public static Scope open(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("scope name must not be empty");
        }
        Scope scope = new Scope(name, CURRENT.get());
        synchronized (TestScopes.class) {
            OPEN.add(scope);
            publish();
        }
        CURRENT.set(scope);
        BY_THREAD.put(Thread.currentThread(), scope);
        return scope;
    }

    /** Closes {@code scope}; work it created keeps it, so that late findings still name it. Idempotent. */
    public static void close(Scope scope) {
        synchronized (TestScopes.class) {
            if (scope.closed) {
                return;
            }
            scope.closed = true;
            OPEN.remove(scope);
            publish();
        }
        BY_THREAD.values().removeIf(s -> s == scope);
        if (CURRENT.get() == scope) {
            Scope enclosing = scope.enclosing;
            while (enclosing != null && enclosing.closed) {
                enclosing = enclosing.enclosing;
            }
            if (enclosing == null) {
                CURRENT.remove();
                BY_THREAD.remove(Thread.currentThread());
            } else {
                CURRENT.set(enclosing);
                BY_THREAD.put(Thread.currentThread(), enclosing);
            }
        }
    }

    private static void publish() {
        only = OPEN.size() == 1 ? OPEN.iterator().next() : null;
        open = OPEN.size();
    }

    /** Whether any scope is open: one volatile read, for hooks that pay for scopes only while one is. */
    public static boolean anyOpen() {
        return open != 0;
    }

    /**
     * The scope new work on this thread belongs to: the thread's own (on a loop thread, the scope of the task it runs,
     * even when that scope closed since: the task is that test's late work), else the only open scope; null while
     * none is open, or while several are and this thread is in none.
     */
    public static Scope current() {
        if (open == 0) {
            return null;
        }
        Scope scope = CURRENT.get();
        if (scope == NONE) {
            return null; // a loop task of no scope: its work is nobody's, never the running test's
        }
        return scope != null ? scope : only;
    }

    /** The open scope this thread itself is in (opened here, or the scope of the loop task it runs), or null. */
    public static Scope ownScope() {
        if (open == 0) {
            return null;
        }
        Scope scope = CURRENT.get();
        return scope != null && scope != NONE && !scope.closed ? scope : null;
    }

    /**
     * A core event-loop thread is about to run a task queued in {@code scope}: the thread works for that scope until
     * its next task. Null: the task's scope is not known (it was not followed, as most tasks at {@code tasks=sampled});
     * the thread then counts as in no scope. {@link #runningTaskOfNoScope()}: it is known to belong to none.
     */
    public static void runningTaskOf(Scope scope) {
        if (scope == null) {
            CURRENT.remove();
            BY_THREAD.remove(Thread.currentThread());
        } else {
            CURRENT.set(scope);
            BY_THREAD.put(Thread.currentThread(), scope);
        }
    }

    /**
     * The loop thread runs a task queued outside every scope, or one already reported and no longer followed: what
     * it causes is charged to no test, not to the only one running.
     */
    public static void runningTaskOfNoScope() {
        CURRENT.set(NONE);
        BY_THREAD.remove(Thread.currentThread());
    }

    /**
     * The scope {@code thread} works for right now (as {@link #current()} on that thread, without the fallback), or
     * null; safe from any thread (the stall watchdog).
     */
    public static Scope of(Thread thread) {
        if (open == 0 || thread == null) {
            return null;
        }
        return BY_THREAD.get(thread);
    }

    /**
     * Charges what the current thread records from now on to {@code scope} (null: to no scope), open or closed, until
     * {@link #endCharge}; for detectors judging a record that remembers where it was created.
     */
    public static Scope charge(Scope scope) {
        Scope previous = CHARGED.get();
        CHARGED.set(scope == null ? NONE : scope);
        return previous;
    }

    public static void endCharge(Scope previous) {
        if (previous == null) {
            CHARGED.remove();
        } else {
            CHARGED.set(previous);
        }
    }

    /** The name of the scope a finding recorded now on this thread is charged to, or null. */
    public static String chargedName() {
        Scope charged = CHARGED.get();
        if (charged != null) {
            return charged == NONE ? null : charged.name;
        }
        if (CURRENT.get() == NONE) {
            return null;
        }
        Scope scope = current();
        return scope == null ? null : scope.name;
    }
}
