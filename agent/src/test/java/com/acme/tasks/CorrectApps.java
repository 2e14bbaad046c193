package com.acme.tasks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Correct asynchronous programs on real frameworks, written the idiomatic way (fire-and-forget writes, framework
 * promises, an error recovered inside a Reactor chain): the agent at its default options must find nothing.
 */
public final class CorrectApps {

    private CorrectApps() {
    }

    public static void main(String[] args) throws Exception {
        nettyEcho();
        vertxHttp();
        reactorPipeline();
        System.out.println("scenario done");
    }

    static void nettyEcho() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(2);
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg); // idiomatic fire-and-forget write
                                }
                            });
                        }
                    })
                    .bind(0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    echoed.complete(buf.toString(StandardCharsets.UTF_8));
                                    buf.release();
                                }
                            });
                        }
                    })
                    .connect("127.0.0.1", port).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
            if (!"ping".equals(echoed.get(10, TimeUnit.SECONDS))) {
                throw new IllegalStateException("netty echo went wrong");
            }
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    static void vertxHttp() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> request.response().end("hello"))
                    .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String body = vertx.createHttpClient()
                    .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
                    .compose(request -> request.send().compose(HttpClientResponse::body))
                    .map(buffer -> buffer.toString(StandardCharsets.UTF_8))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (!"hello".equals(body)) {
                throw new IllegalStateException("vert.x request went wrong");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    static void reactorPipeline() {
        List<Integer> result = Flux.range(1, 200)
                .parallel(2)
                .runOn(Schedulers.parallel())
                .map(i -> {
                    if (i == 100) {
                        throw new IllegalStateException("bad item " + i);
                    }
                    return i * 2;
                })
                .sequential()
                .onErrorResume(e -> Flux.just(-1))
                .collectList()
                .block(Duration.ofSeconds(10));
        if (result == null || !result.contains(-1)) {
            throw new IllegalStateException("reactor pipeline did not recover");
        }
        Integer viaFuture = Flux.just(1, 2, 3).publishOn(Schedulers.parallel()).reduce(Integer::sum)
                .toFuture().join();
        if (viaFuture != 6) {
            throw new IllegalStateException("reactor toFuture went wrong");
        }
    }
}
