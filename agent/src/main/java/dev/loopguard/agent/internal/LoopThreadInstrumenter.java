package dev.loopguard.agent.internal;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static dev.loopguard.agent.internal.BlockingCallInstrumenter.advise;
import static dev.loopguard.agent.internal.BlockingCallInstrumenter.java;
import static net.bytebuddy.matcher.ElementMatchers.failSafe;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Marks framework event-loop threads and every loop's idle wait.
 *
 * <p>Netty 4.1 and 4.2 (and so Vert.x 4 and 5): the {@code run()} of a class implementing
 * {@code io.netty.channel.EventLoop} marks its thread; executors that are not channel event loops
 * ({@code DefaultEventExecutorGroup}) are not event loops. Idle waits: core's {@code EventLoop#awaitTask}, Netty's
 * {@code SingleThreadEventExecutor#takeTask}, the JDK selector (Netty NIO), Netty's epoll wait wrappers, and
 * {@code ThreadPoolExecutor#getTask} (Reactor's parallel and single schedulers).
 */
final class LoopThreadInstrumenter implements Instrumenter {

    @Override
    public AgentBuilder contribute(AgentBuilder builder, AgentRuntime runtime) {
        return builder
                .type(nettyEventLoops())
                .transform(advise(BlockingAdvice.LoopRun.class, java(named("run").and(takesArguments(0)))))
                .type(named("dev.loopguard.core.EventLoop"))
                .transform(advise(BlockingAdvice.Idle.class, java(named("awaitTask"))))
                .type(named("io.netty.util.concurrent.SingleThreadEventExecutor"))
                .transform(advise(BlockingAdvice.Idle.class, java(named("takeTask"))))
                .type(named("sun.nio.ch.SelectorImpl"))
                .transform(advise(BlockingAdvice.Idle.class, java(namedOneOf("select", "selectNow"))))
                .type(namedOneOf("io.netty.channel.epoll.EpollEventLoop", "io.netty.channel.epoll.EpollIoHandler"))
                .transform(advise(BlockingAdvice.Idle.class, java(nameStartsWith("epollWait")
                        .or(named("epollBusyWait")))))
                .type(named("java.util.concurrent.ThreadPoolExecutor"))
                .transform(advise(BlockingAdvice.Idle.class, java(named("getTask"))));
    }

    /**
     * Netty classes that implement {@code io.netty.channel.EventLoop}. Netty classes refer to optional libraries
     * (Log4j 2, Conscrypt, BlockHound...) that may be absent: a supertype that cannot be resolved is "not an event
     * loop", never an instrumentation error reported to the user.
     */
    static ElementMatcher.Junction<TypeDescription> nettyEventLoops() {
        return nameStartsWith("io.netty.").and(nameContains("EventLoop")).and(not(isInterface()))
                .and(failSafe(hasSuperType(named("io.netty.channel.EventLoop"))));
    }
}
