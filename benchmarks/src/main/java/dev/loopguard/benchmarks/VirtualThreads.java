package dev.loopguard.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads, reached by reflection: the module compiles with {@code --release 17}, where
 * {@code Executors.newVirtualThreadPerTaskExecutor()} does not exist, and runs on 17 as well as on 21+.
 */
final class VirtualThreads {

    private VirtualThreads() {
    }

    /** Whether this JVM has virtual threads (JDK 21+). */
    static boolean available() {
        return factory() != null;
    }

    /** Why there are none, for the skip message; meaningful only when {@link #available()} is false. */
    static String unavailableReason() {
        return "this JVM is Java " + Runtime.version().feature() + " (" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + "), and virtual threads need Java 21 or newer; run it "
                + "on a JDK 21+ to measure them";
    }

    /** A new executor that starts one virtual thread per task. */
    static ExecutorService newPerTaskExecutor() {
        Method factory = factory();
        if (factory == null) {
            throw new BenchmarkSkippedException("virtualThreads", unavailableReason());
        }
        try {
            return (ExecutorService) factory.invoke(null);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Executors.newVirtualThreadPerTaskExecutor() exists on Java "
                    + Runtime.version().feature() + " but could not be called", e);
        }
    }

    private static Method factory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
