package dev.loopguard.core;

/**
 * Implemented by the thread that runs an {@link EventLoop}.
 *
 * <p>This is the marker by which the Loopguard agent (and any other tool) recognizes a thread on which nothing may
 * block: code running on a thread that implements this interface is event-loop code.
 */
public interface EventLoopThread {

    /** The loop this thread runs. */
    EventLoop eventLoop();
}
