package dev.loopguard.agent.internal.controllers;

import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.argument;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.methodName;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.nullValue;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.returned;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.self;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.thrown;
import static dev.loopguard.agent.internal.weaving.BridgeCall.Arg.token;
import static dev.loopguard.agent.internal.weaving.MethodFilter.named;

import dev.loopguard.agent.bootstrap.ControllerBridge;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.StackFrames;
import dev.loopguard.agent.internal.JvmShutdown;
import dev.loopguard.agent.internal.RuntimeDetectorContext;
import dev.loopguard.agent.internal.weaving.BridgeCall;
import dev.loopguard.agent.internal.weaving.ClassHeader;
import dev.loopguard.agent.internal.weaving.Hook;
import dev.loopguard.agent.internal.weaving.Transformations;
import dev.loopguard.agent.internal.weaving.TypeFilter;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import java.util.Set;

/**
 * Profiles controllers: application classes that implement core's {@code Controller}, and the classes the
 * {@code controllers} option names (which follow the same method names). Their {@code loop}/{@code loopAsync} are
 * timed, every lifecycle step sets the controller scope that findings carry, and failures the runner recorded that
 * nobody read (by asking the runner for the controller's health or state) are reported at exit.
 */
public final class ControllerInstrumenter implements Instrumenter {

    static final String CONTROLLER = "dev.loopguard.core.Controller";

    @Override
    public void contribute(Transformations transformations, AgentRuntime runtime) {
        ControllerProfiles profiles = new ControllerProfiles(runtime.options().stallThreshold(),
                new RuntimeDetectorContext(runtime));
        runtime.addProfileSection("controllers", profiles);
        runtime.recorder().addEnricher(new ControllerScope.Enricher());
        runtime.beforeReport(new UnreadFailuresAtExit(profiles));
        ControllerBridge.install(profiles);
        Set<String> named = Set.copyOf(runtime.options().controllers());
        transformations
                .hook(controllerClasses(named), Hook.on(named("loop", "loopAsync", "initialize", "initializeAsync",
                                "start", "startAsync", "stop", "stopAsync", "healthCheck", "healthCheckAsync")
                                .takingArguments(0).instanceOnly())
                        .enter(BridgeCall.to(ControllerBridge.class, "enter", self(), methodName()))
                        .onReturn(BridgeCall.to(ControllerBridge.class, "onReturn", returned(), self(), methodName(),
                                token()))
                        .onThrow(BridgeCall.to(ControllerBridge.class, "onThrow", thrown(), self(), methodName(),
                                token())))
                .hook("dev.loopguard.core.ControllerRunner",
                        // register(name, controller, ...) remembers the name the runner knows it by
                        Hook.on(named("register").withArgument(0, String.class))
                                .enter(BridgeCall.to(ControllerBridge.class, "named", argument(1), argument(0))),
                        // healthCheck(name), state(name), healthCheckAll(): the runner's record of failures is read
                        Hook.on(named("healthCheck", "state").takingArguments(1).withArgument(0, String.class))
                                .enter(BridgeCall.to(ControllerBridge.class, "healthRead", argument(0))),
                        Hook.on(named("healthCheckAll").takingArguments(0))
                                .enter(BridgeCall.to(ControllerBridge.class, "healthRead", nullValue())),
                        // stop(name, bound), stopAll(bound): the iteration the runner cancels is not a failure
                        Hook.on(named("stop").takingArguments(2).withArgument(0, String.class))
                                .enter(BridgeCall.to(ControllerBridge.class, "stopping", argument(0))),
                        Hook.on(named("stopAll").takingArguments(1))
                                .enter(BridgeCall.to(ControllerBridge.class, "stopping", nullValue())));
    }

    /** Application classes (never the interface itself) that implement Controller, or that the option names. */
    static TypeFilter controllerClasses(Set<String> named) {
        return new TypeFilter() {
            @Override
            public boolean mayMatch(String binaryName, ClassLoader loader) {
                return named.contains(binaryName) || StackFrames.isApplicationFrame(binaryName);
            }

            @Override
            public boolean matches(ClassHeader header, TypeHierarchy hierarchy) {
                if (header.isInterface() || header.isAnnotation()) {
                    return false;
                }
                // A supertype that cannot be read (an absent optional dependency) is not core's Controller.
                return named.contains(header.name()) || hierarchy.isSubtype(header, CONTROLLER);
            }
        };
    }

    /** Before the report at exit: failures nobody read. A class, not a lambda, to spin nothing at start-up. */
    private static final class UnreadFailuresAtExit implements Runnable {
        private final ControllerProfiles profiles;

        UnreadFailuresAtExit(ControllerProfiles profiles) {
            this.profiles = profiles;
        }

        @Override
        public void run() {
            if (JvmShutdown.inProgress()) {
                profiles.reportUnreadFailures(); // until exit, someone may still ask for the health
            }
        }
    }
}
