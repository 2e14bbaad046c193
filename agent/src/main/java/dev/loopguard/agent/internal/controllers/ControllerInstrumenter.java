package dev.loopguard.agent.internal.controllers;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.loopguard.agent.bootstrap.ControllerBridge;
import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import dev.loopguard.agent.internal.StackFrames;
import dev.loopguard.agent.internal.futures.JvmShutdown;
import dev.loopguard.agent.internal.tasks.RuntimeDetectorContext;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Profiles controllers: application classes that implement core's {@code Controller}, and the classes the
 * {@code controllers} option names (which follow the same method names). Their {@code loop}/{@code loopAsync} are
 * timed, every lifecycle step sets the controller scope that findings carry, and failures the runner recorded that
 * nobody read (by asking the runner for the controller's health or state) are reported at exit.
 */
public final class ControllerInstrumenter implements Instrumenter {

    static final String CONTROLLER = "dev.loopguard.core.Controller";

    @Override
    public AgentBuilder contribute(AgentBuilder builder, AgentRuntime runtime) {
        ControllerProfiles profiles = new ControllerProfiles(runtime.options().stallThreshold(),
                new RuntimeDetectorContext(runtime));
        runtime.addProfileSection("controllers", profiles);
        runtime.beforeReport(() -> {
            if (JvmShutdown.inProgress()) {
                profiles.reportUnreadFailures(); // until exit, someone may still ask for the health
            }
        });
        ControllerBridge.install(profiles);
        Set<String> named = new HashSet<>(runtime.options().controllers());
        return builder
                .type(controllerClasses(named))
                .transform((b, type, loader, module, domain) -> b.visit(Advice.to(ControllerAdvice.Step.class)
                        .on(namedOneOf("loop", "loopAsync", "initialize", "initializeAsync", "start", "startAsync",
                                "stop", "stopAsync", "healthCheck", "healthCheckAsync")
                                .and(takesArguments(0)).and(not(isAbstract())))))
                .type(named("dev.loopguard.core.ControllerRunner"))
                .transform((b, type, loader, module, domain) -> b
                        .visit(Advice.to(ControllerAdvice.Register.class)
                                .on(named("register").and(takesArgument(0, String.class)).and(takesArguments(3)
                                        .or(takesArguments(4)))))
                        .visit(Advice.to(ControllerAdvice.HealthRead.class)
                                .on(namedOneOf("healthCheck", "state").and(takesArguments(1))
                                        .and(takesArgument(0, String.class))))
                        .visit(Advice.to(ControllerAdvice.AllHealthRead.class)
                                .on(named("healthCheckAll").and(takesArguments(0)))));
    }

    /** Application classes (never the interface itself) that implement Controller, or that the option names. */
    static ElementMatcher<TypeDescription> controllerClasses(Set<String> named) {
        return type -> {
            if (type.isInterface() || type.isAnnotation()) {
                return false;
            }
            if (named.contains(type.getName())) {
                return true;
            }
            return StackFrames.isApplicationFrame(type.getName()) && implementsController(type);
        };
    }

    private static boolean implementsController(TypeDefinition type) {
        try {
            for (TypeDefinition current = type; current != null; current = superClassOf(current)) {
                for (TypeDescription.Generic itf : current.getInterfaces()) {
                    TypeDescription erasure = itf.asErasure();
                    if (erasure.getName().equals(CONTROLLER) || implementsController(erasure)) {
                        return true;
                    }
                }
            }
        } catch (RuntimeException unresolvable) {
            // a supertype that cannot be resolved (an absent optional dependency) is not core's Controller
        }
        return false;
    }

    private static TypeDefinition superClassOf(TypeDefinition type) {
        TypeDescription.Generic superClass = type.getSuperClass();
        return superClass == null ? null : superClass.asErasure();
    }
}
