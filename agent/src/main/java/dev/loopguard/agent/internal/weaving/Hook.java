package dev.loopguard.agent.internal.weaving;

import java.util.Objects;

/**
 * What is woven into the methods a {@link MethodFilter} selects: a bridge call on entry, one before each normal
 * return, and one when the method ends by an exception (then rethrown unchanged). An exit call may take what the
 * entry call returned ({@link BridgeCall.Arg#token()}), carried in a local variable added past the method's own. Only
 * straight-line calls are inserted, never branches, so the method's own stack map frames stay valid once that
 * local is added to them.
 */
public final class Hook {
    final MethodFilter methods;
    final BridgeCall enter;
    final BridgeCall onReturn;
    final BridgeCall onThrow;
    /** Whether the methods' call sites in application classes are marked ({@link #watchedAtCallSites()}). */
    final boolean watchedAtCallSites;

    private Hook(MethodFilter methods, BridgeCall enter, BridgeCall onReturn, BridgeCall onThrow,
                 boolean watchedAtCallSites) {
        this.methods = Objects.requireNonNull(methods, "methods");
        this.enter = enter;
        this.onReturn = onReturn;
        this.onThrow = onThrow;
        this.watchedAtCallSites = watchedAtCallSites;
        boolean tokenUsed = onReturn != null && onReturn.uses(BridgeCall.Arg.Kind.TOKEN)
                || onThrow != null && onThrow.uses(BridgeCall.Arg.Kind.TOKEN);
        if (tokenUsed && (enter == null || enter.returnType.getSize() == 0)) {
            throw new IllegalArgumentException("an exit takes a token but the entry call returns none");
        }
        if (enter != null && (enter.uses(BridgeCall.Arg.Kind.TOKEN) || enter.uses(BridgeCall.Arg.Kind.RETURNED)
                || enter.uses(BridgeCall.Arg.Kind.THROWN))) {
            throw new IllegalArgumentException("an entry call has no token, returned value or exception");
        }
        if (onReturn != null && onReturn.uses(BridgeCall.Arg.Kind.THROWN)
                || onThrow != null && onThrow.uses(BridgeCall.Arg.Kind.RETURNED)) {
            throw new IllegalArgumentException("a return call cannot see an exception, nor a throw call a result");
        }
    }

    public static Hook on(MethodFilter methods) {
        return new Hook(methods, null, null, null, false);
    }

    public Hook enter(BridgeCall call) {
        return new Hook(methods, call, onReturn, onThrow, watchedAtCallSites);
    }

    public Hook onReturn(BridgeCall call) {
        return new Hook(methods, enter, call, onThrow, watchedAtCallSites);
    }

    public Hook onThrow(BridgeCall call) {
        return new Hook(methods, enter, onReturn, call, watchedAtCallSites);
    }

    /** The same call on a normal return and on an exception: a {@code finally}. */
    public Hook onExit(BridgeCall call) {
        return new Hook(methods, enter, call, call, watchedAtCallSites);
    }

    /**
     * The same hook, and every method it is woven into is reported to the {@link Transformations.WatchedMethods}
     * listener: the call sites of those methods in application classes may be marked, so that a repeat there is
     * known without capturing the stack.
     */
    public Hook watchedAtCallSites() {
        return new Hook(methods, enter, onReturn, onThrow, true);
    }

    /** Whether the entry call's result is kept for an exit call. */
    boolean keepsToken() {
        return onReturn != null && onReturn.uses(BridgeCall.Arg.Kind.TOKEN)
                || onThrow != null && onThrow.uses(BridgeCall.Arg.Kind.TOKEN);
    }
}
