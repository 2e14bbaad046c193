package com.acme.loops;

import dev.loopguard.agent.LoopguardAgent;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** LoopguardAgent.install() in a JVM started without -javaagent, and the in-process API. */
public final class InstallScenario {
    private InstallScenario() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("installed before: " + LoopguardAgent.isInstalled());
        try {
            LoopguardAgent.findings();
        } catch (IllegalStateException e) {
            System.out.println("findings before install: " + e.getMessage());
        }
        try {
            LoopguardAgent.install();
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.out.println("install failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        LoopguardAgent.install();
        System.out.println("installed after: " + LoopguardAgent.isInstalled());
        LoopguardAgent.addListener(f -> System.out.println("listener: " + f.kind() + " " + f.operation().orElse("")
                + " x" + f.count()));
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "install-loop-1"));
        loop.submit(() -> {
            sleepOnLoop();
            return null;
        }).get(30, TimeUnit.SECONDS);
        loop.shutdown();
        System.out.println("findings: " + LoopguardAgent.findings().size() + " "
                + LoopguardAgent.findings().get(0).site().orElse("none"));
        System.out.println("on demand: " + LoopguardAgent.writeReport(Path.of("on-demand.json")).getFileName());
        LoopguardAgent.reset();
        System.out.println("after reset: " + LoopguardAgent.findings().size());
    }

    static void sleepOnLoop() throws InterruptedException {
        Thread.sleep(1);
    }
}
