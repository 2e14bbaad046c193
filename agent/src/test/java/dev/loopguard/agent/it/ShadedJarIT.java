package dev.loopguard.agent.it;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

class ShadedJarIT {

    @Test
    void holdsOnlyOurPackagesAndMetaInf() throws Exception {
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            List<String> names = Collections.list(jar.entries()).stream().map(JarEntry::getName)
                    .collect(Collectors.toList());
            assertThat(names).allMatch(n -> n.startsWith("dev/loopguard/") || n.startsWith("META-INF/")
                    || n.equals("dev/"));
            assertThat(names).contains("dev/loopguard/agent/shaded/bytebuddy/jar/asm/ClassReader.class",
                    "dev/loopguard/agent/shaded/bytebuddy/agent/ByteBuddyAgent.class",
                    "dev/loopguard/agent/bootstrap/Bridge.class");
            // Of Byte Buddy itself only its ASM: the rest (AgentBuilder, Advice...) is unused, and every entry
            // lengthens the central directory the JVM reads before the agent starts.
            assertThat(names).noneMatch(n -> n.startsWith("dev/loopguard/agent/shaded/bytebuddy/")
                    && !n.startsWith("dev/loopguard/agent/shaded/bytebuddy/jar/asm/")
                    && !n.startsWith("dev/loopguard/agent/shaded/bytebuddy/agent/") && !n.endsWith("/"));
            assertThat(names).noneMatch(n -> n.startsWith("dev/loopguard/agent/shaded/bytebuddy/agent/builder/"));
            assertThat(names).hasSizeLessThan(600);
            // The build steps (BootstrapBuild, StoredJar) run from target/classes and are not shipped.
            assertThat(names).noneMatch(n -> n.startsWith("dev/loopguard/agent/internal/BootstrapBuild")
                    || n.startsWith("dev/loopguard/agent/internal/StoredJar"));
            assertThat(names).noneMatch(n -> n.contains("net/bytebuddy") || n.endsWith("module-info.class"));
        }
    }

    @Test
    void storesItsEntriesUncompressed() throws Exception {
        // StoredJar rewrites the shaded jar: every JVM then reads the agent's classes without inflating them.
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            List<JarEntry> entries = Collections.list(jar.entries());
            assertThat(entries).isNotEmpty().allMatch(e -> e.getMethod() == ZipEntry.STORED);
            assertThat(entries.get(0).getName()).isIn("META-INF/", "META-INF/MANIFEST.MF");
        }
    }

    @Test
    void holdsTheBootstrapClassesAsPremainDefinesThem() throws Exception {
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            // Marked and generated at build time (BootstrapBuild): premain defines these bytes unparsed.
            assertThat(jar.getEntry("dev/loopguard/agent/internal/BootstrapInjector$Definer.class")).isNotNull();
            byte[] bridge;
            try (InputStream in = jar.getInputStream(jar.getEntry("dev/loopguard/agent/bootstrap/Bridge.class"))) {
                bridge = in.readAllBytes();
            }
            assertThat(new String(bridge, StandardCharsets.ISO_8859_1))
                    .contains("Ljdk/internal/vm/annotation/DontInline;");
        }
    }

    @Test
    void declaresTheAgentEntryPointsAndRetransformation() throws Exception {
        try (JarFile jar = new JarFile(ForkedJvm.AGENT_JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.loopguard.agent.internal.AgentEntry");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.loopguard.agent.internal.AgentEntry");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(main.getValue("Can-Redefine-Classes")).isEqualTo("true");
        }
    }
}
