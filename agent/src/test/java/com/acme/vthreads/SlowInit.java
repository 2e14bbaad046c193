package com.acme.vthreads;

import java.util.concurrent.TimeUnit;

/** A class whose initializer blocks: a virtual thread that runs it stays pinned to its carrier meanwhile. */
public final class SlowInit {
    static {
        try {
            TimeUnit.MILLISECONDS.sleep(60);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SlowInit() {
    }

    public static void touch() {
        // initialising the class is the point
    }
}
