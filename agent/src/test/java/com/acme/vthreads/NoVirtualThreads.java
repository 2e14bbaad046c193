package com.acme.vthreads;

/** A JVM that never starts a virtual thread: the agent's pinned-thread monitor has no reason to start JFR. */
public final class NoVirtualThreads {
    private NoVirtualThreads() {
    }

    public static void main(String[] args) {
        System.out.println("no virtual threads here");
    }
}
