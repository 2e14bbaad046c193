package com.acme.app;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

class AppTest {

    @Test
    void blocksTheLoop() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "acme-loop-app"));
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
