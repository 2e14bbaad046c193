package com.acme;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopTest {

    @Test
    void handlesARequestOnTheLoop() throws Exception {
        String mode = System.getProperty("acme.mode", "block");
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "acme-loop-1"));
        ExecutorService blocking = Executors.newSingleThreadExecutor(r -> new Thread(r, "acme-blocking-1"));
        try {
            loop.submit(() -> {
                if (mode.equals("fixed")) {
                    blocking.submit(LoopTest::readFromDisk);
                } else {
                    readFromDisk();
                }
                if (mode.equals("block-twice")) {
                    waitForReply();
                }
                return null;
            }).get(60, TimeUnit.SECONDS);
        } finally {
            loop.shutdown();
            blocking.shutdown();
            assertTrue(blocking.awaitTermination(60, TimeUnit.SECONDS));
        }
    }

    static Void readFromDisk() throws InterruptedException {
        Thread.sleep(5);
        return null;
    }

    static void waitForReply() throws InterruptedException {
        Object lock = new Object();
        synchronized (lock) {
            lock.wait(5);
        }
    }
}
