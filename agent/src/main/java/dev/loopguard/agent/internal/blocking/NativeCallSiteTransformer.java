package dev.loopguard.agent.internal.blocking;

import dev.loopguard.agent.internal.AgentRuntime;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
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
    // Spelled out: String.getBytes(StandardCharsets.US_ASCII) would initialise six charset classes at start-up.
    private static final byte[] SLEEP = {'s', 'l', 'e', 'e', 'p'};
    private static final byte[] WAIT = {'w', 'a', 'i', 't'};

    private final AgentRuntime runtime;

    private NativeCallSiteTransformer(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    /** Installs the transformer when this JDK has native blocking methods, and applies it to loaded classes. */
    public static void installIfNeeded(AgentRuntime runtime, Instrumentation inst) {
        if (!blockingMethodsNative(Runtime.version().feature())) {
            return;
        }
        NativeCallSiteTransformer t = new NativeCallSiteTransformer(runtime);
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

    /**
     * Whether {@code Thread.sleep(long)} and {@code Object.wait(long)} are native on this JDK release: up to JDK 18
     * both are; from JDK 19 (virtual threads) both are Java methods that call a private native one, where the agent's
     * ordinary hooks see them. Decided by the release rather than by reflection: {@code Thread}'s declared methods
     * resolve a dozen classes at start-up ({@code NativeCallSiteTransformerTest} checks the rule against reflection).
     */
    static boolean blockingMethodsNative(int feature) {
        return feature < 19;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                            byte[] bytes) {
        if (loader == null || className == null) {
            return null;
        }
        try {
            if (!isCandidate(className)
                    || !(contains(bytes, SLEEP) || contains(bytes, WAIT))) {
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
                        if (opcode == Opcodes.INVOKESTATIC && "sleep".equals(method)
                                && "(J)V".equals(desc)
                                && ("java/lang/Thread".equals(owner) || selfIsThread && self.equals(owner))) {
                            operation = "java.lang.Thread.sleep";
                        } else if (opcode != Opcodes.INVOKESTATIC && "wait".equals(method)
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
