package com.acme.tasks;

import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/** An application repository with a lazy (Reactor) and an eager (CompletableFuture) write. */
final class Repository {
    final StringBuilder log = new StringBuilder();

    /** Lazy: nothing is saved until someone subscribes. */
    Mono<Void> save(String item) {
        return Mono.fromRunnable(() -> log.append("saved ").append(item));
    }

    /** Eager: stores at once and says when it is done. */
    CompletableFuture<Void> store(String item) {
        log.append("stored ").append(item);
        return CompletableFuture.completedFuture(null);
    }

    @FireAndForget
    CompletableFuture<Void> warmUp() {
        return CompletableFuture.completedFuture(null);
    }
}
