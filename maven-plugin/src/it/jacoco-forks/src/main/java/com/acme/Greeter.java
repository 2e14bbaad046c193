package com.acme;

public final class Greeter {
    public static String greet(String name) throws InterruptedException {
        Thread.sleep(5); // pretend to look the name up
        return "hello " + name;
    }
}
