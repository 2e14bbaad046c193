package dev.loopguard.reports.format;

import dev.loopguard.reports.internal.StackFrame;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a stack frame's class to its source file, as a URI relative to the source base (SARIF's {@code %SRCROOT%}):
 * {@code com.acme.Pump$Inner} in {@code Pump.java} is {@code com/acme/Pump.java} under the first source root that
 * has it. When no root has it, the package path alone is used, so the result still names the file. Only existence
 * is checked; no file is read.
 */
final class SourceLocator {

    private final Path base;
    private final List<String> roots = new ArrayList<>();
    private final Map<String, String> cache = new HashMap<>();

    SourceLocator(Path base, List<String> patterns) {
        this.base = base;
        for (String pattern : patterns) {
            String p = pattern.replace('\\', '/');
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.startsWith("*/")) {
                // One directory level: the modules of a multi-module build, in a stable order.
                List<String> modules = new ArrayList<>();
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base.toAbsolutePath())) {
                    for (Path dir : dirs) {
                        if (Files.isDirectory(dir) && !dir.getFileName().toString().startsWith(".")) {
                            modules.add(dir.getFileName() + p.substring(1));
                        }
                    }
                } catch (IOException e) {
                    // An unreadable base has no modules; the other roots still apply.
                }
                modules.sort(null);
                roots.addAll(modules);
            } else {
                roots.add(p);
            }
        }
    }

    /** The file's URI relative to the base, or null when the frame names no usable source file. */
    String uri(String frame) {
        StackFrame parsed = StackFrame.parse(frame);
        String file = parsed.fileName();
        if (file == null || file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals("..")) {
            return null;
        }
        String className = parsed.topLevelClassName();
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        if (!pkg.matches("[\\p{L}\\p{N}_$.]*") || pkg.contains("..")) {
            return null;
        }
        String relative = (pkg.isEmpty() ? "" : pkg.replace('.', '/') + "/") + file;
        return cache.computeIfAbsent(relative, this::locate);
    }

    private String locate(String relative) {
        String found = relative;
        for (String root : roots) {
            if (Files.isRegularFile(base.resolve(root).resolve(relative))) {
                found = root + "/" + relative;
                break;
            }
        }
        try {
            return new URI(null, null, found, null).toASCIIString();
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
