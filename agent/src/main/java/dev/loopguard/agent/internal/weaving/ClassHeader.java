package dev.loopguard.agent.internal.weaving;

import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The part of a class file that type matching needs: its name, access flags and direct supertypes, all as binary
 * names ({@code java.util.concurrent.Flow$Publisher}). Read from the class file's first bytes, without loading it.
 */
public final class ClassHeader {
    private final String name;
    private final int access;
    private final String superName;
    private final List<String> interfaces;

    ClassHeader(String name, int access, String superName, List<String> interfaces) {
        this.name = name;
        this.access = access;
        this.superName = superName;
        this.interfaces = interfaces;
    }

    /** The header of a class file. */
    public static ClassHeader read(byte[] classFile) {
        return of(new ClassReader(classFile));
    }

    static ClassHeader of(ClassReader reader) {
        String superName = reader.getSuperName();
        String[] itfs = reader.getInterfaces();
        String[] binary = new String[itfs.length];
        for (int i = 0; i < itfs.length; i++) {
            binary[i] = itfs[i].replace('/', '.');
        }
        return new ClassHeader(reader.getClassName().replace('/', '.'), reader.getAccess(),
                superName == null ? null : superName.replace('/', '.'), List.of(binary));
    }

    public String name() {
        return name;
    }

    /** The direct superclass, null for {@code java.lang.Object} and interfaces' absent superclass. */
    public String superName() {
        return superName;
    }

    public List<String> interfaces() {
        return interfaces;
    }

    public boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }

    public boolean isAnnotation() {
        return (access & Opcodes.ACC_ANNOTATION) != 0;
    }

    public boolean isSynthetic() {
        return (access & Opcodes.ACC_SYNTHETIC) != 0;
    }
}
