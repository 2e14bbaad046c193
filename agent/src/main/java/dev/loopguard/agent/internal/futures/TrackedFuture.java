package dev.loopguard.agent.internal.futures;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * What the agent remembers about one tracked future. It refers to the future weakly, so tracking never keeps a future
 * alive; when the collector clears it, the record is queued and the reaper judges the future by its last state.
 *
 * <p>Kept small on purpose (the budget is 64 bytes per tracked future, table slot included): with compressed oops a
 * {@code WeakReference} is 28 bytes (header 12, referent, queue, next, discovered), and these fields add 4 ints/refs
 * and a byte: 45 bytes, 48 with alignment.
 */
final class TrackedFuture extends WeakReference<Object> {

    static final byte FAILED = 1;
    static final byte WAITED_ON = 2;
    static final byte OBSERVED = 4;
    static final byte TASK = 8;

    final int hash;
    final int site;
    int discardSite = -1;
    byte flags;
    /** The creating thread's name until a failure; then the failing thread's name. */
    String thread;
    Throwable failure;

    TrackedFuture(Object future, int hash, int site, String thread, ReferenceQueue<Object> queue) {
        super(future, queue);
        this.hash = hash;
        this.site = site;
        this.thread = thread;
    }

    boolean is(byte flag) {
        return (flags & flag) != 0;
    }
}
