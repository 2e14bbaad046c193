package dev.loopguard.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The build step behind {@link BootstrapInjector} (the agent module's {@code process-classes} phase runs {@link #main}
 * on its compiled classes): adds the JDK's {@code DontInline} next to each {@code @OutOfLine} of the bootstrap classes
 * and writes the {@link BootstrapInjector#DEFINER definer} class. Neither can come from javac when compiling for
 * {@code --release 17}, which refuses the JDK's internal packages; done here, at build time, {@code premain} defines
 * the bootstrap classes as they are in the jar, without parsing or generating a class (5 to 8 ms of start-up when it
 * did).
 */
public final class BootstrapBuild {
    private static final String OUT_OF_LINE = "L" + BootstrapInjector.BOOTSTRAP_PACKAGE + "OutOfLine;";
    private static final String DONT_INLINE = "Ljdk/internal/vm/annotation/DontInline;";

    private BootstrapBuild() {
    }

    /**
     * Marks the bootstrap classes under the class directory {@code args[0]} in place, and writes the definer beside
     * {@code BootstrapInjector.class}. Running it again changes nothing.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BootstrapBuild <compiled classes directory>, got "
                    + args.length + " arguments");
        }
        Path classes = Path.of(args[0]);
        for (String simpleName : BootstrapInjector.BOOTSTRAP_CLASSES) {
            Path file = classes.resolve(BootstrapInjector.BOOTSTRAP_PACKAGE + simpleName + ".class");
            byte[] original = Files.readAllBytes(file);
            byte[] marked = markDontInline(original);
            if (marked != original) {
                Files.write(file, marked);
            }
        }
        Files.write(classes.resolve(BootstrapInjector.DEFINER.replace('.', '/') + ".class"), definerClass());
    }

    /**
     * Adds {@code jdk.internal.vm.annotation.DontInline} to every method marked {@code @OutOfLine}; a class without
     * the marker (its name is not in the constant pool), or already marked (javac never writes {@code DontInline}, so
     * it is this method's), is returned as it is, unparsed.
     */
    static byte[] markDontInline(byte[] classFile) {
        if (!contains(classFile, OUT_OF_LINE.getBytes(StandardCharsets.UTF_8))
                || contains(classFile, DONT_INLINE.getBytes(StandardCharsets.UTF_8))) {
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

    /**
     * {@code final class BootstrapInjector$Definer implements BiConsumer<String, byte[]>}, whose {@code accept} is
     * {@code Unsafe.getUnsafe().defineClass(name, bytes, 0, bytes.length, null, null)} and whose static initialiser
     * stores an instance in {@link BootstrapInjector#definer}.
     */
    static byte[] definerClass() {
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
}
