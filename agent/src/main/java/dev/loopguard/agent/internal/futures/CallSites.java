package dev.loopguard.agent.internal.futures;

import java.util.Arrays;

/**
 * The call sites found while instrumenting, indexed by the constant id baked into each rewritten instruction.
 * Registration happens during class transformation (rare, synchronised); look-ups happen at every tracked call
 * (frequent, lock-free on a published array).
 */
public final class CallSites {

    private final Object lock = new Object();
    private volatile CallSite[] sites = new CallSite[256];
    private int size;

    /** Registers a site and returns its id. */
    int register(String callerClass, String callerMethod, String sourceFile, int line, String calleeClass,
                 String calleeMethod, String returnType, CallSite.Disposition disposition) {
        synchronized (lock) {
            int id = size;
            CallSite site = new CallSite(id, callerClass, callerMethod, sourceFile, line, calleeClass, calleeMethod,
                    returnType, disposition);
            CallSite[] current = sites;
            if (id == current.length) {
                current = Arrays.copyOf(current, current.length * 2);
            }
            current[id] = site;
            size = id + 1;
            sites = current; // publishes the new entry to readers of the volatile array
            return id;
        }
    }

    /** The site with this id, or null for an id this registry never gave out. */
    CallSite get(int id) {
        CallSite[] current = sites;
        return id >= 0 && id < current.length ? current[id] : null;
    }

    int size() {
        synchronized (lock) {
            return size;
        }
    }
}
