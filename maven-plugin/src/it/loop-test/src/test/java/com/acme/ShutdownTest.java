package com.acme;

import org.junit.jupiter.api.Test;

class ShutdownTest {

    /** With acme.mode=halt this test's JVM ends as a killed fork would: at once, without shutdown hooks. */
    @Test
    void closesTheService() {
        if ("halt".equals(System.getProperty("acme.mode"))) {
            Runtime.getRuntime().halt(1);
        }
    }
}
