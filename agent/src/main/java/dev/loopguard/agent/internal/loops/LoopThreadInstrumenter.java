package dev.loopguard.agent.internal.loops;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.idle;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.loopRun;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.taskStart;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.worker;
import static dev.loopguard.agent.internal.weaving.MethodFilter.nameStartsWith;
import static dev.loopguard.agent.internal.weaving.MethodFilter.named;

import dev.loopguard.agent.internal.weaving.ClassHeader;
import dev.loopguard.agent.internal.weaving.Transformations;
import dev.loopguard.agent.internal.weaving.TypeFilter;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;

/**
 * Marks framework event-loop threads and every loop's idle wait.
 *
 * <p>Netty 4.1 and 4.2 (and so Vert.x 4 and 5): the {@code run()} of a class implementing
 * {@code io.netty.channel.EventLoop} marks its thread; executors that are not channel event loops
 * ({@code DefaultEventExecutorGroup}) are not event loops. Idle waits: core's {@code EventLoop#awaitTask}, Netty's
 * {@code SingleThreadEventExecutor#takeTask}, the JDK selector (Netty NIO), Netty's epoll wait wrappers, and
 * {@code ThreadPoolExecutor#getTask} (Reactor's parallel and single schedulers, and pools named by
 * {@code eventLoopThreads}), whose {@code runWorker} starts a busy period: a worker runs its first task before it
 * ever waits. Task starts: Netty's {@code AbstractEventExecutor#runTask}, which the stall watchdog listens to only
 * from a tick that saw the loop busy to that loop's next task start (core's loop and thread pools pass their idle
 * wait before every task).
 */
public final class LoopThreadInstrumenter implements Instrumenter {

    @Override
    public void contribute(Transformations t, AgentRuntime runtime) {
        t.hook(NETTY_EVENT_LOOPS, loopRun(named("run").takingArguments(0)))
                .hook("dev.loopguard.core.EventLoop", idle(named("awaitTask")))
                .hook("io.netty.util.concurrent.SingleThreadEventExecutor", idle(named("takeTask")))
                // Every task a Netty loop runs: Netty drains its queue for up to a second between two selects, so
                // the idle wait alone cannot tell one long task from many short ones.
                .hook("io.netty.util.concurrent.AbstractEventExecutor", taskStart(named("runTask").takingArguments(1)
                        .withArgument(0, Runnable.class).staticOnly()))
                .hook("sun.nio.ch.SelectorImpl", idle(named("select", "selectNow")))
                .hook("io.netty.channel.epoll.EpollEventLoop", idle(nameStartsWith("epollWait")
                        .orNamed("epollBusyWait")))
                .hook("io.netty.channel.epoll.EpollIoHandler", idle(nameStartsWith("epollWait")
                        .orNamed("epollBusyWait")))
                .hook("java.util.concurrent.ThreadPoolExecutor", idle(named("getTask")),
                        worker(named("runWorker").takingArguments(1)));
    }

    /**
     * Netty classes that implement {@code io.netty.channel.EventLoop}. Netty classes refer to optional libraries
     * (Log4j 2, Conscrypt, BlockHound...) that may be absent: a supertype that cannot be read is "not an event
     * loop", never an instrumentation error reported to the user.
     */
    static final TypeFilter NETTY_EVENT_LOOPS = new TypeFilter() {
        @Override
        public boolean mayMatch(String binaryName, ClassLoader loader) {
            return binaryName.startsWith("io.netty.") && binaryName.contains("EventLoop");
        }

        @Override
        public boolean matches(ClassHeader header, TypeHierarchy hierarchy) {
            return !header.isInterface() && hierarchy.isSubtype(header, "io.netty.channel.EventLoop");
        }
    };
}
