package dev.loopguard.agent.internal.controllers;

import dev.loopguard.agent.bootstrap.ControllerBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Advice inlined into controller classes and core's {@code ControllerRunner}; it only calls the bridge. */
final class ControllerAdvice {

    private ControllerAdvice() {
    }

    /** Around each lifecycle step ({@code loop}, {@code loopAsync}, {@code start}…) of a controller class. */
    static final class Step {
        @Advice.OnMethodEnter
        static long enter(@Advice.This Object self, @Advice.Origin("#m") String step) {
            return ControllerBridge.enter(self, step);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Origin("#m") String step, @Advice.Enter long token,
                         @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
                         @Advice.Thrown Throwable thrown) {
            ControllerBridge.exit(self, step, token, returned, thrown);
        }
    }

    /** {@code ControllerRunner.register(name, controller, …)}: remembers the name the runner knows it by. */
    static final class Register {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) String name, @Advice.Argument(1) Object controller) {
            ControllerBridge.named(controller, name);
        }
    }

    /** {@code ControllerRunner.healthCheck(name)} and {@code state(name)}: the runner's record of failures is read. */
    static final class HealthRead {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) String name) {
            ControllerBridge.healthRead(name);
        }
    }

    /** {@code ControllerRunner.healthCheckAll()}. */
    static final class AllHealthRead {
        @Advice.OnMethodEnter
        static void enter() {
            ControllerBridge.healthRead(null);
        }
    }
}
