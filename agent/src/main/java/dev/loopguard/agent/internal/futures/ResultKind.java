package dev.loopguard.agent.internal.futures;

/** What a call returns, as far as dropping its result matters. */
enum ResultKind {
    /** Not a future or publisher: dropping it is nobody's business here. */
    OTHER,
    /** A lazy publisher (Reactor, Reactive Streams, {@code Flow}, RxJava): nothing runs until someone subscribes. */
    LAZY_PUBLISHER,
    /** An eager future or stage: the work runs whether or not someone keeps the result. */
    EAGER_FUTURE
}
