package com.acme.harness;

/** A client that blocks by design, which a test allows on the loop with {@code @AllowBlocking}. */
final class LegacyClient {
    private LegacyClient() {
    }

    static String fetch() throws InterruptedException {
        Thread.sleep(2);
        return "fetched";
    }

    static String fetchAgain() throws InterruptedException {
        Thread.sleep(2);
        return "fetched again";
    }
}
