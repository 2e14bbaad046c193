package dev.loopguard.agent.internal.futures;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tracked futures by identity: striped open-addressing tables (linear probing, backward-shift deletion), so a tracked
 * future costs one 4-byte slot at a load factor of at most three quarters, instead of a hash-map entry and a key
 * wrapper.
 */
final class FutureTable {

    private static final int STRIPES = 16;

    private final Stripe[] stripes = new Stripe[STRIPES];
    private final AtomicInteger size = new AtomicInteger();

    FutureTable() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private static final class Stripe {
        TrackedFuture[] slots = new TrackedFuture[64];
        int count;
    }

    int size() {
        return size.get();
    }

    /** The record for this future, or null when it is not tracked. */
    TrackedFuture find(Object future) {
        int hash = System.identityHashCode(future);
        Stripe s = stripes[hash & (STRIPES - 1)];
        synchronized (s) {
            TrackedFuture[] slots = s.slots;
            int mask = slots.length - 1;
            for (int i = index(hash, mask); ; i = (i + 1) & mask) {
                TrackedFuture r = slots[i];
                if (r == null) {
                    return null;
                }
                if (r.hash == hash && r.get() == future) {
                    return r;
                }
            }
        }
    }

    void add(TrackedFuture record) {
        Stripe s = stripes[record.hash & (STRIPES - 1)];
        synchronized (s) {
            if ((s.count + 1) * 4 > s.slots.length * 3) {
                resize(s);
            }
            insert(s.slots, record);
            s.count++;
        }
        size.incrementAndGet();
    }

    /** Removes the record; false when it was not (or no longer) in the table. */
    boolean remove(TrackedFuture record) {
        Stripe s = stripes[record.hash & (STRIPES - 1)];
        synchronized (s) {
            TrackedFuture[] slots = s.slots;
            int mask = slots.length - 1;
            int i = index(record.hash, mask);
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
                int home = index(moved.hash, mask);
                if (((j - home) & mask) >= ((j - i) & mask)) {
                    slots[i] = moved;
                    slots[j] = null;
                    i = j;
                }
            }
            s.count--;
        }
        size.decrementAndGet();
        return true;
    }

    /** A snapshot of every record. */
    List<TrackedFuture> snapshot() {
        List<TrackedFuture> all = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (TrackedFuture r : s.slots) {
                    if (r != null) {
                        all.add(r);
                    }
                }
            }
        }
        return all;
    }

    /** Bytes of the slot arrays as {@code sizer} measures them (an {@code Instrumentation::getObjectSize}). */
    long slotBytes(java.util.function.ToLongFunction<Object> sizer) {
        long total = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                total += sizer.applyAsLong(s.slots);
            }
        }
        return total;
    }

    /** Slot capacity summed over the stripes, for the memory figure in the docs. */
    int capacity() {
        int total = 0;
        for (Stripe s : stripes) {
            synchronized (s) {
                total += s.slots.length;
            }
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
        int i = index(record.hash, mask);
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
