package com.acme.loops;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A program with very many findings, on a thread named {@code many-loop-1} (make it an event loop with
 * {@code eventLoopThreads=many-loop-*}). Arguments: {@code sites N} makes N blocking calls at N distinct sites
 * ({@code Thread.sleep(0)} at a line of its own in generated classes of 1,000 methods each);
 * {@code repeat N} makes N blocking calls at one site (a one-byte read from {@code /dev/zero}, a system call that
 * takes about the same time on a busy machine as on an idle one, unlike a {@code sleep(0)}, which yields), all in a
 * loop inside one call; {@code handler N} makes the same reads, each in its own call of a handler method. Prints the
 * elapsed time, the loop thread's CPU time and the heap in use after a full GC, so a runner can compare runs with and
 * without the agent.
 */
public final class ManyFindings {
    private ManyFindings() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        FileInputStream zero = "repeat".equals(mode) || "handler".equals(mode) ? new FileInputStream("/dev/zero") : null;
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "many-loop-1"));
        // The loop thread's CPU time, which a busy machine inflates less than the elapsed time; the bean is made here,
        // so that loading it is no finding of the loop's.
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        cpu.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long loopCpuNanos;
        try {
            loopCpuNanos = loop.submit(() -> {
                long cpuStart = cpu.getCurrentThreadCpuTime();
                if ("sites".equals(mode)) {
                    distinctSites(n);
                } else if ("repeat".equals(mode)) {
                    oneSite(zero, n);
                } else if ("handler".equals(mode)) {
                    oneSiteInAHandler(zero, n);
                } else {
                    throw new IllegalArgumentException("mode must be sites, repeat or handler, was " + mode);
                }
                return cpu.getCurrentThreadCpuTime() - cpuStart;
            }).get(10, TimeUnit.MINUTES);
        } finally {
            loop.shutdown();
            if (zero != null) {
                zero.close();
            }
        }
        long elapsed = System.nanoTime() - start;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("elapsed ms " + TimeUnit.NANOSECONDS.toMillis(elapsed));
        System.out.println("loop thread cpu ms " + TimeUnit.NANOSECONDS.toMillis(loopCpuNanos));
        System.out.println("heap used after GC bytes " + heap);
        System.out.println("scenario done");
    }

    static void oneSite(FileInputStream zero, int n) throws IOException {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += zero.read();
        }
        if (sum != 0) {
            throw new IllegalStateException("/dev/zero gave " + sum);
        }
    }

    /** The reads of {@link #oneSite}, each in its own call of a handler method, as a loop calls a handler per event. */
    static void oneSiteInAHandler(FileInputStream zero, int n) throws IOException {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += handle(zero);
        }
        if (sum != 0) {
            throw new IllegalStateException("/dev/zero gave " + sum);
        }
    }

    static int handle(FileInputStream zero) throws IOException {
        return zero.read();
    }

    static void distinctSites(int n) throws Exception {
        GeneratedClasses loader = new GeneratedClasses();
        for (int done = 0, k = 0; done < n; k++) {
            int methods = Math.min(METHODS_PER_CLASS, n - done);
            loader.define("com.acme.gen.Sites" + k, methods).getMethod("runAll").invoke(null);
            done += methods;
        }
    }

    static final int METHODS_PER_CLASS = 1000;

    /**
     * Defines classes {@code NAME} with methods {@code m0..mK}, each {@code Thread.sleep(0L)} at its own line (line
     * i + 1 of {@code NAME.java}), and {@code runAll()} calling them in order; written by hand, as no bytecode
     * library is on the scenario class path.
     */
    static final class GeneratedClasses extends ClassLoader {
        GeneratedClasses() {
            super(ManyFindings.class.getClassLoader());
        }

        Class<?> define(String name, int methods) throws IOException {
            byte[] bytes = classFile(name.replace('.', '/'), methods);
            return defineClass(name, bytes, 0, bytes.length);
        }

        static byte[] classFile(String internalName, int methods) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(52); // Java 8: no stack map frames needed for straight-line code
            out.writeShort(17 + 3 * methods); // constant pool count
            utf8(out, internalName);                                   // 1
            out.writeByte(7); out.writeShort(1);                       // 2 Class this
            utf8(out, "java/lang/Object");                             // 3
            out.writeByte(7); out.writeShort(3);                       // 4 Class super
            utf8(out, "()V");                                          // 5
            utf8(out, "Code");                                         // 6
            utf8(out, "java/lang/Thread");                             // 7
            out.writeByte(7); out.writeShort(7);                       // 8 Class Thread
            utf8(out, "sleep");                                        // 9
            utf8(out, "(J)V");                                         // 10
            out.writeByte(12); out.writeShort(9); out.writeShort(10);  // 11 NameAndType sleep(J)V
            out.writeByte(10); out.writeShort(8); out.writeShort(11);  // 12 Methodref Thread.sleep
            utf8(out, "LineNumberTable");                              // 13
            utf8(out, "SourceFile");                                   // 14
            utf8(out, internalName.substring(internalName.lastIndexOf('/') + 1) + ".java"); // 15
            utf8(out, "runAll");                                       // 16
            for (int i = 0; i < methods; i++) {
                int base = 17 + 3 * i;
                utf8(out, "m" + i);                                            // base: name
                out.writeByte(12); out.writeShort(base); out.writeShort(5);    // base + 1: NameAndType m_i()V
                out.writeByte(10); out.writeShort(2); out.writeShort(base + 1); // base + 2: Methodref this.m_i
            }
            out.writeShort(0x0021); // public super
            out.writeShort(2);
            out.writeShort(4);
            out.writeShort(0); // interfaces
            out.writeShort(0); // fields
            out.writeShort(methods + 1);
            for (int i = 0; i < methods; i++) {
                out.writeShort(0x0009); // public static
                out.writeShort(17 + 3 * i);
                out.writeShort(5);
                out.writeShort(1); // attributes: Code
                out.writeShort(6);
                out.writeInt(29);
                out.writeShort(2); // max stack
                out.writeShort(0); // max locals
                out.writeInt(5);
                out.writeByte(0x09); // lconst_0
                out.writeByte(0xb8); out.writeShort(12); // invokestatic Thread.sleep
                out.writeByte(0xb1); // return
                out.writeShort(0); // exception table
                out.writeShort(1); // code attributes: LineNumberTable
                out.writeShort(13);
                out.writeInt(6);
                out.writeShort(1);
                out.writeShort(0);
                out.writeShort(i + 1);
            }
            int codeLength = 3 * methods + 1;
            out.writeShort(0x0009);
            out.writeShort(16);
            out.writeShort(5);
            out.writeShort(1);
            out.writeShort(6);
            out.writeInt(12 + codeLength);
            out.writeShort(0); // max stack
            out.writeShort(0); // max locals
            out.writeInt(codeLength);
            for (int i = 0; i < methods; i++) {
                out.writeByte(0xb8); out.writeShort(17 + 3 * i + 2); // invokestatic m_i
            }
            out.writeByte(0xb1);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(1); // class attributes: SourceFile
            out.writeShort(14);
            out.writeInt(2);
            out.writeShort(15);
            out.flush();
            return bytes.toByteArray();
        }

        private static void utf8(DataOutputStream out, String s) throws IOException {
            out.writeByte(1);
            out.writeUTF(s);
        }
    }
}
