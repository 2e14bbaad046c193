package dev.loopguard.agent.internal.futures;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Tracked futures by identity: striped open-addressing tables (linear probing, backward-shift deletion), so a tracked
 * future costs one 4-byte slot at a load factor of at most three quarters, instead of a hash-map entry and a key
 * wrapper.
 *
 * <p>Look-ups take no lock. Every use of a {@code CompletableFuture} and every completion with callbacks asks
 * "is this one tracked?", and at {@code tasks=sampled} the answer is almost always no: taking the stripe's monitor
 * for it (two atomic instructions) was most of what sampling cost. Each stripe is a sequence lock: a writer takes it
 * by turning the stripe's version odd with one compare-and-set and releases it by making it even again, so that
 * adding and removing a record costs one atomic instruction each (a monitor and a shared size counter cost three,
 * paid for every future at {@code tasks=full}); a reader probes without the lock and trusts its answer only if the
 * version was even and unchanged around the probe, else it probes again. Writers hold the lock for a probe run or
 * a resize, never across a call out, and release it in a {@code finally}.
 *
 * <p>A table made for few records ({@code tasks=sampled}) also keeps them, while there are at most
 * {@code fewLimit}, in a small copy-on-write array that look-ups scan by reference. Most futures are never tracked,
 * and the identity hash that the striped path needs is, for an object that has none yet, a call into the VM: the
 * most expensive step of asking "is this one tracked?". At that level records come and go rarely, so every change
 * takes one lock.
 */
final class FutureTable implements FutureRecords {

    private static final int STRIPES = 16;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final int fewLimit;
    /** Changes to the table while it may hold few records; unused (never taken) when {@code fewLimit} is 0. */
    private final Object fewLock = new Object();
    /** Every record, while there are at most {@code fewLimit}; null when look-ups must hash. */
    private volatile TrackedFuture[] few;

    /** Told +1 before a record is added and -1 after one is removed (see {@code TaskBridge.watched}). */
    private final IntConsumer watch;

    /** A table for many records: look-ups always hash. */
    FutureTable() {
        this(0, delta -> { });
    }

    /**
     * A table that scans instead of hashing while it holds at most {@code fewLimit} records, and tells {@code watch}
     * of every record added (+1, before it is visible) and removed (-1).
     */
    FutureTable(int fewLimit, IntConsumer watch) {
        this.watch = java.util.Objects.requireNonNull(watch, "watch");
        if (fewLimit < 0) {
            throw new IllegalArgumentException("fewLimit must be >= 0, was " + fewLimit);
        }
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
        this.fewLimit = fewLimit;
        this.few = fewLimit > 0 ? new TrackedFuture[0] : null;
    }

    private static final class Stripe {
        TrackedFuture[] slots = new TrackedFuture[64];
        /**
         * Written under the lock, read without it by {@link #size()} (opaque: fresh, unordered). Not volatile: a
         * volatile store is a full fence on x86, and it was paid twice per future at {@code tasks=full}; the unlock's
         * release store publishes it anyway.
         */
        int count;
        /** Odd while a writer holds the stripe; see {@link #lock} and {@link #find}. */
        int version;
    }

    private static final VarHandle VERSION;
    private static final VarHandle COUNT;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            VERSION = lookup.findVarHandle(Stripe.class, "version", int.class);
            COUNT = lookup.findVarHandle(Stripe.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Takes the stripe: turns its version odd with a compare-and-set (volatile, so it is ordered before every slot
     * write that follows). A holder only probes, moves entries or resizes, so a waiter spins briefly, and yields
     * if the holder was descheduled.
     */
    private static void lock(Stripe s) {
        for (int spins = 0; ; spins++) {
            int v = (int) VERSION.getOpaque(s);
            if ((v & 1) == 0 && VERSION.compareAndSet(s, v, v + 1)) {
                return;
            }
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Releases the stripe: the version turns even again after every slot write. */
    private static void unlock(Stripe s) {
        VERSION.setRelease(s, s.version + 1);
    }

    /** Records in the table: the stripes' counts, read without their locks. */
    @Override
    public int size() {
        int total = 0;
        for (Stripe s : stripes) {
            total += (int) COUNT.getOpaque(s);
        }
        return total;
    }

    /** The record for this future, or null when it is not tracked. */
    @Override
    public TrackedFuture find(Object future) {
        TrackedFuture[] scan = few;
        if (scan != null) {
            for (TrackedFuture r : scan) {
                if (r.get() == future) {
                    return r;
                }
            }
            return null;
        }
        int hash = System.identityHashCode(future);
        Stripe s = stripes[hash & (STRIPES - 1)];
        for (int tries = 0; ; tries++) {
            int before = (int) VERSION.getAcquire(s);
            if ((before & 1) == 0) {
                TrackedFuture found = probe(s.slots, hash, future);
                VarHandle.acquireFence(); // the probe's plain reads happen before the version is read again
                if ((int) VERSION.getOpaque(s) == before) {
                    return found;
                }
            }
            if (tries >= 64) {
                Thread.yield(); // a writer holds the stripe and may have been descheduled
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Linear probing from the home slot. Without the lock the array may be changing under the probe; the load factor
     * guarantees a null slot only for a consistent array, so the probe is bounded by the array's length.
     */
    private static TrackedFuture probe(TrackedFuture[] slots, int hash, Object future) {
        int mask = slots.length - 1;
        int i = index(hash, mask);
        for (int n = 0; n <= mask; n++, i = (i + 1) & mask) {
            TrackedFuture r = slots[i];
            if (r == null) {
                return null;
            }
            if (r.key == hash && r.get() == future) {
                return r;
            }
        }
        return null;
    }

    @Override
    public void add(TrackedFuture record) {
        record.key = System.identityHashCode(record.get());
        watch.accept(1);
        if (fewLimit == 0) {
            addHashed(record);
            return;
        }
        synchronized (fewLock) {
            addHashed(record);
            TrackedFuture[] scan = few;
            if (scan != null) {
                if (scan.length < fewLimit) {
                    TrackedFuture[] more = java.util.Arrays.copyOf(scan, scan.length + 1);
                    more[scan.length] = record;
                    few = more;
                } else {
                    few = null;
                }
            }
        }
    }

    private void addHashed(TrackedFuture record) {
        Stripe s = stripes[record.key & (STRIPES - 1)];
        lock(s);
        try {
            if ((s.count + 1) * 4 > s.slots.length * 3) {
                resize(s);
            }
            insert(s.slots, record);
            s.count = s.count + 1;
        } finally {
            unlock(s);
        }
    }

    /** Removes the record; false when it was not (or no longer) in the table. */
    @Override
    public boolean remove(TrackedFuture record) {
        if (removeFromTable(record)) {
            watch.accept(-1);
            return true;
        }
        return false;
    }

    private boolean removeFromTable(TrackedFuture record) {
        if (fewLimit == 0) {
            return removeHashed(record);
        }
        synchronized (fewLock) {
            if (!removeHashed(record)) {
                return false;
            }
            TrackedFuture[] scan = few;
            if (scan != null) {
                TrackedFuture[] fewer = new TrackedFuture[scan.length];
                int j = 0;
                for (TrackedFuture r : scan) {
                    if (r != record) {
                        fewer[j++] = r;
                    }
                }
                few = java.util.Arrays.copyOf(fewer, j);
            } else if (size() <= fewLimit / 2) {
                // back to scanning, with room to grow before hashing again (no flapping at the limit)
                few = snapshot().toArray(new TrackedFuture[0]);
            }
            return true;
        }
    }

    private boolean removeHashed(TrackedFuture record) {
        Stripe s = stripes[record.key & (STRIPES - 1)];
        lock(s);
        try {
            TrackedFuture[] slots = s.slots;
            int mask = slots.length - 1;
            int i = index(record.key, mask);
            while (slots[i] != record) {
                if (slots[i] == null) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = null;
            // backward-shift: move later entries of the probe run into the hole so lookups never stop early
            for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
                TrackedFuture moved = slots[j];
                int home = index(moved.key, mask);
                if (((j - home) & mask) >= ((j - i) & mask)) {
                    slots[i] = moved;
                    slots[j] = null;
                    i = j;
                }
            }
            s.count = s.count - 1;
            return true;
        } finally {
            unlock(s);
        }
    }

    /** A snapshot of every record. */
    @Override
    public List<TrackedFuture> snapshot() {
        List<TrackedFuture> all = new ArrayList<>();
        for (Stripe s : stripes) {
            lock(s);
            try {
                for (TrackedFuture r : s.slots) {
                    if (r != null) {
                        all.add(r);
                    }
                }
            } finally {
                unlock(s);
            }
        }
        return all;
    }

    /** Bytes of the slot arrays as {@code sizer} measures them (an {@code Instrumentation::getObjectSize}). */
    @Override
    public long slotBytes(java.util.function.ToLongFunction<Object> sizer) {
        long total = 0;
        for (Stripe s : stripes) {
            total += sizer.applyAsLong(s.slots); // a racy read is fine for a figure
        }
        return total;
    }

    /** Slot capacity summed over the stripes, for the memory figure in the docs. */
    int capacity() {
        int total = 0;
        for (Stripe s : stripes) {
            total += s.slots.length; // a racy read is fine for a figure
        }
        return total;
    }

    private static void resize(Stripe s) {
        TrackedFuture[] old = s.slots;
        TrackedFuture[] bigger = new TrackedFuture[old.length * 2];
        for (TrackedFuture r : old) {
            if (r != null) {
                insert(bigger, r);
            }
        }
        s.slots = bigger;
    }

    private static void insert(TrackedFuture[] slots, TrackedFuture record) {
        int mask = slots.length - 1;
        int i = index(record.key, mask);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = record;
    }

    private static int index(int hash, int mask) {
        // the low bits chose the stripe; spread the rest
        int h = hash >>> 4;
        h ^= h >>> 11;
        h *= 0x9E3779B1;
        return (h ^ (h >>> 15)) & mask;
    }
}
