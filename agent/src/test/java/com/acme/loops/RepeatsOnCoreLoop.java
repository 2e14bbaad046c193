package com.acme.loops;

import dev.loopguard.core.EventLoop;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Reads of {@code /dev/zero} repeated {@code N} times (the argument) in a loop inside one call on core's event loop,
 * which the agent recognises by its class, with no {@code eventLoopThreads} option: so the agent weaves its blocking
 * hooks only when the loop starts. This class loads before that ({@link #early}), {@link Late} after it.
 */
public final class RepeatsOnCoreLoop {
    private RepeatsOnCoreLoop() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        try (FileInputStream zero = new FileInputStream("/dev/zero");
             EventLoop loop = EventLoop.builder().name("repeat-core").build()) {
            loop.submit(() -> {
                early(zero, n);
                Late.late(zero, n);
                return null;
            }).get(10, TimeUnit.MINUTES);
        }
        System.out.println("scenario done");
    }

    static void early(FileInputStream zero, int n) throws IOException {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += zero.read();
        }
        check(sum);
    }

    static void check(long sum) {
        if (sum != 0) {
            throw new IllegalStateException("/dev/zero gave " + sum);
        }
    }

    /** Loaded by the loop's task, after the loop started. */
    static final class Late {
        private Late() {
        }

        static void late(FileInputStream zero, int n) throws IOException {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += zero.read();
            }
            check(sum);
        }
    }
}
