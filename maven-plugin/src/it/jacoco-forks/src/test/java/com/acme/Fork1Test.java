package com.acme;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Fork1Test {

    @Test
    void greetsOnTheLoopWithBothAgentsInThisJvm() throws Exception {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(args.stream().anyMatch(a -> a.contains("-javaagent:") && a.contains("jacoco")), args::toString);
        assertTrue(args.stream().anyMatch(a -> a.contains("-javaagent:") && a.contains("loopguard-agent")), args::toString);
        assertTrue(args.contains("-Dacme.sample=jacoco-forks"), args::toString);
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "acme-loop-1"));
        try {
            assertEquals("hello 1", loop.submit(() -> Greeter.greet("1")).get(60, TimeUnit.SECONDS));
        } finally {
            loop.shutdown();
        }
    }
}
