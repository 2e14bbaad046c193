package com.acme.loops;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Blocking calls repeated at known sites on a loop thread named {@code repeat-loop-1} (make it one with
 * {@code eventLoopThreads=repeat-loop-*}), {@code N} times each (the argument): reads of {@code /dev/zero} in a loop
 * inside one call ({@link #tight}), in a handler called per occurrence ({@link #handler}), two on one line
 * ({@link #twoOnOneLine}), in one method reached through two callers ({@link #shared}), at one line with two receiver
 * classes ({@link #readFrom}, once with a {@code FileInputStream}, once with {@link Counting}, whose {@code read}
 * reads at its own line), and {@code Thread.sleep(0)} ({@link #sleeps}). Prints {@code scenario done} at the end.
 */
public final class RepeatedCalls {
    private RepeatedCalls() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "repeat-loop-1"));
        try (FileInputStream zero = new FileInputStream("/dev/zero");
             Counting counting = new Counting("/dev/zero")) {
            loop.submit(() -> {
                tight(zero, n);
                for (int i = 0; i < n; i++) {
                    handler(zero);
                    twoOnOneLine(zero);
                    viaFirst(zero);
                    viaSecond(zero);
                    readFrom(zero);
                    readFrom(counting);
                    sleeps();
                }
                return null;
            }).get(10, TimeUnit.MINUTES);
        } finally {
            loop.shutdown();
        }
        System.out.println("scenario done");
    }

    static void tight(FileInputStream zero, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            check(zero.read());
        }
    }

    static void handler(FileInputStream zero) throws IOException {
        check(zero.read());
    }

    static void twoOnOneLine(FileInputStream zero) throws IOException {
        check(zero.read() + zero.read());
    }

    static void viaFirst(FileInputStream zero) throws IOException {
        shared(zero);
    }

    static void viaSecond(FileInputStream zero) throws IOException {
        shared(zero);
    }

    static void shared(FileInputStream zero) throws IOException {
        check(zero.read());
    }

    static void readFrom(InputStream in) throws IOException {
        check(in.read());
    }

    static void sleeps() throws InterruptedException {
        Thread.sleep(0);
    }

    private static void check(int zeroes) {
        if (zeroes != 0) {
            throw new IllegalStateException("/dev/zero gave " + zeroes);
        }
    }

    /** A stream of the application's own, whose {@code read} reads at a line of its own. */
    static final class Counting extends FileInputStream {
        Counting(String path) throws IOException {
            super(path);
        }

        @Override
        public int read() throws IOException {
            return super.read();
        }
    }
}
