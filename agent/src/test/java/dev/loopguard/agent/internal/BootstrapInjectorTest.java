package dev.loopguard.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.bootstrap.Bridge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {

    @Test
    void theNamedBootstrapClassesAreExactlyTheCompiledBootstrapPackage() throws Exception {
        Path classes = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path bootstrap = classes.resolve(BootstrapInjector.BOOTSTRAP_PACKAGE);
        List<String> compiled;
        try (Stream<Path> files = Files.list(bootstrap)) {
            compiled = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> n.substring(0, n.length() - ".class".length())).collect(Collectors.toList());
        }

        assertThat(compiled).isNotEmpty();
        assertThat(BootstrapInjector.BOOTSTRAP_CLASSES).containsExactlyInAnyOrderElementsOf(compiled);
    }
}
