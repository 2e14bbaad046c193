package dev.loopguard.agent.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Puts every class of {@code dev.loopguard.agent.bootstrap} ({@link #BOOTSTRAP_CLASSES}) in the bootstrap class
 * loader, so that hooks woven into JDK classes can call them. Must run before anything
 * loads one of those classes through another loader; this class therefore references none of them.
 */
final class BootstrapInjector {
    static final String BOOTSTRAP_PACKAGE = "dev/loopguard/agent/bootstrap/";
    /**
     * Every class of the bootstrap package, named rather than found by listing the jar's 3,000 entries (8 ms of
     * start-up); {@code BootstrapInjectorTest} fails when a class is added to the package and not here.
     */
    static final List<String> BOOTSTRAP_CLASSES = List.of("Bridge", "Bridge$Sink", "TaskBridge", "TaskBridge$Handler",
            "LoopTaskBridge", "LoopTaskBridge$Handler", "ControllerBridge", "ControllerBridge$Handler",
            "VirtualThreadBridge", "VirtualThreadBridge$Handler", "OutOfLine");
    private static final String OUT_OF_LINE = "L" + BOOTSTRAP_PACKAGE + "OutOfLine;";
    private static final String DONT_INLINE = "Ljdk/internal/vm/annotation/DontInline;";

    private BootstrapInjector() {
    }

    /** The agent jar this class was loaded from. */
    static Path agentJar() {
        CodeSource source = BootstrapInjector.class.getProtectionDomain().getCodeSource();
        Path path;
        try {
            path = source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            path = null;
        }
        if (path == null || !Files.isRegularFile(path) || !path.toString().endsWith(".jar")) {
            throw new IllegalStateException("the Loopguard agent must run from its shaded jar (loopguard-agent.jar),"
                    + " but its classes were loaded from " + (source == null ? "an unknown location" : source.getLocation())
                    + "; put agent/target/loopguard-agent.jar on the class path instead of agent/target/classes");
        }
        return path;
    }

    static void inject(Instrumentation inst, Path agentJar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile source = new JarFile(agentJar.toFile())) {
            for (String simpleName : BOOTSTRAP_CLASSES) {
                JarEntry e = source.getJarEntry(BOOTSTRAP_PACKAGE + simpleName + ".class");
                if (e == null) {
                    throw new IllegalStateException("the agent jar " + agentJar + " has no " + BOOTSTRAP_PACKAGE
                            + simpleName + ".class; it is not a complete loopguard-agent.jar");
                }
                try (InputStream in = source.getInputStream(e)) {
                    classes.put((BOOTSTRAP_PACKAGE + simpleName).replace('/', '.'), markDontInline(in.readAllBytes()));
                }
            }
        }
        // Defining the classes directly keeps the bootstrap class path unchanged, which keeps class-data sharing on
        // (appending to it makes the JVM print a CDS warning); appending is the fallback.
        try {
            defineInBootLoader(inst, classes);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            appendToBootstrapPath(inst, classes);
        }
    }

    /**
     * Adds {@code jdk.internal.vm.annotation.DontInline} to every method marked {@code @OutOfLine}; a class without
     * the marker (its name is not in the constant pool) is returned as it is, unparsed.
     */
    static byte[] markDontInline(byte[] classFile) {
        if (!contains(classFile, OUT_OF_LINE.getBytes(StandardCharsets.UTF_8))) {
            return classFile;
        }
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature,
                        exceptions)) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        if (OUT_OF_LINE.equals(annotation)) {
                            super.visitAnnotation(DONT_INLINE, true).visitEnd();
                        }
                        return super.visitAnnotation(annotation, visible);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }

    private static boolean contains(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Set by the generated definer's static initialiser; see {@link #defineInBootLoader}. */
    static BiConsumer<String, byte[]> definer;

    /**
     * Defines the classes with the JDK's internal Unsafe, exported to the agent alone for this purpose. The call goes
     * through a small class generated here rather than through reflection: on JDK 22 and later the first reflective
     * call spins method-handle classes, 20 to 30 ms of every JVM's start-up.
     */
    private static void defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes)
            throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(BootstrapInjector.class.getModule())),
                Map.of(), Set.of(), Map.of());
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        lookup.ensureInitialized(lookup.defineClass(definerClass()));
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            definer.accept(e.getKey(), e.getValue());
        }
    }

    /**
     * {@code final class BootstrapInjector$Definer implements BiConsumer<String, byte[]>}, whose {@code accept} is
     * {@code Unsafe.getUnsafe().defineClass(name, bytes, 0, bytes.length, null, null)} and whose static initialiser
     * stores an instance in {@link #definer}.
     */
    private static byte[] definerClass() {
        String self = Type.getInternalName(BootstrapInjector.class);
        String name = self + "$Definer";
        String unsafe = "jdk/internal/misc/Unsafe";
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC, name, null,
                "java/lang/Object", new String[] {"java/util/function/BiConsumer"});
        MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor accept = cw.visitMethod(Opcodes.ACC_PUBLIC, "accept", "(Ljava/lang/Object;Ljava/lang/Object;)V",
                null, null);
        accept.visitCode();
        accept.visitMethodInsn(Opcodes.INVOKESTATIC, unsafe, "getUnsafe", "()L" + unsafe + ";", false);
        accept.visitVarInsn(Opcodes.ALOAD, 1);
        accept.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
        accept.visitVarInsn(Opcodes.ALOAD, 2);
        accept.visitTypeInsn(Opcodes.CHECKCAST, "[B");
        accept.visitInsn(Opcodes.ICONST_0);
        accept.visitVarInsn(Opcodes.ALOAD, 2);
        accept.visitTypeInsn(Opcodes.CHECKCAST, "[B");
        accept.visitInsn(Opcodes.ARRAYLENGTH);
        accept.visitInsn(Opcodes.ACONST_NULL);
        accept.visitInsn(Opcodes.ACONST_NULL);
        accept.visitMethodInsn(Opcodes.INVOKEVIRTUAL, unsafe, "defineClass",
                "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)Ljava/lang/Class;",
                false);
        accept.visitInsn(Opcodes.POP);
        accept.visitInsn(Opcodes.RETURN);
        accept.visitMaxs(0, 0);
        accept.visitEnd();
        MethodVisitor clinit = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        clinit.visitCode();
        clinit.visitTypeInsn(Opcodes.NEW, name);
        clinit.visitInsn(Opcodes.DUP);
        clinit.visitMethodInsn(Opcodes.INVOKESPECIAL, name, "<init>", "()V", false);
        clinit.visitFieldInsn(Opcodes.PUTSTATIC, self, "definer", "Ljava/util/function/BiConsumer;");
        clinit.visitInsn(Opcodes.RETURN);
        clinit.visitMaxs(0, 0);
        clinit.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void appendToBootstrapPath(Instrumentation inst, Map<String, byte[]> classes) throws IOException {
        Path temp = Files.createTempFile("loopguard-bootstrap-", ".jar");
        temp.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(temp))) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey().replace('.', '/') + ".class"));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(new File(temp.toString())));
    }
}
