package com.acme.files;

import java.util.concurrent.CountDownLatch;

/** A JVM that says it is running and then waits to be killed: the run a report never comes from. */
public final class RunsUntilKilled {
    public static void main(String[] args) throws InterruptedException {
        System.out.println("running");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
