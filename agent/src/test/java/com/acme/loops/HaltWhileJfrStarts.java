package com.acme.loops;

import java.util.concurrent.CountDownLatch;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * Starts an event loop (a thread named {@code halt-loop-1}; make it one with {@code eventLoopThreads=halt-loop-*}),
 * which makes the agent start its JFR stream, and calls {@code Runtime.halt(0)} while JFR is being created for it: as
 * soon as the agent's stream thread is seen in {@code FlightRecorder.getFlightRecorder()}. Prints
 * {@code halting while JFR starts} (or {@code halting after JFR started} when that was not seen) right before the
 * halt, and {@code JFR initialized} when JFR's creation completes (a listener JFR calls at the end of it).
 */
public final class HaltWhileJfrStarts {
    private HaltWhileJfrStarts() {
    }

    public static void main(String[] args) throws Exception {
        // Adding a listener does not create JFR; the agent's stream does, and then calls it on its own thread.
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                System.out.println("JFR initialized");
                System.out.flush();
            }
        });
        CountDownLatch running = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "halt-loop-1");
        loop.setDaemon(true);
        loop.start();
        running.await();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread stream = find("loopguard-monitor-events");
            if (stream != null && creatingJfr(stream.getStackTrace())) {
                halt("halting while JFR starts");
            }
            if (stream != null && !stream.isAlive() || System.getProperty("never") != null) {
                break;
            }
            Thread.onSpinWait();
        }
        halt("halting after JFR started");
    }

    private static void halt(String line) {
        System.out.println(line);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** Inside {@code FlightRecorder.getFlightRecorder()}, which creates JFR (through JVMTI) the first time. */
    private static boolean creatingJfr(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if ("jdk.jfr.FlightRecorder".equals(e.getClassName()) && "getFlightRecorder".equals(e.getMethodName())) {
                return true;
            }
        }
        return false;
    }

    private static Thread find(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (name.equals(t.getName())) {
                return t;
            }
        }
        return null;
    }
}
