package dev.loopguard.agent.internal.recording;

import dev.loopguard.agent.Finding;

import dev.loopguard.agent.FindingKind;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Writes the JSON report (see docs/schema/loopguard-report.schema.json) through a temporary file and a rename. */
public final class ReportWriter {
    static final String VERSION = versionOfAgent();

    private final ReportSource source;

    public ReportWriter(ReportSource source) {
        this.source = source;
    }

    /**
     * Writes the report to the regular file {@code target} resolves to ({@link ReportFile}), through a temporary file
     * beside it and a rename, streaming it so that memory stays bounded whatever the number of findings.
     *
     * @return the file written
     * @throws IOException whose message says why no report was written
     */
    public Path write(Path target) throws IOException {
        Path file = ReportFile.resolve(target);
        Path temp = ReportFile.temporaryFile(file);
        try {
            // FileOutputStream, which the JVM has loaded (and the agent instrumented) long before: Files.write would
            // load and instrument FileChannelImpl at exit.
            // Charset.forName: the UTF-8 charset is loaded, StandardCharsets (and its six other charsets) is not.
            try (Writer out = new OutputStreamWriter(new BufferedOutputStream(new FileOutputStream(temp.toFile()),
                    1 << 16), Charset.forName("UTF-8"))) {
                render(out, source.recorder().snapshot(), Instant.now());
            }
            // File.renameTo is rename(2) on POSIX: atomic, and it replaces the report, without Files.move's copy
            // machinery (UnixCopyFile) loaded at exit. It says only whether it worked: Files.move, after it, says why.
            if (!temp.toFile().renameTo(file.toFile())) {
                moveReplacing(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return file;
    }

    private static void moveReplacing(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    String render(List<Finding> findings, Instant finishedAt) {
        StringBuilder b = new StringBuilder();
        try {
            render(b, findings, finishedAt);
        } catch (IOException e) {
            throw new IllegalStateException("a StringBuilder does not throw", e);
        }
        return b.toString();
    }

    /** Writes the report to {@code sink}, one finding at a time. */
    void render(Appendable sink, List<Finding> findings, Instant finishedAt) throws IOException {
        JsonWriter out = new JsonWriter().beginObject();
        out.name("tool").value("loopguard");
        out.name("version").value(VERSION);
        out.name("jvm").beginObject()
                .name("version").value(System.getProperty("java.version"))
                .name("vendor").value(System.getProperty("java.vendor"))
                .endObject();
        out.name("startedAt").value(IsoInstant.format(source.startedAt()));
        out.name("finishedAt").value(IsoInstant.format(finishedAt));
        out.name("options").value(source.effectiveOptions());
        out.name("findings").beginArray();
        for (Finding f : findings) {
            writeFinding(out, f);
            out.drainTo(sink);
        }
        out.endArray();
        Map<FindingKind, FindingRecorder.Omitted> omitted = source.recorder().omitted();
        if (!omitted.isEmpty()) {
            out.name("omitted").beginObject();
            for (Map.Entry<FindingKind, FindingRecorder.Omitted> e : omitted.entrySet()) {
                out.name(e.getKey().name()).beginObject()
                        .name("sites").value(e.getValue().sites())
                        .name("occurrences").value(e.getValue().occurrences())
                        .endObject();
            }
            out.endObject();
        }
        out.name("profile").beginObject();
        for (Map.Entry<String, ProfileSection> e : source.profileSections().entrySet()) {
            out.name(e.getKey());
            e.getValue().writeJson(out);
        }
        out.endObject();
        out.name("agentErrors").beginArray();
        for (Map.Entry<String, String> e : source.agentErrors().entrySet()) {
            out.beginObject().name("detector").value(e.getKey()).name("error").value(e.getValue()).endObject();
        }
        out.endArray();
        sink.append(out.endObject().toJson()).append('\n');
    }

    static void writeFinding(JsonWriter out, Finding f) {
        out.beginObject();
        out.name("kind").value(f.kind().name());
        out.name("thread").value(f.thread());
        out.name("message").value(f.message());
        out.name("stack").value(f.stack());
        f.site().ifPresent(v -> out.name("site").value(v));
        out.name("count").value(f.count());
        out.name("firstSeen").value(IsoInstant.format(f.firstSeen()));
        out.name("lastSeen").value(IsoInstant.format(f.lastSeen()));
        f.advice().ifPresent(v -> out.name("advice").value(v));
        f.operation().ifPresent(v -> out.name("operation").value(v));
        f.durationMillis().ifPresent(v -> out.name("durationMillis").value(v));
        f.createdAt().ifPresent(v -> out.name("createdAt").value(v));
        f.reason().ifPresent(v -> out.name("reason").value(v));
        f.exception().ifPresent(e -> {
            out.name("exception").beginObject().name("type").value(e.type());
            e.message().ifPresent(m -> out.name("message").value(m));
            out.name("stack").value(e.stack()).endObject();
        });
        f.discardedAt().ifPresent(v -> out.name("discardedAt").value(v));
        f.returnType().ifPresent(v -> out.name("returnType").value(v));
        f.controller().ifPresent(v -> out.name("controller").value(v));
        f.loop().ifPresent(v -> out.name("loop").value(v));
        f.test().ifPresent(v -> out.name("test").value(v));
        out.endObject();
    }

    private static String versionOfAgent() {
        String v = ReportWriter.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
