package com.acme.startup;

/** A hello world: the start-up and exit of a JVM in which the agent has nothing to find. */
public final class HelloScenario {

    private HelloScenario() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
        System.out.println("scenario done");
    }
}
