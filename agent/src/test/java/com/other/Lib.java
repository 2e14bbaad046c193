package com.other;

/** A library outside the application's packages (see the packages option test). */
public final class Lib {
    private Lib() {
    }

    public static void pause() throws InterruptedException {
        Thread.sleep(1);
    }
}
