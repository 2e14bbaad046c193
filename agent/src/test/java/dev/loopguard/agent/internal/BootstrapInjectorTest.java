package dev.loopguard.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.bootstrap.Bridge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {

    @Test
    void theNamedBootstrapClassesAreExactlyTheCompiledBootstrapPackage() throws Exception {
        Path classes = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path bootstrap = classes.resolve(BootstrapInjector.BOOTSTRAP_PACKAGE);
        List<String> compiled;
        try (Stream<Path> files = Files.list(bootstrap)) {
            compiled = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.equals("package-info.class")) // the package's documentation, not code
                    .map(n -> n.substring(0, n.length() - ".class".length())).collect(Collectors.toList());
        }

        assertThat(compiled).isNotEmpty();
        assertThat(BootstrapInjector.BOOTSTRAP_CLASSES).containsExactlyInAnyOrderElementsOf(compiled);
    }

    @Test
    void theBuildMarksExactlyTheMethodsMarkedOutOfLineWithTheJdksDontInline() throws Exception {
        Path classes = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // The compiled classes as the build left them (BootstrapBuild in process-classes): what the jar holds.
        List<String> dontInline = dontInline(read(classes, "TaskBridge"));
        assertThat(dontInline).contains("createdOutOfLine", "completed", "used")
                .as("the fast paths themselves stay inlinable").doesNotContain("created", "onCompletion", "onChain");
        assertThat(dontInline(read(classes, "Bridge"))).as("the per-task hook of Netty loops and the marks of known call sites")
                .containsExactlyInAnyOrder("startedTask", "armedSite");
    }

    @Test
    void markingAgainChangesNothingAndUnmarkedClassesStayAsTheyAre() throws Exception {
        Path classes = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        byte[] marked = read(classes, "TaskBridge");
        assertThat(BootstrapBuild.markDontInline(marked)).isSameAs(marked);

        byte[] unmarked = read(classes, "VirtualThreadBridge");
        assertThat(BootstrapBuild.markDontInline(unmarked)).isSameAs(unmarked);
    }

    @Test
    void theDefinerIsWrittenBesideTheInjector() throws Exception {
        Path classes = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path definer = classes.resolve(BootstrapInjector.DEFINER.replace('.', '/') + ".class");
        assertThat(definer).exists();
        assertThat(Files.readAllBytes(definer)).isEqualTo(BootstrapBuild.definerClass());
    }

    private static byte[] read(Path classes, String simpleName) throws Exception {
        return Files.readAllBytes(classes.resolve(BootstrapInjector.BOOTSTRAP_PACKAGE + simpleName + ".class"));
    }

    /** The methods of a class file that carry the JDK's {@code DontInline}. */
    static List<String> dontInline(byte[] classFile) {
        List<String> dontInline = new java.util.ArrayList<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        if (visible && annotation.equals("Ljdk/internal/vm/annotation/DontInline;")) {
                            dontInline.add(name);
                        }
                        return null;
                    }
                };
            }
        }, 0);
        return dontInline;
    }
}
