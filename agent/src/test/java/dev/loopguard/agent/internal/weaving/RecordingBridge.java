package dev.loopguard.agent.internal.weaving;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records what woven code passes to it: the bridge of {@link HookWeaverTest}. */
public final class RecordingBridge {
    static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());
    static volatile int next;
    static volatile Throwable lastThrown;

    public static int enter(String operation, int kind, Object subject) {
        int token = next++;
        EVENTS.add("enter " + operation + " " + kind + " " + subject + " -> " + token);
        return token;
    }

    public static void exit(int token) {
        EVENTS.add("exit " + token);
    }

    public static long enterLong(Object self, String name) {
        long token = (1L << 40) + next++;
        EVENTS.add("enterLong " + self + " " + name + " -> " + token);
        return token;
    }

    public static void exitLong(long token) {
        EVENTS.add("exitLong " + token);
    }

    public static void mark(String name) {
        EVENTS.add("mark " + name);
    }

    public static void returnedObj(Object returned, Object self, String name, long token) {
        EVENTS.add("returnedObj " + returned + " " + self + " " + name + " " + token);
    }

    public static void thrown(Throwable thrown, Object self, String name, long token) {
        lastThrown = thrown;
        EVENTS.add("thrown " + thrown + " " + self + " " + name + " " + token);
    }

    public static void failed(Throwable thrown, int token) {
        lastThrown = thrown;
        EVENTS.add("failed " + thrown + " " + token);
    }

    public static void onCompletion(boolean value, Object self) {
        EVENTS.add("completion " + value + " " + self);
    }

    public static void arguments(long count, String label, int small) {
        EVENTS.add("arguments " + count + " " + label + " " + small);
    }

    public static void labelled(String label, Object nothing, String name) {
        EVENTS.add("labelled " + label + " " + nothing + " " + name);
    }

    public static void refused(Object argument, Object self) {
        EVENTS.add("refused " + argument + " " + self);
    }
}
