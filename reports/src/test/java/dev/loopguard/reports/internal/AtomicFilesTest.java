package dev.loopguard.reports.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("writes through a temporary file, creating parents, and leaves nothing else behind")
    void writesAtomically() throws Exception {
        Path target = dir.resolve("out/r.html");
        AtomicFiles.write(target, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(target, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));

        assertThat(target).hasContent("two");
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    @DisplayName("the output gets the permissions any new file gets there, not a temporary file's owner-only ones")
    void ordinaryPermissions() throws Exception {
        Path target = dir.resolve("r.html");
        AtomicFiles.write(target, out -> out.write(1));
        Path plain = Files.createFile(dir.resolve("plain.html"));

        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    @DisplayName("refuses a symbolic link, a directory and a device rather than replacing them")
    void refusesWhatIsNotARegularFile() throws Exception {
        Path real = Files.writeString(dir.resolve("real.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        Path directory = Files.createDirectory(dir.resolve("d"));

        assertThatThrownBy(() -> AtomicFiles.write(link, out -> out.write(1))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(link + " exists and is not a regular file (a symbolic link)");
        assertThatThrownBy(() -> AtomicFiles.write(directory, out -> out.write(1)))
                .hasMessageContaining("(a directory)");
        assertThat(AtomicFiles.problemWith(Path.of("/dev/null"))).contains("(a device, FIFO or socket)");
        assertThat(real).hasContent("keep");
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    @DisplayName("a failed write removes the earlier file, so it is never taken for this run's, and the temporary file")
    void failedWriteLeavesNothingStale() throws Exception {
        Path target = Files.writeString(dir.resolve("r.md"), "last run");

        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("Cannot write " + target)
                .hasMessageContaining("disk full").hasMessageContaining("the earlier file there was removed");

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    @DisplayName("names a parent that is a file")
    void parentIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");

        assertThat(AtomicFiles.problemWith(file.resolve("r.html")))
                .isEqualTo(file.resolve("r.html") + " cannot be created: " + file + " is not a directory");
    }
}
