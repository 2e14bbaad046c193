package dev.loopguard.agent.internal.tasks;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The operand stack as one {@link TaskFlowPass} models it. A slot holds no value, only what the analysis needs to
 * know of it: bit 0 ({@link #TASK}) says it may hold the task, the other bits name a fresh array created in the
 * handler (0 for anything else), so that storing the task into an array nobody else can see yet is followed rather
 * than given up on. Anything that takes a slot off the stack to a place the analysis does not follow throws
 * {@link TaskFlowPass.MayKeep} when the slot may hold the task, and marks a fresh array as reachable from elsewhere.
 */
final class TaintStack {
    /** Bit 0 of a slot: the value may be the task. */
    static final int TASK = 1;

    private int[] slots = new int[16];
    private int size;
    /** Fresh arrays that left the stack: they may be reachable from elsewhere from then on. */
    private final BitSet aliasedArrays = new BitSet();

    static boolean isTask(int value) {
        return (value & TASK) != 0;
    }

    /** The fresh array a slot names, 0 for none. */
    static int arrayId(int value) {
        return value >>> 1;
    }

    void push(int value) {
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, size * 2);
        }
        slots[size++] = value;
    }

    int pop() {
        if (size == 0) {
            throw TaskFlowPass.MayKeep.INSTANCE; // stack underflow: not code we understand
        }
        return slots[--size];
    }

    /** Pushes a value of {@code width} slots (0 for void): a long or double is two plain slots. */
    void pushValue(int width, int value) {
        if (width == 2) {
            push(0);
            push(0);
        } else if (width == 1) {
            push(value);
        }
    }

    void popValue(int width) {
        for (int i = 0; i < width; i++) {
            consume(pop());
        }
    }

    /** Pops {@code pops} slots that must not hold the task, pushes {@code pushes} plain slots. */
    void primitive(int pops, int pushes) {
        for (int i = 0; i < pops; i++) {
            consume(pop());
        }
        for (int i = 0; i < pushes; i++) {
            push(0);
        }
    }

    /** The value goes somewhere the analysis does not follow: fine unless it may be the task. */
    void consume(int value) {
        if (isTask(value)) {
            throw TaskFlowPass.MayKeep.INSTANCE;
        }
        alias(value);
    }

    /** A fresh array left the stack: from now on it may be reachable from elsewhere. */
    void alias(int value) {
        int id = arrayId(value);
        if (id != 0) {
            aliasedArrays.set(id);
        }
    }

    boolean isAliased(int arrayId) {
        return aliasedArrays.get(arrayId);
    }

    /** The task was stored into fresh array {@code arrayId}: every slot holding that array now may hold the task. */
    void taintArray(int arrayId) {
        for (int i = 0; i < size; i++) {
            if (arrayId(slots[i]) == arrayId) {
                slots[i] |= TASK;
            }
        }
    }

    boolean mayHoldTask() {
        for (int i = 0; i < size; i++) {
            if (isTask(slots[i])) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        size = 0;
    }

    /** The stack as it meets other paths: taint kept, fresh-array identities dropped (conservative). */
    int[] plainCopy() {
        int[] copy = Arrays.copyOf(slots, size);
        for (int i = 0; i < copy.length; i++) {
            copy[i] &= TASK;
        }
        return copy;
    }

    /** Continues from a stack merged at a frame. */
    void replaceWith(int[] merged) {
        slots = Arrays.copyOf(merged, Math.max(16, merged.length * 2));
        size = merged.length;
    }

    /** The slot-wise union of two stacks reaching one point; null stands for a path not seen yet. */
    static int[] union(int[] a, int[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.length != b.length) {
            throw TaskFlowPass.MayKeep.INSTANCE; // stacks of different heights meet: not valid code
        }
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] | b[i];
        }
        return out;
    }
}
