package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.AgentRuntime;
import dev.loopguard.agent.internal.Instrumenter;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.channel;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.exempt;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.fileInput;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.fileOpen;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.fileOutput;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.hostLookup;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.park;
import static dev.loopguard.agent.internal.blocking.BlockingHooks.plain;
import static dev.loopguard.agent.internal.weaving.MethodFilter.nameStartsWith;
import static dev.loopguard.agent.internal.weaving.MethodFilter.named;

import dev.loopguard.agent.internal.weaving.MethodFilter;
import dev.loopguard.agent.internal.weaving.Transformations;

/**
 * The Java-level JDK entry points of blocking operations, and the class-loading exemption. Native methods cannot be
 * hooked without class-format changes; the ones the application calls directly are caught at their call sites by
 * {@link NativeCallSiteTransformer}.
 *
 * <p>All of these act on event-loop threads only (a blocking call elsewhere is no finding, and {@code Runtime.halt}
 * matters only while the JFR stream that starts with the first loop is being created), so they are woven when the
 * first loop thread is recognised ({@code Transformations.hookForLoops}), not at start-up.
 */
public final class BlockingCallInstrumenter implements Instrumenter {

    @Override
    public void contribute(Transformations t, AgentRuntime runtime) {
        t.hookForLoops("java.lang.Thread", plain(named("sleep", "join")))
                .hookForLoops("java.util.concurrent.TimeUnit", plain(named("sleep", "timedJoin", "timedWait")))
                .hookForLoops("java.lang.Object", plain(named("wait")))
                .hookForLoops("java.util.concurrent.locks.LockSupport", park(nameStartsWith("park")))
                .hookForLoops("java.io.FileInputStream", fileInput(named("read", "readAllBytes", "readNBytes",
                        "skip", "transferTo").instanceOnly()), fileOpen(named("open").instanceOnly()))
                .hookForLoops("java.io.FileOutputStream", fileOutput(named("write")), plain(named("open")))
                .hookForLoops("java.io.RandomAccessFile", plain(nameStartsWith("read").orNameStartsWith("write")
                        .orNamed("open", "seek", "length", "setLength", "skipBytes")))
                .hookForLoops("sun.nio.ch.FileChannelImpl", plain(named("read", "write", "transferTo",
                        "transferFrom", "force", "lock", "truncate", "map", "size")))
                .hookForLoops("java.nio.file.Files", plain(MethodFilter.any().publicOnly().staticOnly()))
                .hookForLoops("sun.nio.ch.NioSocketImpl", plain(named("connect", "accept", "read", "write")))
                .hookForLoops("java.net.DatagramSocket", plain(named("send", "receive").publicOnly()))
                .hookForLoops("sun.nio.ch.SocketChannelImpl",
                        channel(named("read", "write", "connect", "finishConnect").instanceOnly()))
                .hookForLoops("sun.nio.ch.ServerSocketChannelImpl", channel(named("accept").instanceOnly()))
                .hookForLoops("sun.nio.ch.DatagramChannelImpl",
                        channel(named("receive", "send", "read", "write").instanceOnly()))
                .hookForLoops("java.net.InetAddress",
                        hostLookup(named("getByName", "getAllByName").publicOnly().staticOnly().takingArguments(1)
                                .withArgument(0, String.class)),
                        plain(named("getLocalHost").publicOnly()))
                .hookForLoops("java.lang.ProcessBuilder", plain(named("start", "startPipeline").publicOnly()))
                .hookForLoops("java.lang.Process", plain(named("waitFor")))
                .hookForLoops("java.lang.ProcessImpl", plain(named("waitFor")))
                .hookForLoops("java.lang.ClassLoader", exempt(named("loadClass")))
                .hookForLoops("java.lang.Runtime", BlockingHooks.halt(named("halt")));
    }
}
