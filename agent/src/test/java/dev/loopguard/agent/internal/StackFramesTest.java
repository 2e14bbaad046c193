package dev.loopguard.agent.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StackFramesTest {

    private static StackTraceElement frame(String cls, String method, int line) {
        String file = cls.substring(cls.lastIndexOf('.') + 1).replaceAll("\\$.*", "") + ".java";
        return new StackTraceElement(cls, method, file, line);
    }

    private static final StackTraceElement[] JOIN = {
        frame("dev.loopguard.agent.internal.loops.LoopActivity", "enterBlocking", 30),
        frame("dev.loopguard.agent.bootstrap.Bridge", "enter", 70),
        frame("java.util.concurrent.locks.LockSupport", "park", 211),
        frame("java.util.concurrent.CompletableFuture$Signaller", "block", 1864),
        frame("java.util.concurrent.ForkJoinPool", "managedBlock", 3463),
        frame("java.util.concurrent.CompletableFuture", "waitingGet", 1898),
        frame("java.util.concurrent.CompletableFuture", "join", 2117),
        frame("com.acme.Pump", "run", 41),
        frame("io.netty.util.concurrent.AbstractEventExecutor", "runTask", 173),
    };

    @AfterEach
    void allPackages() {
        StackFrames.applicationPackages(List.of());
    }

    @Test
    void theOperationIsThePublicApiTheApplicationCalled() {
        assertThat(StackFrames.publicOperation(JOIN, "java.util.concurrent.locks.LockSupport.park"))
                .isEqualTo("java.util.concurrent.CompletableFuture.join");
    }

    @Test
    void internalJdkClassesAreNamedByTheirPublicType() {
        StackTraceElement[] read = {
            frame("sun.nio.ch.FileChannelImpl", "read", 200),
            frame("com.acme.Store", "load", 12),
        };
        assertThat(StackFrames.publicOperation(read, "x")).isEqualTo("java.nio.channels.FileChannel.read");
        StackTraceElement[] open = {
            frame("java.io.FileInputStream", "<init>", 150),
            frame("com.acme.Store", "open", 9),
        };
        assertThat(StackFrames.publicOperation(open, "x")).isEqualTo("new java.io.FileInputStream");
    }

    @Test
    void aCallSiteInApplicationCodeKeepsTheOperationItWasGiven() {
        StackTraceElement[] callSite = {
            frame("dev.loopguard.agent.bootstrap.Bridge", "callSite", 80),
            frame("com.acme.Pump", "run", 41),
        };
        assertThat(StackFrames.publicOperation(callSite, "java.lang.Thread.sleep")).isEqualTo("java.lang.Thread.sleep");
    }

    @Test
    void theSiteIsTheFirstApplicationFrameAndAgentFramesAreNotRendered() {
        assertThat(StackFrames.applicationSite(JOIN)).isEqualTo("com.acme.Pump.run(Pump.java:41)");
        assertThat(StackFrames.render(JOIN)).hasSize(JOIN.length - 2)
                .first().isEqualTo("java.util.concurrent.locks.LockSupport.park(LockSupport.java:211)");
    }

    @Test
    void jdkAgentAndFrameworkFramesAreNotTheApplications() {
        assertThat(StackFrames.isApplicationFrame("com.acme.Pump")).isTrue();
        assertThat(StackFrames.isApplicationFrame("java.lang.Thread")).isFalse();
        assertThat(StackFrames.isApplicationFrame("io.netty.channel.nio.NioEventLoop")).isFalse();
        assertThat(StackFrames.isApplicationFrame("reactor.core.publisher.Mono")).isFalse();
        assertThat(StackFrames.isApplicationFrame("dev.loopguard.core.EventLoop")).isFalse();
        assertThat(StackFrames.isApplicationFrame("dev.loopguard.agent.internal.StackFrames")).isFalse();
    }

    @Test
    void methodHandleLinkingThatContendsOnJvmInternalsIsWarmUp() {
        StackTraceElement[] linking = {
            new StackTraceElement("java.lang.ref.ReferenceQueue", "poll", "ReferenceQueue.java", 164),
            new StackTraceElement("java.lang.invoke.MethodType", "makeImpl", "MethodType.java", 394),
            new StackTraceElement("java.lang.invoke.MethodHandleNatives", "findMethodHandleType",
                    "MethodHandleNatives.java", 387),
            new StackTraceElement("com.acme.Pump", "run", "Pump.java", 41),
        };

        assertThat(StackFrames.isWarmUp(linking)).isTrue();
    }

    @Test
    void theGeneratedClassOfALambdaIsNeverTheSiteTheFrameBelowItIs() {
        StackTraceElement[] stack = {
            new StackTraceElement("com.acme.Scenario$$Lambda$188/0x00007efe741b55f8", "call", null, -1),
            new StackTraceElement("com.acme.Scenario", "lambda$main$3", "Scenario.java", 57),
            new StackTraceElement("dev.loopguard.core.EventLoop", "runTask", "EventLoop.java", 495),
        };

        assertThat(StackFrames.isApplicationFrame("com.acme.Scenario$$Lambda/0x0000000801001234")).isFalse();
        assertThat(StackFrames.applicationSite(stack)).isEqualTo("com.acme.Scenario.lambda$main$3(Scenario.java:57)");
    }

    @Test
    void packagesRestrictTheApplication() {
        StackFrames.applicationPackages(List.of("com.acme."));
        assertThat(StackFrames.isApplicationFrame("com.acme.Pump")).isTrue();
        assertThat(StackFrames.isApplicationFrame("com.other.Lib")).isFalse();
    }

    @Test
    void recognisesClassLoadingOnTheStack() {
        StackTraceElement[] loading = {
            frame("java.io.RandomAccessFile", "read", 1),
            frame("jdk.internal.loader.BuiltinClassLoader", "loadClassOrNull", 2),
            frame("java.lang.ClassLoader", "loadClass", 3),
            frame("com.acme.Pump", "run", 41),
        };
        assertThat(StackFrames.isClassLoading(loading)).isTrue();
        assertThat(StackFrames.isClassLoading(JOIN)).isFalse();
    }

    @Test
    void classInitialisationCallSiteLinkingAndTheAgentsOwnWorkAreWarmUpAndPlainCodeIsNot() {
        StackTraceElement[] clinit = {
            frame("io.netty.buffer.PooledByteBufAllocator", "<clinit>", 1),
            frame("com.acme.Pump", "run", 41),
        };
        StackTraceElement[] linking = {
            frame("java.lang.invoke.InnerClassLambdaMetafactory", "buildCallSite", 1),
            frame("java.lang.invoke.MethodHandleNatives", "linkCallSite", 2),
            frame("com.acme.Pump", "run", 41),
        };
        StackTraceElement[] nativeDefine = {
            frame("java.lang.ClassLoader", "defineClass1", 1),
            frame("com.acme.Pump", "run", 41),
        };
        StackTraceElement[] transforming = {
            frame("dev.loopguard.agent.internal.blocking.NativeCallSiteTransformer", "transform", 1),
            frame("com.acme.Pump", "run", 41),
        };
        StackTraceElement[] crunching = {
            frame("java.util.Arrays", "sort", 1),
            frame("com.acme.Crunch", "run", 12),
        };
        assertThat(StackFrames.isWarmUp(clinit)).isTrue();
        assertThat(StackFrames.isWarmUp(linking)).isTrue();
        assertThat(StackFrames.isWarmUp(nativeDefine)).isTrue();
        assertThat(StackFrames.isWarmUp(transforming)).isTrue();
        assertThat(StackFrames.isWarmUp(crunching)).isFalse();
    }

    @Test
    void waitingForAPoolQueuesLockToQueueATaskIsAHandOff() {
        StackTraceElement[] execute = {
            frame("java.util.concurrent.locks.LockSupport", "park", 211),
            frame("java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquire", 715),
            frame("java.util.concurrent.locks.ReentrantLock$Sync", "lock", 153),
            frame("java.util.concurrent.locks.ReentrantLock", "lock", 322),
            frame("java.util.concurrent.LinkedBlockingQueue", "offer", 417),
            frame("java.util.concurrent.ThreadPoolExecutor", "execute", 1357),
            frame("com.acme.Handler", "channelRead", 30),
        };
        assertThat(StackFrames.isQueueLockForInsert(execute)).isTrue();
        StackTraceElement[] addWorker = execute.clone();
        addWorker[4] = frame("java.util.concurrent.ThreadPoolExecutor", "addWorker", 930);
        assertThat(StackFrames.isQueueLockForInsert(addWorker)).isTrue();
    }

    @Test
    void waitingForRoomOrForAnyOtherLockIsNotAHandOff() {
        StackTraceElement[] put = {
            frame("java.util.concurrent.locks.LockSupport", "park", 211),
            frame("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject", "await", 1623),
            frame("java.util.concurrent.ArrayBlockingQueue", "put", 370),
            frame("com.acme.WaitForRoom", "rejectedExecution", 12),
        };
        assertThat(StackFrames.isQueueLockForInsert(put)).isFalse();
        StackTraceElement[] ownLock = {
            frame("java.util.concurrent.locks.LockSupport", "park", 211),
            frame("java.util.concurrent.locks.AbstractQueuedSynchronizer", "acquire", 715),
            frame("java.util.concurrent.locks.ReentrantLock", "lock", 322),
            frame("com.acme.Inventory", "add", 20),
        };
        assertThat(StackFrames.isQueueLockForInsert(ownLock)).isFalse();
        StackTraceElement[] backOff = {
            frame("java.util.concurrent.locks.LockSupport", "parkNanos", 410),
            frame("io.netty.util.concurrent.RejectedExecutionHandlers$2", "rejected", 60),
            frame("io.netty.util.concurrent.SingleThreadEventExecutor", "execute", 826),
            frame("com.acme.Handler", "channelRead", 30),
        };
        assertThat(StackFrames.isQueueLockForInsert(backOff)).isFalse();
    }

    @Test
    void aJdkStaticInitialiserIsTheJdksOneTimeSetUpButAnApplicationOneIsNot() {
        StackTraceElement[] security = {
            frame("java.nio.file.Files", "isRegularFile", 1),
            frame("java.security.Security", "<clinit>", 315),
            frame("java.util.UUID", "randomUUID", 148),
            frame("com.acme.Handler", "requestId", 41),
        };
        assertThat(StackFrames.isJdkClassInitialization(security)).isTrue();
        StackTraceElement[] own = {
            frame("java.nio.file.Files", "readString", 1),
            frame("com.acme.Config", "<clinit>", 12),
        };
        assertThat(StackFrames.isJdkClassInitialization(own)).isFalse();
    }
}
