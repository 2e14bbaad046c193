package com.acme.loops;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The first requests through a Netty server handler, on a loop that has run nothing of this handler before: one batch
 * of {@link #REQUESTS} orders arrives in one read, and the handler prices each (parsing, {@code BigDecimal}, a regular
 * expression, a stream, formatting, dates, a digest: code that runs for the first time, about 40 ms of CPU). With {@code spin} the handler also spins for
 * 300 ms of its thread's CPU time on the first read, a genuine stall. Prints how long the loop spent on the batch
 * ({@code batch on loop: N ms}), measured inside the handler, so that runs with and without the agent compare.
 */
public final class ColdNettyHandler {
    static final int REQUESTS = 40;

    private ColdNettyHandler() {
    }

    public static void main(String[] args) throws Exception {
        boolean spin = args.length > 0 && "spin".equals(args[0]);
        NioEventLoopGroup server = new NioEventLoopGroup(1);
        NioEventLoopGroup client = new NioEventLoopGroup(1);
        CountDownLatch answered = new CountDownLatch(1);
        PricingHandler handler = new PricingHandler(spin);
        try {
            Channel listener = new ServerBootstrap().group(server).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel connection = new Bootstrap().group(client).channel(NioSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                            answered.countDown();
                        }
                    })
                    .connect(listener.localAddress()).sync().channel();
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < REQUESTS; i++) {
                batch.append("order-").append(i).append(';').append(1 + i % 7).append(';').append(9 + i).append(".95\n");
            }
            connection.writeAndFlush(Unpooled.copiedBuffer(batch, StandardCharsets.UTF_8)).sync();
            if (!answered.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no answer from the server");
            }
            handler.done.get(60, TimeUnit.SECONDS);
            connection.close().sync();
            listener.close().sync();
        } finally {
            client.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
            server.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);
        }
        System.out.println("batch on loop: " + TimeUnit.NANOSECONDS.toMillis(handler.batchNanos) + " ms, cpu "
                + TimeUnit.NANOSECONDS.toMillis(handler.batchCpuNanos) + " ms");
        System.out.println("scenario done");
    }

    /** Prices every order of a read and answers with one line per order. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class PricingHandler extends ChannelInboundHandlerAdapter {
        private static final Pattern ORDER = Pattern.compile("order-(\\d+);(\\d+);(\\d+\\.\\d{2})");
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final boolean spin;
        private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
        volatile long batchNanos;
        volatile long batchCpuNanos;

        PricingHandler(boolean spin) {
            this.spin = spin;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long start = System.nanoTime();
            long cpuStart = CPU.getCurrentThreadCpuTime();
            ByteBuf in = (ByteBuf) msg;
            String text = in.toString(StandardCharsets.UTF_8);
            in.release();
            if (spin) {
                spinFor(300);
            }
            List<Quote> quotes = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    quotes.add(Quote.of(line, ORDER));
                }
            }
            Map<Integer, BigDecimal> byQuantity = quotes.stream()
                    .collect(Collectors.groupingBy(q -> q.quantity, TreeMap::new,
                            Collectors.reducing(BigDecimal.ZERO, q -> q.total, BigDecimal::add)));
            String answer = quotes.stream().map(Quote::render).collect(Collectors.joining("\n", "", "\n"))
                    + byQuantity.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "qty %d: %s", e.getKey(), e.getValue()))
                    .collect(Collectors.joining("; "));
            ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
            batchNanos += System.nanoTime() - start;
            batchCpuNanos += CPU.getCurrentThreadCpuTime() - cpuStart;
            done.complete(null);
        }

        /** Spins until this thread has used {@code millis} of CPU: that much work, however loaded the machine. */
        private static void spinFor(long millis) {
            long end = CPU.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long spins = 0;
            while (CPU.getCurrentThreadCpuTime() < end) {
                spins++;
            }
            if (spins < 0) {
                throw new IllegalStateException();
            }
        }
    }

    /** One priced order. */
    static final class Quote {
        final String id;
        final int quantity;
        final BigDecimal total;

        private Quote(String id, int quantity, BigDecimal total) {
            this.id = id;
            this.quantity = quantity;
            this.total = total;
        }

        static Quote of(String line, Pattern format) {
            var m = format.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not an order: " + line);
            }
            int quantity = Integer.parseInt(m.group(2));
            BigDecimal unit = new BigDecimal(m.group(3));
            BigDecimal total = unit.multiply(BigDecimal.valueOf(quantity)).multiply(new BigDecimal("1.2"))
                    .setScale(2, RoundingMode.HALF_EVEN);
            return new Quote("order-" + m.group(1), quantity, total);
        }

        String render() {
            return String.format(Locale.ROOT, "%s x%d = %s EUR at %s, ref %s", id, quantity, total.toPlainString(),
                    DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(LocalDateTime.of(2026, 1, 1, 0, 0).plusHours(quantity)),
                    reference());
        }

        /** A short digest of the order, as a reference the customer can quote. */
        private String reference() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] digest = sha.digest((id + total).getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 9));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
