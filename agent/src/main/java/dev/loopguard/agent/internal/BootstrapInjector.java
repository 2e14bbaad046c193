package dev.loopguard.agent.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
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

/**
 * Puts every class of {@code dev.loopguard.agent.bootstrap} ({@link #BOOTSTRAP_CLASSES}) in the bootstrap class
 * loader, so that hooks woven into JDK classes can call them. Must run before anything
 * loads one of those classes through another loader; this class therefore references none of them.
 */
final class BootstrapInjector {
    static final String BOOTSTRAP_PACKAGE = "dev/loopguard/agent/bootstrap/";
    /**
     * Every class of the bootstrap package, named rather than found by listing the jar's entries (8 ms of start-up
     * when the jar held all of Byte Buddy); {@code BootstrapInjectorTest} fails when a class is added to the package
     * and not here.
     */
    static final List<String> BOOTSTRAP_CLASSES = List.of("Bridge", "Bridge$Sink", "TaskBridge", "TaskBridge$Handler",
            "LoopTaskBridge", "LoopTaskBridge$Handler", "ControllerBridge", "ControllerBridge$Handler",
            "VirtualThreadBridge", "VirtualThreadBridge$Handler", "OutOfLine");
    /** Generated at build time ({@link BootstrapBuild}): it calls an internal method javac cannot compile against. */
    static final String DEFINER = "dev.loopguard.agent.internal.BootstrapInjector$Definer";

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
                    // As built: DontInline was added by BootstrapBuild, so no class is parsed here.
                    classes.put((BOOTSTRAP_PACKAGE + simpleName).replace('/', '.'), in.readAllBytes());
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

    /** Set by the definer's static initialiser; see {@link #defineInBootLoader}. */
    static BiConsumer<String, byte[]> definer;

    /**
     * Defines the classes with the JDK's internal Unsafe, exported to the agent alone for this purpose. The call goes
     * through a small class generated at build time ({@link #DEFINER}, see {@link BootstrapBuild}) rather than through
     * reflection: on JDK 22 and later the first reflective call spins method-handle classes, 20 to 30 ms of every
     * JVM's start-up. The export comes first: the definer's call into Unsafe is resolved at its first run.
     */
    private static void defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes)
            throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of("jdk.internal.misc", Set.of(BootstrapInjector.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class.forName(DEFINER, true, BootstrapInjector.class.getClassLoader());
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            definer.accept(e.getKey(), e.getValue());
        }
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
