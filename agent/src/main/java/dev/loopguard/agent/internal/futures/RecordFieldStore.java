package dev.loopguard.agent.internal.futures;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.ToLongFunction;

/**
 * Records found through a field of the future itself ({@link RecordField}), kept in striped arrays of slots with a
 * free list: nothing here hashes a future, and a record costs one slot and one free-list entry (8 bytes) at full
 * occupancy. {@link #find} is one field read. A record's {@link TrackedFuture#key} is its place: stripe in the low
 * four bits, slot above them.
 *
 * <p>A thread adds to the stripe its id picks, so the threads of different event loops rarely meet on one; a
 * removal takes the stripe the record was added to. Each stripe's lock is one compare-and-set to take and a release
 * store to give back, held for a few array writes (or a resize), never across a call out.
 */
abstract class RecordFieldStore implements FutureRecords {

    private static final int STRIPES = 16;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final IntConsumer watch;

    /** @param watch told +1 before a record is added and -1 after one is removed (see {@code TaskBridge.watched}) */
    RecordFieldStore(IntConsumer watch) {
        this.watch = Objects.requireNonNull(watch, "watch");
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Records held in {@code CompletableFuture}'s added field; only when {@link RecordField#present()}. */
    static RecordFieldStore inCompletableFutures(IntConsumer watch) {
        if (!RecordField.present()) {
            throw new IllegalStateException("CompletableFuture has no " + RecordField.NAME + " field");
        }
        return new RecordFieldStore(watch) {
            @Override
            TrackedFuture slotOf(Object future) {
                return future instanceof CompletableFuture ? RecordField.get((CompletableFuture<?>) future) : null;
            }

            @Override
            void setSlot(Object future, TrackedFuture record) {
                RecordField.set((CompletableFuture<?>) future, record);
            }
        };
    }

    /** The record {@code future} holds, or null; null too for an object that cannot hold one. */
    abstract TrackedFuture slotOf(Object future);

    /** Stores {@code record} (or null) in {@code future}'s field, with release semantics. */
    abstract void setSlot(Object future, TrackedFuture record);

    private static final class Stripe {
        TrackedFuture[] slots = new TrackedFuture[64];
        int[] free = new int[64];
        int freeCount;
        /** Slots ever used; those at and above it are free without being on the free list. */
        int top;
        /** Written under the lock, read without it by {@link #size()} (opaque). */
        int count;
        /** 1 while a writer holds the stripe. */
        int lock;
    }

    private static final VarHandle LOCK;
    private static final VarHandle COUNT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LOCK = lookup.findVarHandle(Stripe.class, "lock", int.class);
            COUNT = lookup.findVarHandle(Stripe.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void lock(Stripe s) {
        for (int spins = 0; !LOCK.compareAndSet(s, 0, 1); spins++) {
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder may have been descheduled
            }
        }
    }

    private static void unlock(Stripe s) {
        LOCK.setRelease(s, 0);
    }

    @Override
    public TrackedFuture find(Object future) {
        return slotOf(future);
    }

    @Override
    public void add(TrackedFuture record) {
        Object future = record.get();
        if (future == null) {
            return; // cannot happen while the caller holds the future; nothing to keep if it does
        }
        watch.accept(1);
        @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number
        int stripe = (int) Thread.currentThread().getId() & (STRIPES - 1);
        Stripe s = stripes[stripe];
        lock(s);
        try {
            int slot;
            if (s.freeCount > 0) {
                slot = s.free[--s.freeCount];
            } else {
                if (s.top == s.slots.length) {
                    s.slots = Arrays.copyOf(s.slots, s.top * 2);
                    s.free = new int[s.top * 2];
                }
                slot = s.top++;
            }
            s.slots[slot] = record;
            record.key = (slot << 4) | stripe;
            s.count = s.count + 1;
        } finally {
            unlock(s);
        }
        setSlot(future, record);
        // The completion hooks call in for this future only once they see the field set (TaskBridge.onCompletion);
        // the caller reads the future's result next and judges it if it completed meanwhile. The fence keeps that
        // read after the store, so that a completion racing with it is seen by one side or the other.
        VarHandle.fullFence();
    }

    @Override
    public boolean remove(TrackedFuture record) {
        // The key was written under the stripe's lock before the record could reach another thread (through the
        // future's field, written after the unlock with a release store, or through the reference queue).
        int key = record.key;
        Stripe s = stripes[key & (STRIPES - 1)];
        int slot = key >>> 4;
        lock(s);
        try {
            if (slot >= s.top || s.slots[slot] != record) {
                return false;
            }
            s.slots[slot] = null;
            s.free[s.freeCount++] = slot;
            s.count = s.count - 1;
        } finally {
            unlock(s);
        }
        Object future = record.get();
        if (future != null && slotOf(future) == record) {
            setSlot(future, null);
        }
        watch.accept(-1);
        return true;
    }

    @Override
    public List<TrackedFuture> snapshot() {
        List<TrackedFuture> all = new ArrayList<>();
        for (Stripe s : stripes) {
            lock(s);
            try {
                for (int i = 0; i < s.top; i++) {
                    if (s.slots[i] != null) {
                        all.add(s.slots[i]);
                    }
                }
            } finally {
                unlock(s);
            }
        }
        return all;
    }

    @Override
    public int size() {
        int total = 0;
        for (Stripe s : stripes) {
            total += (int) COUNT.getOpaque(s);
        }
        return total;
    }

    @Override
    public long slotBytes(ToLongFunction<Object> sizer) {
        long total = 0;
        for (Stripe s : stripes) {
            total += sizer.applyAsLong(s.slots) + sizer.applyAsLong(s.free); // racy reads are fine for a figure
        }
        return total;
    }
}
