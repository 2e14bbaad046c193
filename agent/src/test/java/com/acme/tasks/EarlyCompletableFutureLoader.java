package com.acme.tasks;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A system class loader ({@code -Djava.system.class.loader}) that loads {@code CompletableFuture} before any agent's
 * {@code premain} runs, as an agent attached to a running JVM, or another agent ahead of Loopguard's, would find it.
 */
public final class EarlyCompletableFutureLoader extends URLClassLoader {
    static {
        ClassLoader.registerAsParallelCapable();
        CompletableFuture.completedFuture("loaded before the agent").join();
    }

    /**
     * Loads the class path itself, below the platform loader, so that the application and the agent jar appended for
     * {@code -javaagent} are in one loader, as they are in the JDK's own application class loader.
     */
    public EarlyCompletableFutureLoader(ClassLoader parent) {
        super(classPath(), parent.getParent());
    }

    private static URL[] classPath() {
        String[] entries = System.getProperty("java.class.path").split(java.io.File.pathSeparator);
        URL[] urls = new URL[entries.length];
        try {
            for (int i = 0; i < entries.length; i++) {
                urls[i] = Path.of(entries[i]).toUri().toURL();
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        return urls;
    }

    /** What the JVM calls on a custom system class loader to put a {@code -javaagent} jar on its class path. */
    @SuppressWarnings("unused")
    void appendToClassPathForInstrumentation(String jar) throws MalformedURLException {
        addURL(Path.of(jar).toUri().toURL());
    }
}
