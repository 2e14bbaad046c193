package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.AgentRuntime;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * Catches calls to JDK methods that are native on this JDK ({@code Thread.sleep(long)} and {@code Object.wait(long)}
 * on JDK 17) where code outside the JDK makes them: it inserts a {@code Bridge.callSite(operation)} call right before the
 * invoke instruction in application classes. The inserted code leaves the operand stack as it found it, so no stack
 * map frame changes; classes that mention neither name are returned untouched without being parsed.
 */
public final class NativeCallSiteTransformer implements ClassFileTransformer {
    private static final String BRIDGE = "dev/loopguard/agent/bootstrap/Bridge";
    private static final byte[] SLEEP = "sleep".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WAIT = "wait".getBytes(StandardCharsets.US_ASCII);

    private final AgentRuntime runtime;
    private final boolean sleepIsNative;
    private final boolean waitIsNative;

    private NativeCallSiteTransformer(AgentRuntime runtime, boolean sleepIsNative, boolean waitIsNative) {
        this.runtime = runtime;
        this.sleepIsNative = sleepIsNative;
        this.waitIsNative = waitIsNative;
    }

    /** Installs the transformer when this JDK has native blocking methods, and applies it to loaded classes. */
    public static void installIfNeeded(AgentRuntime runtime, Instrumentation inst) {
        boolean sleep = isNative(Thread.class, "sleep");
        boolean wait = isNative(Object.class, "wait");
        if (!sleep && !wait) {
            return;
        }
        NativeCallSiteTransformer t = new NativeCallSiteTransformer(runtime, sleep, wait);
        inst.addTransformer(t, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() != null && !c.isArray() && !c.isHidden() && inst.isModifiableClass(c)
                    && isCandidate(c.getName().replace('.', '/'))) {
                loaded.add(c);
            }
        }
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable e) {
                runtime.agentError("call sites of " + c.getName(), e);
            }
        }
    }

    /**
     * Every class outside the JDK and the agent: libraries and frameworks too, whatever {@code packages} says, so a
     * library that sleeps on the loop on behalf of the application is seen (the stack then names the user's line).
     */
    private static boolean isCandidate(String internalName) {
        return !(internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/") || internalName.startsWith("com/sun/")
                || internalName.startsWith("dev/loopguard/agent/"));
    }

    private static boolean isNative(Class<?> type, String name) {
        try {
            return Modifier.isNative(type.getDeclaredMethod(name, long.class).getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] bytes) {
        if (loader == null || className == null) {
            return null;
        }
        try {
            if (!isCandidate(className)
                    || !(contains(bytes, SLEEP) && sleepIsNative || contains(bytes, WAIT) && waitIsNative)) {
                return null;
            }
            return rewrite(bytes);
        } catch (Throwable e) {
            runtime.agentError("call sites of " + className, e);
            return null;
        }
    }

    private byte[] rewrite(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] changed = new boolean[1];
        String self = reader.getClassName();
        boolean selfIsThread = "java/lang/Thread".equals(reader.getSuperName());
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        String operation = null;
                        if (sleepIsNative && opcode == Opcodes.INVOKESTATIC && "sleep".equals(method)
                                && "(J)V".equals(desc)
                                && ("java/lang/Thread".equals(owner) || selfIsThread && self.equals(owner))) {
                            operation = "java.lang.Thread.sleep";
                        } else if (waitIsNative && opcode != Opcodes.INVOKESTATIC && "wait".equals(method)
                                && "(J)V".equals(desc)) {
                            // Object.wait(long) is final: every wait(J)V invoke on any receiver type reaches it.
                            operation = "java.lang.Object.wait";
                        }
                        if (operation != null) {
                            super.visitLdcInsn(operation);
                            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "callSite", "(Ljava/lang/String;)V", false);
                            changed[0] = true;
                        }
                        super.visitMethodInsn(opcode, owner, method, desc, itf);
                    }
                };
            }
        }, 0);
        return changed[0] ? writer.toByteArray() : null;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
