package dev.loopguard.agent.internal.tasks;

import dev.loopguard.agent.bootstrap.LoopTaskBridge;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The task classes past their first tasks at {@code tasks=sampled}, as the table that {@code LoopTaskBridge} probes
 * for every task queued on a core or Netty loop: the classes' {@linkplain LoopTaskBridge#classKey keys} (zero marks an
 * empty slot), open-addressed in a power-of-two length kept at most half full so that a probe always ends at an
 * empty slot. Keys rather than classes, so that no class and no class loader is pinned by the agent. The table is
 * copied on every addition, so a published one never changes and the bridge reads it without a lock; classes are
 * added once each, a few per program, while the probes run per task.
 */
final class SampledOutClasses {

    private int[] table = new int[16];
    private int size;
    /** Null until {@link #publishTo}: no lambda for a default, as this is built when tracking starts. */
    private Consumer<int[]> publisher;

    /** Hands the table to {@code target}, now and after every addition. */
    synchronized void publishTo(Consumer<int[]> target) {
        publisher = Objects.requireNonNull(target, "target");
        target.accept(table);
    }

    /** Adds {@code type} (no effect when present) and publishes the new table. */
    synchronized void add(Class<?> type) {
        int hash = LoopTaskBridge.classKey(Objects.requireNonNull(type, "type"));
        if (hash == 0 || contains(table, hash)) {
            return; // a zero key cannot be marked: that class keeps calling in, as a class past nothing would
        }
        int[] next = table.length >= 2 * (size + 1) ? table.clone() : rehash(table, table.length * 2);
        insert(next, hash);
        size++;
        table = next;
        if (publisher != null) {
            publisher.accept(next);
        }
    }

    synchronized boolean contains(Class<?> type) {
        return contains(table, LoopTaskBridge.classKey(type));
    }

    synchronized int size() {
        return size;
    }

    private static boolean contains(int[] set, int hash) {
        int mask = set.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            if (set[i] == 0) {
                return false;
            }
            if (set[i] == hash) {
                return true;
            }
        }
    }

    private static int[] rehash(int[] old, int length) {
        int[] next = new int[length];
        for (int hash : old) {
            if (hash != 0) {
                insert(next, hash);
            }
        }
        return next;
    }

    private static void insert(int[] set, int hash) {
        int mask = set.length - 1;
        int i = hash & mask;
        while (set[i] != 0) {
            i = (i + 1) & mask;
        }
        set[i] = hash;
    }
}
