package dev.loopguard.agent.internal.recording;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The rules for the file a report is written to (docs/agent.md, "Where the report goes"):
 * <ul>
 *   <li>the report is only ever a regular file: a path that is a directory, a FIFO, a device or a socket is refused,
 *       never replaced;</li>
 *   <li>a symbolic link is followed: the report is written to the regular file it resolves to (which must exist),
 *       atomically, and the link stays a link;</li>
 *   <li>missing parent directories are created; the nearest existing one must be a directory the agent can write;</li>
 *   <li>the report is written to a hidden temporary file beside it ({@code .NAME.HEX-THREAD.tmp}) and renamed over
 *       it, so a reader sees the previous report or this one, never half of one. Temporary files that a killed run
 *       left behind are removed when the next run checks the path.</li>
 * </ul>
 */
public final class ReportFile {
    /** Temporary files older than this are leftovers of a killed run, not the write of a run still going. */
    static final long LEFTOVER_AGE_MILLIS = 60_000;

    private ReportFile() {
    }

    /**
     * Checks at start-up that a report can be written to {@code report}: resolves it, creates missing parent
     * directories, creates the {@linkplain #runningMarker running marker} beside it (which proves a file can be created
     * there) and removes leftover temporary files. Uses {@code java.io.File} rather than a stream and a directory
     * stream: the check runs in every JVM's start-up, and those load a dozen classes (locks, secure directory streams)
     * that nothing else there needs.
     *
     * @return the regular file the report will be written to
     * @throws IOException whose message says why the path cannot hold a report
     */
    public static Path check(Path report) throws IOException {
        Path file = resolve(report);
        File marker = runningMarker(file).toFile();
        boolean created;
        try {
            created = marker.createNewFile();
        } catch (IOException e) {
            throw new IOException("no file can be created in " + file.getParent() + " (" + describe(e) + ")", e);
        }
        if (!created && !marker.isFile()) {
            throw new IOException("the marker " + marker + " cannot be created (it exists and is not a regular file)");
        }
        removeLeftovers(file);
        return file;
    }

    /**
     * The regular file a report at {@code report} goes to, its parent directories created.
     *
     * @throws IOException whose message says why the path cannot hold a report
     */
    static Path resolve(Path report) throws IOException {
        Path path = report.toAbsolutePath();
        BasicFileAttributes attributes = attributesOrNull(path, LinkOption.NOFOLLOW_LINKS);
        if (attributes != null && attributes.isSymbolicLink()) {
            Path real;
            try {
                real = path.toRealPath();
            } catch (NoSuchFileException e) {
                throw new IOException("it is a symbolic link to " + Files.readSymbolicLink(path)
                        + ", which does not exist (the report follows a link only to an existing regular file)");
            }
            BasicFileAttributes target = attributesOrNull(real, LinkOption.NOFOLLOW_LINKS);
            if (target == null || !target.isRegularFile()) {
                throw new IOException("it is a symbolic link to " + real + ", which " + notRegular(target)
                        + " (the report follows a link only to an existing regular file)");
            }
            return real;
        }
        if (attributes != null && !attributes.isRegularFile()) {
            throw new IOException("it " + notRegular(attributes) + ", and a report is only ever written to a regular"
                    + " file");
        }
        Path parent = path.getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new IOException(existing + " is not a directory");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IOException("its directory " + parent + " cannot be created (" + describe(e) + ")", e);
        }
        return path;
    }

    /**
     * {@code .NAME.running} beside the report: created when the JVM starts ({@link #check}), deleted once its report
     * is written, so that a file left behind names a JVM that was killed (or could not write its report) to whoever
     * collects the reports of many JVMs, such as the Maven plugin.
     */
    static Path runningMarker(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".running");
    }

    public static void clearRunning(Path file) {
        try {
            Files.deleteIfExists(runningMarker(file));
        } catch (IOException e) {
            // Left behind, it says this JVM wrote no report; the report itself says otherwise, and readers prefer it.
        }
    }

    static Path temporaryFile(Path file) {
        // Named by clock and thread rather than Files.createTempFile, whose SecureRandom costs ~100 ms at exit, or
        // the process id, whose ProcessHandle starts a thread pool.
        return file.resolveSibling("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + "-"
                + Thread.currentThread().getId() + ".tmp");
    }

    /** Whether {@code name} is the name of a temporary file of a report named {@code reportName}. */
    static boolean isTemporaryFileOf(String name, String reportName) {
        String prefix = "." + reportName + ".";
        if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
            return false;
        }
        String middle = name.substring(prefix.length(), name.length() - ".tmp".length());
        int dash = middle.indexOf('-');
        if (dash <= 0 || dash == middle.length() - 1) {
            return false;
        }
        for (int i = 0; i < middle.length(); i++) {
            char c = middle.charAt(i);
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f';
            if (i != dash && !(hex && (i < dash || c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** Removes temporary files of this report older than {@link #LEFTOVER_AGE_MILLIS}: a killed run's. */
    static int removeLeftovers(Path file) {
        String reportName = file.getFileName().toString();
        long cutoff = System.currentTimeMillis() - LEFTOVER_AGE_MILLIS;
        int removed = 0;
        try {
            // File.list rather than Files.newDirectoryStream: names only, without the directory stream's classes.
            String[] names = file.getParent().toFile().list();
            if (names == null) {
                return 0;
            }
            for (String name : names) {
                if (!isTemporaryFileOf(name, reportName)) {
                    continue;
                }
                Path leftover = file.resolveSibling(name);
                BasicFileAttributes a = attributesOrNull(leftover, LinkOption.NOFOLLOW_LINKS);
                if (a != null && a.isRegularFile() && a.lastModifiedTime().toMillis() < cutoff) {
                    Files.deleteIfExists(leftover);
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only tidying: a leftover that cannot be removed now is tried again by the next run.
        }
        return removed;
    }

    /**
     * After a failed write: removes the previous report at {@code report} so that nobody reads it as this run's.
     *
     * @return null when nothing of an earlier run is left there, else why it could not be removed
     */
    public static String removeStale(Path report) {
        Path file;
        try {
            file = resolve(report);
        } catch (IOException e) {
            return null; // not a regular file, or nothing there: no earlier report can be mistaken for this run's
        }
        try {
            Files.deleteIfExists(file);
            return null;
        } catch (IOException e) {
            return describe(e);
        }
    }

    /** What went wrong with a file operation, in words, naming the file. */
    public static String describe(Throwable e) {
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : e.getClass().getSimpleName();
            return reason + (f.getFile() == null ? "" : ": " + f.getFile());
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory";
        }
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }

    private static String notRegular(BasicFileAttributes a) {
        if (a == null) {
            return "does not exist";
        }
        if (a.isDirectory()) {
            return "is a directory";
        }
        return "is not a regular file (a FIFO, a device or a socket)";
    }

    private static BasicFileAttributes attributesOrNull(Path path, LinkOption... options) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, options);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return null; // a parent is not a directory: said more clearly by resolve()
            }
            throw e;
        }
    }
}
