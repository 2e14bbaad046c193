package com.acme.lib;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Run by Failsafe, in its own JVM, which the plugin's argLine gives the agent as it does Surefire's. */
class LibBlockingIT {

    @Test
    void blocksTheLoopInAnIntegrationTest() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "acme-loop-lib-it"));
        try {
            loop.submit(() -> {
                Thread.sleep(5);
                return null;
            }).get(60, TimeUnit.SECONDS);
        } finally {
            loop.shutdown();
        }
    }
}
