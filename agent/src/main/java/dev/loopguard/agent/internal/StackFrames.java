package dev.loopguard.agent.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stack utilities shared by every detector: which frames belong to the application, where the user's line is, and
 * which public API the application called.
 */
public final class StackFrames {

    /** JDK, agent and well-known framework packages: never the user's line. */
    private static final String[] NON_APPLICATION = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.xml.", "org.w3c.", "org.ietf.",
        "dev.loopguard.agent.", "dev.loopguard.core.", "dev.loopguard.harness.",
        "io.netty.", "io.vertx.", "reactor.", "org.reactivestreams.", "io.reactivex.", "rx.",
        "kotlin.", "kotlinx.coroutines.", "scala.", "akka.", "org.apache.pekko.", "io.micronaut.", "io.quarkus.",
        "org.springframework.", "org.junit.", "junit.", "org.testng.", "org.apache.maven.surefire.", "org.gradle.",
        "net.bytebuddy.", "org.slf4j.", "ch.qos.logback.", "org.apache.logging.log4j.", "com.fasterxml.jackson.",
        "com.google.common.", "org.eclipse.jetty.", "io.grpc.", "io.undertow.", "org.jboss.", "com.intellij.",
    };

    /** Internal JDK classes that the application only ever reaches through a public type. */
    private static final Map<String, String> PUBLIC_TYPES = Map.ofEntries(
            Map.entry("sun.nio.ch.FileChannelImpl", "java.nio.channels.FileChannel"),
            Map.entry("sun.nio.ch.SocketChannelImpl", "java.nio.channels.SocketChannel"),
            Map.entry("sun.nio.ch.ServerSocketChannelImpl", "java.nio.channels.ServerSocketChannel"),
            Map.entry("sun.nio.ch.DatagramChannelImpl", "java.nio.channels.DatagramChannel"),
            Map.entry("sun.nio.ch.NioSocketImpl", "java.net.Socket"),
            Map.entry("sun.nio.ch.DatagramSocketAdaptor", "java.net.DatagramSocket"),
            Map.entry("sun.nio.ch.SocketAdaptor", "java.net.Socket"),
            Map.entry("sun.nio.ch.ServerSocketAdaptor", "java.net.ServerSocket"),
            Map.entry("java.net.Socket$SocketInputStream", "java.net.Socket.getInputStream()"),
            Map.entry("java.net.Socket$SocketOutputStream", "java.net.Socket.getOutputStream()"),
            Map.entry("java.net.NetMulticastSocket", "java.net.DatagramSocket"),
            Map.entry("java.lang.ProcessImpl", "java.lang.Process"),
            Map.entry("java.lang.ProcessHandleImpl", "java.lang.ProcessHandle"),
            Map.entry("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject",
                    "java.util.concurrent.locks.Condition"),
            Map.entry("java.util.concurrent.locks.AbstractQueuedLongSynchronizer$ConditionObject",
                    "java.util.concurrent.locks.Condition"),
            Map.entry("java.util.concurrent.ForkJoinTask$AdaptedCallable", "java.util.concurrent.ForkJoinTask"),
            Map.entry("java.util.concurrent.FutureTask", "java.util.concurrent.Future"),
            Map.entry("java.util.concurrent.Executors$DelegatedExecutorService", "java.util.concurrent.ExecutorService"),
            Map.entry("java.util.concurrent.Executors$AutoShutdownDelegatedExecutorService",
                    "java.util.concurrent.ExecutorService"));

    private static volatile String[] applicationPackages = new String[0];

    private StackFrames() {
    }

    /** Restricts application frames to these package prefixes (the {@code packages} option); empty means all. */
    static void applicationPackages(List<String> prefixes) {
        applicationPackages = prefixes.toArray(new String[0]);
    }

    /** Whether frames of this class are the application's: not JDK, agent, or well-known framework; in {@code packages}. */
    public static boolean isApplicationFrame(String className) {
        if (className.contains("$$Lambda")) {
            // The JVM's generated class behind a lambda or method reference: no line of code a person wrote
            // ("Unknown Source"); the frame below it is the lambda's body or its caller.
            return false;
        }
        for (String prefix : NON_APPLICATION) {
            if (className.startsWith(prefix)) {
                return false;
            }
        }
        String[] packages = applicationPackages;
        if (packages.length == 0) {
            return true;
        }
        for (String prefix : packages) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public static boolean isAgentFrame(String className) {
        return className.startsWith("dev.loopguard.agent.");
    }

    /**
     * Frames as {@link StackTraceElement#toString()}, innermost first, without agent frames and without the lambda
     * proxies that a stack sampled from another thread shows and the thread's own stack hides.
     */
    public static List<String> render(StackTraceElement[] stack) {
        List<String> out = new ArrayList<>(stack.length);
        for (StackTraceElement e : stack) {
            if (!isAgentFrame(e.getClassName()) && !e.getClassName().contains("$$Lambda")) {
                out.add(format(e));
            }
        }
        return out;
    }

    /** The first application frame, innermost first, as {@code com.acme.Pump.run(Pump.java:41)}; null if none. */
    public static String applicationSite(StackTraceElement[] stack) {
        int i = firstApplicationFrame(stack);
        return i < 0 ? null : format(stack[i]);
    }

    /**
     * {@link StackTraceElement#toString()} without the class-loader and module prefixes, which differ between a
     * thread's own stack and one sampled from another thread: {@code com.acme.Pump.run(Pump.java:41)}.
     */
    public static String format(StackTraceElement e) {
        return new StackTraceElement(e.getClassName(), e.getMethodName(), e.getFileName(), e.getLineNumber())
                .toString();
    }

    public static int firstApplicationFrame(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (isApplicationFrame(stack[i].getClassName())) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first frame that is not the agent's (where the interesting part of the stack starts). */
    public static int firstNonAgentFrame(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (!isAgentFrame(stack[i].getClassName())) {
                return i;
            }
        }
        return stack.length;
    }

    /**
     * The public API the application called: the last JDK or framework frame before the first application frame,
     * with internal JDK classes named by their public type. {@code fallback} when the application called the
     * operation directly (a call site) or no application frame is on the stack.
     */
    public static String publicOperation(StackTraceElement[] stack, String fallback) {
        int app = firstApplicationFrame(stack);
        if (app <= 0) {
            return fallback;
        }
        StackTraceElement callee = stack[app - 1];
        if (isAgentFrame(callee.getClassName())) {
            return fallback;
        }
        String type = publicName(callee.getClassName());
        return "<init>".equals(callee.getMethodName()) ? "new " + type : type + "." + callee.getMethodName();
    }

    static String publicName(String className) {
        String mapped = PUBLIC_TYPES.get(className);
        return mapped != null ? mapped : className;
    }

    /**
     * Whether a sampled stack shows the JVM preparing code rather than running it: loading or defining a class,
     * initialising one (a {@code <clinit>} frame), linking an {@code invokedynamic} call site or a method-handle
     * constant (lambdas, string concatenation), or the agent's own work (transforming a class as it loads). Each of
     * these happens once per class or call site, the first time a code path runs.
     */
    public static boolean isWarmUp(StackTraceElement[] stack) {
        if (isClassLoading(stack)) {
            return true;
        }
        for (StackTraceElement e : stack) {
            if ("<clinit>".equals(e.getMethodName()) || isAgentFrame(e.getClassName())
                    || "java.lang.invoke.MethodHandleNatives".equals(e.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a JDK class is being initialised on this stack (a {@code <clinit>} frame of a {@code java.}, {@code jdk.},
     * {@code sun.} or {@code com.sun.} class): the JDK's one-time set-up on the first use of a feature, such as the
     * security providers reading {@code java.security} and opening the random devices on the first
     * {@code UUID.randomUUID()}. Like class loading, it happens once and has no line of the application to change.
     */
    public static boolean isJdkClassInitialization(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if ("<clinit>".equals(e.getMethodName())) {
                String c = e.getClassName();
                if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a park is a hand-off waiting for a queue's lock: the innermost {@code ReentrantLock.lock()} on the stack
     * is called by a {@code java.util.concurrent} queue's or deque's {@code offer} or {@code add} (and their
     * {@code First}/{@code Last} forms: the inserts that never wait for room; the timed {@code offer} takes its lock
     * with {@code lockInterruptibly}) or by
     * {@code ThreadPoolExecutor.addWorker}. That lock is held by another thread only for one insert or removal: it is
     * how {@code execute} of the JDK's executors, {@code CompletableFuture.runAsync(task, pool)} and Netty's
     * {@code DefaultEventExecutor} queue a task. A wait for room ({@code put}, a timed {@code offer}, a rejection
     * handler that waits or backs off) parks elsewhere and stays a finding.
     */
    public static boolean isQueueLockForInsert(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length - 1; i++) {
            StackTraceElement e = stack[i];
            if (!e.getClassName().startsWith("java.util.concurrent.locks.")) {
                return false; // the park is not inside a lock acquisition
            }
            if ("lock".equals(e.getMethodName()) && "java.util.concurrent.locks.ReentrantLock".equals(e.getClassName())) {
                StackTraceElement caller = stack[i + 1];
                String m = caller.getMethodName();
                String c = caller.getClassName();
                boolean queueInsert = isInsert(m) && (c.endsWith("Queue") || c.endsWith("Deque"));
                return c.startsWith("java.util.concurrent.")
                        && (queueInsert || "addWorker".equals(m) && c.endsWith("ThreadPoolExecutor"));
            }
        }
        return false;
    }

    private static boolean isInsert(String method) {
        return method.startsWith("offer") || method.startsWith("add");
    }

    /** Whether a frame of {@code ClassLoader.loadClass} (or a subclass's) or class definition is on the stack. */
    public static boolean isClassLoading(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String m = e.getMethodName();
            // defineClass0/1/2 are the native halves of defineClass
            if (("loadClass".equals(m) || m.startsWith("defineClass") || "findClass".equals(m))
                    && (e.getClassName().startsWith("java.lang.ClassLoader") || e.getClassName().startsWith("jdk.internal.loader.")
                        || e.getClassName().endsWith("ClassLoader"))) {
                return true;
            }
            if ("java.lang.Class".equals(e.getClassName()) && "forName".equals(m)) {
                return true;
            }
        }
        return false;
    }
}
