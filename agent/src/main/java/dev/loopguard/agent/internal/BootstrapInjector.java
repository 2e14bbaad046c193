package dev.loopguard.agent.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Set;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts every class of {@code dev.loopguard.agent.bootstrap} (found by listing the agent jar, not by a hard-coded
 * list) on the bootstrap class path, so advice inlined into JDK classes can call them. Must run before anything
 * loads one of those classes through another loader; this class therefore references none of them.
 */
final class BootstrapInjector {
    static final String BOOTSTRAP_PACKAGE = "dev/loopguard/agent/bootstrap/";

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
            Enumeration<JarEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith(BOOTSTRAP_PACKAGE) && e.getName().endsWith(".class")) {
                    try (InputStream in = source.getInputStream(e)) {
                        String name = e.getName().substring(0, e.getName().length() - ".class".length()).replace('/', '.');
                        classes.put(name, in.readAllBytes());
                    }
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("the agent jar " + agentJar + " has no classes under " + BOOTSTRAP_PACKAGE
                    + "; it is not a complete loopguard-agent.jar");
        }
        // Defining the classes directly keeps the bootstrap class path unchanged, which keeps class-data sharing on
        // (appending to it makes the JVM print a CDS warning); appending is the fallback.
        try {
            defineInBootLoader(inst, classes);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            appendToBootstrapPath(inst, agentJar);
        }
    }

    /** Defines the classes with the JDK's internal Unsafe, exported to the agent alone for this purpose. */
    private static void defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes)
            throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(BootstrapInjector.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method define = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            define.invoke(unsafe, e.getKey(), e.getValue(), 0, e.getValue().length, null, null);
        }
    }

    private static void appendToBootstrapPath(Instrumentation inst, Path agentJar) throws IOException {
        Path temp = Files.createTempFile("loopguard-bootstrap-", ".jar");
        temp.toFile().deleteOnExit();
        int count = 0;
        try (JarFile source = new JarFile(agentJar.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(temp))) {
            Enumeration<JarEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith(BOOTSTRAP_PACKAGE) && e.getName().endsWith(".class")) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    try (InputStream in = source.getInputStream(e)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                    count++;
                }
            }
        }
        if (count == 0) {
            throw new IllegalStateException("the agent jar " + agentJar + " has no classes under " + BOOTSTRAP_PACKAGE
                    + "; it is not a complete loopguard-agent.jar");
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(new File(temp.toString())));
    }
}
