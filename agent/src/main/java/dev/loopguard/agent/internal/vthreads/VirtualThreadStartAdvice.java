package dev.loopguard.agent.internal.vthreads;

import dev.loopguard.agent.bootstrap.VirtualThreadBridge;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code java.lang.VirtualThread.start}: one field read once the pinned-thread monitor runs. */
final class VirtualThreadStartAdvice {

    private VirtualThreadStartAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter() {
        if (!VirtualThreadBridge.watching) {
            VirtualThreadBridge.starting();
        }
    }
}
