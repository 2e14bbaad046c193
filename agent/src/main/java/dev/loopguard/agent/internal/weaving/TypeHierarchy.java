package dev.loopguard.agent.internal.weaving;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The class hierarchy as one class loader sees it, read from class files through {@link ClassLoader#getResourceAsStream}
 * and never by loading a class: a transformer that loads the classes it inspects changes the program's
 * class-initialisation order and can deadlock. A type whose class file cannot be found (an optional dependency that is
 * absent) is unknown, and hides only its own branch of the hierarchy.
 */
public final class TypeHierarchy {

    private static final Map<ClassLoader, TypeHierarchy> BY_LOADER = Collections.synchronizedMap(new WeakHashMap<>());
    private static final TypeHierarchy BOOT = new TypeHierarchy(null);
    private static final Optional<ClassHeader> UNKNOWN = Optional.empty();

    private final ClassLoader loader; // null: the bootstrap loader
    private final Map<String, Optional<ClassHeader>> headers = new ConcurrentHashMap<>();

    private TypeHierarchy(ClassLoader loader) {
        this.loader = loader;
    }

    /** The hierarchy as {@code loader} (null for the bootstrap loader) sees it; cached while the loader lives. */
    public static TypeHierarchy of(ClassLoader loader) {
        if (loader == null) {
            return BOOT;
        }
        // get, then putIfAbsent: a method reference here would spin a class while the first application class loads
        TypeHierarchy known = BY_LOADER.get(loader);
        if (known == null) {
            TypeHierarchy created = new TypeHierarchy(loader);
            known = BY_LOADER.putIfAbsent(loader, created);
            if (known == null) {
                known = created;
            }
        }
        return known;
    }

    /** The header of a type by binary name, or null when its class file cannot be found or read. */
    public ClassHeader header(String binaryName) {
        Optional<ClassHeader> known = headers.get(binaryName);
        if (known == null) {
            byte[] bytes = classFile(binaryName);
            known = UNKNOWN;
            if (bytes != null) {
                try {
                    known = Optional.of(ClassHeader.of(new ClassReader(bytes)));
                } catch (RuntimeException malformed) {
                    // a class file the reader does not understand is as unknown as an absent one
                }
            }
            headers.put(binaryName, known);
        }
        return known.orElse(null);
    }

    /**
     * Whether {@code type} or one of its supertypes satisfies {@code test}, walking superclasses and interfaces
     * breadth-first; {@code java.lang.Object} is never tested.
     */
    public boolean anySupertype(ClassHeader type, Predicate<String> test) {
        ArrayDeque<String> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        enqueue(type, pending);
        while (!pending.isEmpty()) {
            String name = pending.poll();
            if (!seen.add(name) || "java.lang.Object".equals(name)) {
                continue;
            }
            if (test.test(name)) {
                return true;
            }
            ClassHeader header = header(name);
            if (header != null) {
                enqueue(header, pending);
            }
        }
        return false;
    }

    /** Whether {@code type} is {@code target} or extends or implements it. */
    public boolean isSubtype(ClassHeader type, String target) {
        return type.name().equals(target) || anySupertype(type, new NameIs(target));
    }

    /** A supertype test by name; a class rather than {@code target::equals}, which would spin one at run time. */
    private static final class NameIs implements Predicate<String> {
        private final String name;

        NameIs(String name) {
            this.name = name;
        }

        @Override
        public boolean test(String candidate) {
            return name.equals(candidate);
        }
    }

    private static void enqueue(ClassHeader type, ArrayDeque<String> pending) {
        if (type.superName() != null) {
            pending.add(type.superName());
        }
        // One by one: ArrayDeque.addAll goes through forEach(this::addLast), a lambda spun on the first class woven.
        for (String name : type.interfaces()) {
            pending.add(name);
        }
    }

    /**
     * The simple names of the annotations (visible and invisible: {@code CLASS} retention counts) on a type and on
     * its method {@code methodName methodDescriptor}; empty when the type cannot be read.
     */
    public Set<String> annotationSimpleNames(String binaryName, String methodName, String methodDescriptor) {
        byte[] bytes = classFile(binaryName);
        if (bytes == null) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        try {
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                    names.add(simpleName(descriptor));
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    if (!methodName.equals(name) || !methodDescriptor.equals(descriptor)) {
                        return null;
                    }
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                            names.add(simpleName(annotation));
                            return null;
                        }
                    };
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException malformed) {
            return Set.of();
        }
        return names;
    }

    private static String simpleName(String descriptor) {
        String name = descriptor.substring(1, descriptor.length() - 1);
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('$'));
        return name.substring(cut + 1);
    }

    private byte[] classFile(String binaryName) {
        String resource = binaryName.replace('.', '/') + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
