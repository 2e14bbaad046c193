package com.acme.loops;

import dev.loopguard.agent.LoopguardAgent;
import dev.loopguard.core.EventLoop;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every blocking operation, and every rule for what is not blocking, each in its own method run as one task on a
 * core {@link EventLoop}. The integration test reads the report and checks each method's site.
 */
public final class BlockingOperations {
    private static Path file;
    private static ServerSocket server;

    private BlockingOperations() {
    }

    public static void main(String[] args) throws Exception {
        file = Files.writeString(Path.of("data.txt"), "0123456789");
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(BlockingOperations::acceptForever, "scenario-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();

        Map<String, Callable<?>> steps = new LinkedHashMap<>();
        steps.put("sleep", BlockingOperations::sleep);
        steps.put("sleepWithNanos", BlockingOperations::sleepWithNanos);
        steps.put("timeUnitSleep", BlockingOperations::timeUnitSleep);
        steps.put("objectWaitTimed", BlockingOperations::objectWaitTimed);
        steps.put("objectWait", BlockingOperations::objectWait);
        steps.put("threadJoin", BlockingOperations::threadJoin);
        steps.put("pendingFutureJoin", BlockingOperations::pendingFutureJoin);
        steps.put("pendingFutureGet", BlockingOperations::pendingFutureGet);
        steps.put("latchAwait", BlockingOperations::latchAwait);
        steps.put("queueTake", BlockingOperations::queueTake);
        steps.put("contendedLock", BlockingOperations::contendedLock);
        steps.put("semaphoreAcquire", BlockingOperations::semaphoreAcquire);
        steps.put("conditionAwait", BlockingOperations::conditionAwait);
        steps.put("fileInputStreamRead", BlockingOperations::fileInputStreamRead);
        steps.put("fileOutputStreamWrite", BlockingOperations::fileOutputStreamWrite);
        steps.put("randomAccessFileRead", BlockingOperations::randomAccessFileRead);
        steps.put("fileChannelRead", BlockingOperations::fileChannelRead);
        steps.put("filesReadString", BlockingOperations::filesReadString);
        steps.put("socketConnect", BlockingOperations::socketConnect);
        steps.put("socketRead", BlockingOperations::socketRead);
        steps.put("serverSocketAccept", BlockingOperations::serverSocketAccept);
        steps.put("datagramSend", BlockingOperations::datagramSend);
        steps.put("blockingSocketChannelConnect", BlockingOperations::blockingSocketChannelConnect);
        steps.put("hostNameLookup", BlockingOperations::hostNameLookup);
        steps.put("processStart", BlockingOperations::processStart);
        steps.put("processWaitFor", BlockingOperations::processWaitFor);
        steps.put("cpuBound", BlockingOperations::cpuBound);
        steps.put("cpuBoundAfterSlowInitialiser", BlockingOperations::cpuBoundAfterSlowInitialiser);
        // Not blocking:
        steps.put("joinCompletedFuture", BlockingOperations::joinCompletedFuture);
        steps.put("uncontendedLock", BlockingOperations::uncontendedLock);
        steps.put("uncontendedSynchronized", BlockingOperations::uncontendedSynchronized);
        steps.put("classLoading", BlockingOperations::classLoading);
        steps.put("slowClassInitialiser", BlockingOperations::slowClassInitialiser);
        steps.put("nonBlockingSocketChannel", BlockingOperations::nonBlockingSocketChannel);
        steps.put("literalAddressLookup", BlockingOperations::literalAddressLookup);
        steps.put("consoleOutput", BlockingOperations::consoleOutput);

        try (EventLoop loop = EventLoop.create()) {
            for (Map.Entry<String, Callable<?>> step : steps.entrySet()) {
                loop.submit(step.getValue()).get(30, TimeUnit.SECONDS);
                System.out.println("step " + step.getKey() + " done");
            }
            // The monitor detector reads JFR events; its stream starts with the first event loop and takes a moment
            // to come up, and delivers events about once a second: contend until the finding arrives.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (LoopguardAgent.findings().stream().noneMatch(f -> f.operation().orElse("")
                    .equals("synchronized(" + Inventory.class.getName() + ")"))
                    && System.nanoTime() < deadline) {
                loop.submit(BlockingOperations::contendedSynchronized).get(30, TimeUnit.SECONDS);
                Thread.sleep(200);
            }
            System.out.println("step contendedSynchronized done");
            // The loop is idle for longer than the stall threshold: its own wait is neither blocking nor a stall.
            CompletableFuture<Object> later = new CompletableFuture<>();
            loop.schedule(() -> later.complete("idle over"), Duration.ofMillis(300));
            later.get(30, TimeUnit.SECONDS);
        }
        sleepOffLoop();
        System.out.println("scenario done");
    }

    static Object sleep() throws InterruptedException {
        Thread.sleep(1);
        return null;
    }

    static Object sleepWithNanos() throws InterruptedException {
        Thread.sleep(1, 500);
        return null;
    }

    static Object timeUnitSleep() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(1);
        return null;
    }

    static Object objectWaitTimed() throws InterruptedException {
        Object lock = new Object();
        synchronized (lock) {
            lock.wait(1);
        }
        return null;
    }

    static Object objectWait() throws InterruptedException {
        Object lock = new Object();
        synchronized (lock) {
            Waiters.releaseWhenWaiting(Thread.currentThread(), () -> {
                synchronized (lock) {
                    lock.notifyAll();
                }
            });
            lock.wait();
        }
        return null;
    }

    static Object threadJoin() throws InterruptedException {
        Thread worker = new Thread(() -> { }, "scenario-worker");
        worker.start();
        worker.join();
        return null;
    }

    static Object pendingFutureJoin() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        Waiters.releaseWhenWaiting(Thread.currentThread(), () -> pending.complete("done"));
        return pending.join();
    }

    static Object pendingFutureGet() throws Exception {
        CompletableFuture<String> pending = new CompletableFuture<>();
        Waiters.releaseWhenWaiting(Thread.currentThread(), () -> pending.complete("done"));
        return pending.get();
    }

    static Object latchAwait() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        Waiters.releaseWhenWaiting(Thread.currentThread(), latch::countDown);
        latch.await();
        return null;
    }

    static Object queueTake() throws InterruptedException {
        ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
        Waiters.releaseWhenWaiting(Thread.currentThread(), () -> queue.offer("item"));
        return queue.take();
    }

    static Object contendedLock() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        Thread loop = Thread.currentThread();
        Thread holder = new Thread(() -> {
            lock.lock();
            try {
                held.countDown();
                while (loop.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
            } finally {
                lock.unlock();
            }
        }, "scenario-holder");
        holder.setDaemon(true);
        holder.start();
        while (held.getCount() > 0) {
            Thread.onSpinWait();
        }
        lock.lock();
        lock.unlock();
        return null;
    }

    static Object semaphoreAcquire() throws InterruptedException {
        Semaphore semaphore = new Semaphore(0);
        Waiters.releaseWhenWaiting(Thread.currentThread(), semaphore::release);
        semaphore.acquire();
        return null;
    }

    static Object conditionAwait() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        Condition signalled = lock.newCondition();
        lock.lock();
        try {
            Waiters.releaseWhenWaiting(Thread.currentThread(), () -> {
                lock.lock();
                try {
                    signalled.signalAll();
                } finally {
                    lock.unlock();
                }
            });
            signalled.await();
        } finally {
            lock.unlock();
        }
        return null;
    }

    static Object fileInputStreamRead() throws Exception {
        try (InputStream in = openOffLoop()) {
            return in.read();
        }
    }

    private static InputStream openOffLoop() throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return (InputStream) new FileInputStream(file.toFile());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, BlockingOperations::runOnNewThread).get();
    }

    static Object fileOutputStreamWrite() throws Exception {
        try (OutputStream out = CompletableFuture.supplyAsync(() -> {
            try {
                return (OutputStream) new FileOutputStream("out.txt");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, BlockingOperations::runOnNewThread).get()) {
            out.write(42);
        }
        return null;
    }

    static Object randomAccessFileRead() throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            return raf.read();
        }
    }

    static Object fileChannelRead() throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.read(ByteBuffer.allocate(4));
        }
    }

    static Object filesReadString() throws Exception {
        return Files.readString(file);
    }

    static Object socketConnect() throws Exception {
        try (Socket socket = new Socket(server.getInetAddress(), server.getLocalPort())) {
            return socket.isConnected();
        }
    }

    static Object socketRead() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(server.getLocalSocketAddress());
            return socket.getInputStream().read();
        }
    }

    static Object serverSocketAccept() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
                    s.getOutputStream().write(1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, BlockingOperations::runOnNewThread);
            try (Socket accepted = listener.accept()) {
                return accepted.getPort();
            }
        }
    }

    static Object datagramSend() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] data = {1, 2, 3};
            socket.send(new DatagramPacket(data, data.length, socket.getLocalSocketAddress()));
        }
        return null;
    }

    static Object blockingSocketChannelConnect() throws Exception {
        try (SocketChannel channel = SocketChannel.open(server.getLocalSocketAddress())) {
            return channel.isConnected();
        }
    }

    static Object hostNameLookup() throws Exception {
        return InetAddress.getByName("localhost");
    }

    static Object processStart() throws Exception {
        Process p = new ProcessBuilder("true").start();
        return p.pid();
    }

    static Object processWaitFor() throws Exception {
        Process p = CompletableFuture.supplyAsync(() -> {
            try {
                return new ProcessBuilder("true").start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, BlockingOperations::runOnNewThread).get();
        return p.waitFor();
    }

    /** The monitor the loop and a helper thread contend for. */
    static final class Inventory {
        int items;
    }

    static Object contendedSynchronized() throws InterruptedException {
        Inventory inventory = new Inventory();
        CountDownLatch held = new CountDownLatch(1);
        Thread loop = Thread.currentThread();
        Thread holder = new Thread(() -> {
            synchronized (inventory) {
                held.countDown();
                while (loop.getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
                inventory.items++;
            }
        }, "scenario-monitor-holder");
        holder.setDaemon(true);
        holder.start();
        while (held.getCount() > 0) {
            Thread.onSpinWait();
        }
        synchronized (inventory) {
            inventory.items++;
        }
        return inventory.items;
    }

    static Object cpuBound() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return spins;
    }

    /** Warm-up (a slow class initialiser) followed by the task's own CPU-bound work: still a stall, of the work. */
    static Object cpuBoundAfterSlowInitialiser() {
        long spins = WarmUpFirst.VALUE;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        while (System.nanoTime() < end) {
            spins++;
        }
        return spins;
    }

    /** Only a class initialiser, the first time the class is used: one-time warm-up, not a stall. */
    static Object slowClassInitialiser() {
        return InitialisedOnce.VALUE;
    }

    private static long spinFor(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long spins = 0;
        while (System.nanoTime() < end) {
            spins++;
        }
        return spins;
    }

    private static final class WarmUpFirst {
        static final long VALUE = spinFor(300);
    }

    private static final class InitialisedOnce {
        static final long VALUE = spinFor(400);
    }

    static Object joinCompletedFuture() {
        return CompletableFuture.completedFuture("done").join();
    }

    static Object uncontendedLock() {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try {
            return lock.isHeldByCurrentThread();
        } finally {
            lock.unlock();
        }
    }

    static Object uncontendedSynchronized() {
        Inventory inventory = new Inventory();
        synchronized (inventory) {
            return ++inventory.items;
        }
    }

    static Object classLoading() {
        return LateLoaded.NAME;
    }

    static Object nonBlockingSocketChannel() throws Exception {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.configureBlocking(false);
            return channel.connect(server.getLocalSocketAddress());
        }
    }

    static Object literalAddressLookup() throws Exception {
        return InetAddress.getByName("127.0.0.1");
    }

    static Object consoleOutput() {
        System.out.println("console output from the loop");
        return null;
    }

    static void sleepOffLoop() throws InterruptedException {
        Thread.sleep(1);
    }

    private static void runOnNewThread(Runnable r) {
        Thread t = new Thread(r, "scenario-off-loop");
        t.setDaemon(true);
        t.start();
    }

    private static void acceptForever() {
        while (true) {
            try {
                Socket s = server.accept();
                s.getOutputStream().write(7);
                s.getOutputStream().flush();
            } catch (Exception e) {
                return;
            }
        }
    }
}
