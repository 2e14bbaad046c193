package dev.loopguard.reports.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes outputs the way every Loopguard report is written: to a hidden temporary file beside the target, then renamed
 * over it, so that a reader never sees half a file and a failed write never leaves a file that looks like this run's.
 * Only regular files are written: a directory, a device, a FIFO or a symbolic link at the target is refused rather
 * than replaced (renaming over {@code /dev/null} as root would replace the device; over a link, the link).
 */
public final class AtomicFiles {

    /** Writes the content of one file to the stream it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Why {@code target} cannot be written, or null when it can: it is not a regular file, or its parent is not a
     * directory. Checked before any work so that a bad output path fails at once.
     */
    public static String problemWith(Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            return target + " exists and is not a regular file (" + describe(target)
                    + "); name a new file or a regular file to replace";
        }
        Path parent = target.toAbsolutePath().getParent();
        for (Path p = parent; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    return target + " cannot be created: " + p + " is not a directory";
                }
                if (p.equals(parent) && !Files.isWritable(p)) {
                    return target + " cannot be created: directory " + p + " is not writable";
                }
                break;
            }
        }
        return null;
    }

    /**
     * Writes {@code target} atomically, creating its parent directories.
     *
     * @throws UncheckedIOException naming the target when it cannot be written; any earlier file there is removed, so
     *     that a stale output from an earlier run is never taken for this run's
     */
    public static void write(Path target, Content content) {
        String problem = problemWith(target);
        if (problem != null) {
            throw new UncheckedIOException(new IOException(problem));
        }
        Path absolute = target.toAbsolutePath();
        Path temp = null;
        try {
            Files.createDirectories(absolute.getParent());
            // Not Files.createTempFile: its owner-only permissions would stay on the output after the rename, and a
            // report is meant to be read by whoever reads the directory (a CI artifact, a web server).
            temp = absolute.resolveSibling("." + absolute.getFileName() + "." + Long.toUnsignedString(
                    ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                content.writeTo(out);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException | RuntimeException e) {
            boolean removedStale = false;
            try {
                removedStale = Files.isRegularFile(absolute, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(absolute);
            } catch (IOException ignored) {
                // The write failed already; that is the error to report.
            }
            throw new UncheckedIOException(new IOException("Cannot write " + target + ": " + e
                    + (removedStale ? " (the earlier file there was removed, so that it is not taken for this run's)"
                    : ""), e));
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort; a hidden .tmp file is all that can remain.
                }
            }
        }
    }

    private static String describe(Path path) {
        if (Files.isSymbolicLink(path)) {
            return "a symbolic link";
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return "a directory";
        }
        return "a device, FIFO or socket";
    }
}
