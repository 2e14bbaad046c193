package dev.loopguard.agent.internal.futures;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Where the tracker keeps its records of tracked futures: strongly, so that each record's weak reference is queued
 * when its future becomes unreachable, and findable from the future. Implementations are safe for concurrent use
 * from any thread; {@link #find} takes no lock, because it runs for every completion and stage.
 */
interface FutureRecords {

    /** The record of this future, or null when it is not tracked. */
    TrackedFuture find(Object future);

    /** Keeps {@code record}, whose future is still strongly reachable from the caller, and makes it findable. */
    void add(TrackedFuture record);

    /** Drops the record; false when it was not (or no longer) kept. */
    boolean remove(TrackedFuture record);

    /** A snapshot of every record. */
    List<TrackedFuture> snapshot();

    /** Records kept, read without locks. */
    int size();

    /** Bytes of the store's own arrays as {@code sizer} measures them (an {@code Instrumentation::getObjectSize}). */
    long slotBytes(ToLongFunction<Object> sizer);
}
