package com.acme.startup;

import dev.loopguard.core.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first event loop of a JVM, whose first task reads a file with {@code Files.readString}: the agent weaves its
 * blocking-call hooks only when the first loop appears, and this read must be seen all the same. {@code Files} is
 * loaded (by this main) before any loop exists. Argument: {@code none} (the read on main, no loop ever), {@code core},
 * {@code netty} (two loops whose threads start at the same moment, each reading in its first task) or {@code vertx}.
 */
public final class FirstLoopScenario {

    private FirstLoopScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("first-loop", ".txt");
        Files.writeString(file, "first");
        try {
            switch (args[0]) {
                case "none":
                    System.out.println("read on main: " + readOnMain(file));
                    break;
                case "core":
                    try (EventLoop loop = EventLoop.create()) {
                        System.out.println("read on core: " + loop.submit(() -> coreFirstRead(file))
                                .get(30, TimeUnit.SECONDS));
                    }
                    break;
                case "netty":
                    netty(file);
                    break;
                case "vertx":
                    vertx(file);
                    break;
                default:
                    throw new IllegalArgumentException("unknown loop '" + args[0] + "': none, core, netty or vertx");
            }
        } finally {
            Files.delete(file);
        }
        System.out.println("scenario done");
    }

    private static void netty(Path file) throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            // Each submit starts its loop's thread: the second starts while the first may still be recognised.
            io.netty.util.concurrent.Future<String> a = group.next().submit(() -> nettyFirstReadA(file));
            io.netty.util.concurrent.Future<String> b = group.next().submit(() -> nettyFirstReadB(file));
            System.out.println("read on netty: " + a.get(30, TimeUnit.SECONDS) + " " + b.get(30, TimeUnit.SECONDS));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
    }

    private static void vertx(Path file) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<String> read = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                try {
                    read.complete(vertxFirstRead(file));
                } catch (Throwable e) {
                    read.completeExceptionally(e);
                }
            });
            System.out.println("read on vertx: " + read.get(30, TimeUnit.SECONDS));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    static String readOnMain(Path file) throws IOException {
        return Files.readString(file);
    }

    static String coreFirstRead(Path file) throws IOException {
        return Files.readString(file);
    }

    static String nettyFirstReadA(Path file) throws IOException {
        return Files.readString(file);
    }

    static String nettyFirstReadB(Path file) throws IOException {
        return Files.readString(file);
    }

    static String vertxFirstRead(Path file) throws IOException {
        return Files.readString(file);
    }
}
