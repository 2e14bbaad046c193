package dev.loopguard.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredJarTest {

    @Test
    void rewritesEveryEntryStoredWithTheSameNamesOrderAndContents(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("agent.jar");
        byte[] big = "a compressible class file ".repeat(200).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            put(out, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            put(out, "dev/", new byte[0]);
            put(out, "dev/A.class", big);
            put(out, "dev/B.class", new byte[] {1, 2, 3});
        }
        Files.write(jar, bytes.toByteArray());

        StoredJar.main(new String[] {jar.toString()});

        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                names.add(e.getName());
                assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
            }
            assertThat(names).containsExactly("META-INF/MANIFEST.MF", "dev/", "dev/A.class", "dev/B.class");
            assertThat(zip.getInputStream(zip.getEntry("dev/A.class")).readAllBytes()).isEqualTo(big);
            assertThat(zip.getInputStream(zip.getEntry("dev/B.class")).readAllBytes()).containsExactly(1, 2, 3);
        }
        assertThat(Files.size(jar)).as("no longer deflated").isGreaterThan(big.length);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left").containsExactly(jar);
        }
    }

    private static void put(ZipOutputStream out, String name, byte[] data) throws Exception {
        out.putNextEntry(new ZipEntry(name));
        out.write(data);
        out.closeEntry();
    }
}
