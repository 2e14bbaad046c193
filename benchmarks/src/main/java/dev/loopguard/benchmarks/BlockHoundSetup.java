package dev.loopguard.benchmarks;

import dev.loopguard.core.EventLoop;
import dev.loopguard.core.EventLoopThread;
import java.util.concurrent.CompletionException;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Installs BlockHound in a benchmark JVM when the comparison runner asks for it with
 * {@code -Dloopguard.bench.blockhound=true}, so that BlockHound watches the same loops Loopguard watches.
 *
 * <p>BlockHound knows Netty's loops through the integration Netty ships (a ServiceLoader entry the shaded jar keeps);
 * core's {@code EventLoop} is taught here: its thread is a non-blocking thread and its idle wait, {@code awaitTask},
 * may park. Without this, BlockHound would watch nothing on core's loop and its row would flatter it.
 */
final class BlockHoundSetup {

    static final String PROPERTY = "loopguard.bench.blockhound";

    private static boolean installed;

    private BlockHoundSetup() {
    }

    /** Installs BlockHound once per JVM if the property is {@code true}; any other value except absent is an error. */
    static synchronized void installIfRequested() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.equals("false")) {
            return;
        }
        if (!value.equals("true")) {
            throw new IllegalArgumentException("system property " + PROPERTY + " must be true or false, was '"
                    + value + "'");
        }
        if (!installed) {
            BlockHound.install(new CoreLoopIntegration());
            verifyDetection();
            installed = true;
        }
    }

    /**
     * A comparison row for a BlockHound that watches nothing would be worthless, so make sure it rejects a sleep on
     * core's loop before any measurement.
     */
    private static void verifyDetection() {
        try (EventLoop loop = EventLoop.builder().name("blockhound-check-loop").build()) {
            Throwable failure = loop.submit(() -> {
                Thread.sleep(1);
                return null;
            }).handle((value, error) -> error).join();
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (!(cause instanceof BlockingOperationError)) {
                throw new IllegalStateException("BlockHound was installed but did not reject Thread.sleep on an "
                        + "EventLoop thread (got " + cause + "); its benchmark rows would measure an idle BlockHound");
            }
        }
    }

    /** Marks core's loop threads as non-blocking and allows the loop's own idle wait. */
    static final class CoreLoopIntegration implements BlockHoundIntegration {
        @Override
        public void applyTo(BlockHound.Builder builder) {
            builder.nonBlockingThreadPredicate(current -> current.or(thread -> thread instanceof EventLoopThread))
                    .allowBlockingCallsInside("dev.loopguard.core.EventLoop", "awaitTask");
        }
    }
}
