package com.acme.vthreads;

import dev.loopguard.agent.FindingKind;
import dev.loopguard.agent.LoopguardAgent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * On JDK 21+: a virtual thread that sleeps (not a finding) and one that sleeps inside a class initializer, where it
 * stays pinned (a PINNED_THREAD). Virtual threads are reached by reflection because the tests compile for Java 17.
 */
public final class PinnedScenario {

    private PinnedScenario() {
    }

    public static void main(String[] args) throws Exception {
        if (Runtime.version().feature() < 21) {
            System.out.println("scenario skipped: no virtual threads before JDK 21");
            return;
        }
        if (args.length > 0 && args[0].equals("first")) {
            // The JVM's very first virtual thread pins: the agent starts its JFR stream only now, and must not miss it.
            join(startVirtual("initializer", PinnedScenario::initializeFreshCopy));
            // Only that one pin: JFR delivers about once a second, so wait for its finding (never pin again).
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    LoopguardAgent.findings().stream().anyMatch(f -> f.kind() == FindingKind.PINNED_THREAD));
            System.out.println("scenario done");
            return;
        }
        join(startVirtual("sleeper", PinnedScenario::sleepUnpinned));
        // JFR delivers about once a second; initialise a fresh copy of the class until the finding is there.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            join(startVirtual("initializer", PinnedScenario::initializeFreshCopy));
            return LoopguardAgent.findings().stream().anyMatch(f -> f.kind() == FindingKind.PINNED_THREAD);
        });
        System.out.println("scenario done");
    }

    static void sleepUnpinned() {
        try {
            TimeUnit.MILLISECONDS.sleep(60);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void initializeFreshCopy() {
        try {
            Class.forName(SlowInit.class.getName(), true, new FreshLoader()).getMethod("touch").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Thread startVirtual(String name, Runnable task) throws ReflectiveOperationException {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        builder = builderType.getMethod("name", String.class).invoke(builder, name);
        Method start = builderType.getMethod("start", Runnable.class);
        return (Thread) start.invoke(builder, task);
    }

    private static void join(Thread thread) throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }

    /** Defines its own copy of {@link SlowInit}, so that every copy runs the initializer again. */
    private static final class FreshLoader extends ClassLoader {
        FreshLoader() {
            super(PinnedScenario.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(SlowInit.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }
}
