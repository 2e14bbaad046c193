package com.acme.loops;

import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.FileInputStream;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Random numbers made on a Netty channel loop, the way request handlers make request ids: {@code UUID.randomUUID()},
 * a default {@code SecureRandom} (NativePRNG on Linux, which reads the non-blocking {@code /dev/urandom}) and
 * {@code new Random()}; each first used on the loop, so that the JDK's own set-up runs there too. Then the two forms
 * that read the blocking {@code /dev/random}: {@code SecureRandom.getInstanceStrong()} and the file itself.
 */
public final class RandomOnNettyLoop {
    private RandomOnNettyLoop() {
    }

    public static void main(String[] args) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            EventLoop loop = group.next();
            for (int i = 0; i < 100; i++) {
                loop.submit(RandomOnNettyLoop::requestId).get(30, TimeUnit.SECONDS);
                loop.submit(RandomOnNettyLoop::sessionToken).get(30, TimeUnit.SECONDS);
                loop.submit(RandomOnNettyLoop::jitter).get(30, TimeUnit.SECONDS);
            }
            loop.submit(RandomOnNettyLoop::strongToken).get(30, TimeUnit.SECONDS);
            loop.submit(RandomOnNettyLoop::devRandomRead).get(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
        System.out.println("scenario done");
    }

    static String requestId() {
        return UUID.randomUUID().toString();
    }

    static byte[] sessionToken() {
        byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        return token;
    }

    static int jitter() {
        return new Random().nextInt(100);
    }

    static byte[] strongToken() throws NoSuchAlgorithmException {
        byte[] token = new byte[16];
        SecureRandom.getInstanceStrong().nextBytes(token);
        return token;
    }

    static int devRandomRead() throws IOException {
        try (FileInputStream in = new FileInputStream("/dev/random")) {
            return in.read();
        }
    }
}
