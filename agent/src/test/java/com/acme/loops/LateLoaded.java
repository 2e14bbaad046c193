package com.acme.loops;

/** Loaded for the first time on an event loop, to show that class loading is not a blocking call. */
final class LateLoaded {
    static final String NAME = "late";

    private LateLoaded() {
    }
}
