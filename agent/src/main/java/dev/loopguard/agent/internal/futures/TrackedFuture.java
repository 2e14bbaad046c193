package dev.loopguard.agent.internal.futures;

import dev.loopguard.agent.internal.TestScopes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * What the agent remembers about one tracked future. It refers to the future weakly, so tracking never keeps a future
 * alive; when the collector clears it, the record is queued and the reaper judges the future by its last state.
 *
 * <p>Kept small on purpose (the budget is 64 bytes per tracked pending future, table slot included): with compressed
 * oops a {@code WeakReference} is 28 bytes, and this class adds two ints, a byte and one reference: 48 bytes with
 * alignment (the store's {@link #key} included); the test {@link #scope} reference fits in that alignment gap. The rarer facts (the failure, where the future was dropped) go
 * into a {@link Details} object that only failed or dropped futures pay for.
 */
final class TrackedFuture extends WeakReference<Object> {

    static final byte FAILED = 1;
    static final byte WAITED_ON = 2;
    static final byte OBSERVED = 4;
    static final byte TASK = 8;
    /**
     * Its {@code toCompletableFuture()} was called, which is how {@code thenCompose} takes over the future its function
     * returned: a failure it shares with a later failed future went on to that one.
     */
    static final byte COMPOSED = 16;

    private static final VarHandle FLAGS;

    static {
        try {
            FLAGS = MethodHandles.lookup().findVarHandle(TrackedFuture.class, "flags", byte.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Where its store keeps it, set by {@link FutureRecords#add} before the record is published: the future's
     * identity hash in a {@link FutureTable}, the stripe and slot in {@link RecordFieldStore}.
     */
    int key;
    final int site;
    /** Set only through {@link #mark} (one atomic instruction, no monitor), read plainly by {@link #is}. */
    private byte flags;
    /** The creating thread's name, until {@link Details} replace it. */
    private Object extra;
    /** The test scope the future was created in, charged with its findings; null outside every scope. */
    final TestScopes.Scope scope;

    TrackedFuture(Object future, int site, String thread, ReferenceQueue<Object> queue) {
        super(future, queue);
        this.site = site;
        this.extra = thread;
        TestScopes.Scope current = TestScopes.current();
        if (current != null) {
            current.tracked(this);
        }
        this.scope = current;
    }

    /** The record is no longer tracked (forgotten or judged): its scope has one record less to wait for. */
    void untracked() {
        if (scope != null) {
            scope.untracked(this);
        }
    }

    /** Facts only failed or dropped futures have. */
    private static final class Details {
        String thread;
        Throwable failure;
        int discardSite = -1;

        Details(String thread) {
            this.thread = thread;
        }
    }

    boolean is(byte flag) {
        return (flags & flag) != 0;
    }

    /** Sets {@code flag}; returns whether it was clear before. Safe from any thread, alongside the other flags. */
    boolean mark(byte flag) {
        return ((byte) FLAGS.getAndBitwiseOr(this, flag) & flag) == 0;
    }

    synchronized String thread() {
        return extra instanceof Details ? ((Details) extra).thread : (String) extra;
    }

    synchronized Throwable failure() {
        return extra instanceof Details ? ((Details) extra).failure : null;
    }

    synchronized int discardSite() {
        return extra instanceof Details ? ((Details) extra).discardSite : -1;
    }

    /** Records the failure and the thread it happened on. */
    synchronized void failedWith(Throwable failure, String thread) {
        Details details = details();
        details.failure = failure;
        details.thread = thread;
    }

    synchronized void droppedAt(int site) {
        details().discardSite = site;
    }

    private Details details() {
        if (!(extra instanceof Details)) {
            extra = new Details((String) extra);
        }
        return (Details) extra;
    }
}
