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
 */
public final class BlockingCallInstrumenter implements Instrumenter {

    @Override
    public void contribute(Transformations t, AgentRuntime runtime) {
        t.hook("java.lang.Thread", plain(named("sleep", "join")))
                .hook("java.util.concurrent.TimeUnit", plain(named("sleep", "timedJoin", "timedWait")))
                .hook("java.lang.Object", plain(named("wait")))
                .hook("java.util.concurrent.locks.LockSupport", park(nameStartsWith("park")))
                .hook("java.io.FileInputStream", fileInput(named("read", "readAllBytes", "readNBytes", "skip",
                        "transferTo").instanceOnly()), fileOpen(named("open").instanceOnly()))
                .hook("java.io.FileOutputStream", fileOutput(named("write")), plain(named("open")))
                .hook("java.io.RandomAccessFile", plain(nameStartsWith("read").orNameStartsWith("write")
                        .orNamed("open", "seek", "length", "setLength", "skipBytes")))
                .hook("sun.nio.ch.FileChannelImpl", plain(named("read", "write", "transferTo", "transferFrom",
                        "force", "lock", "truncate", "map", "size")))
                .hook("java.nio.file.Files", plain(MethodFilter.any().publicOnly().staticOnly()))
                .hook("sun.nio.ch.NioSocketImpl", plain(named("connect", "accept", "read", "write")))
                .hook("java.net.DatagramSocket", plain(named("send", "receive").publicOnly()))
                .hook("sun.nio.ch.SocketChannelImpl",
                        channel(named("read", "write", "connect", "finishConnect").instanceOnly()))
                .hook("sun.nio.ch.ServerSocketChannelImpl", channel(named("accept").instanceOnly()))
                .hook("sun.nio.ch.DatagramChannelImpl",
                        channel(named("receive", "send", "read", "write").instanceOnly()))
                .hook("java.net.InetAddress",
                        hostLookup(named("getByName", "getAllByName").publicOnly().staticOnly().takingArguments(1)
                                .withArgument(0, String.class)),
                        plain(named("getLocalHost").publicOnly()))
                .hook("java.lang.ProcessBuilder", plain(named("start", "startPipeline").publicOnly()))
                .hook("java.lang.Process", plain(named("waitFor")))
                .hook("java.lang.ProcessImpl", plain(named("waitFor")))
                .hook("java.lang.ClassLoader", exempt(named("loadClass")))
                .hook("java.lang.Runtime", BlockingHooks.halt(named("halt")));
    }
}
