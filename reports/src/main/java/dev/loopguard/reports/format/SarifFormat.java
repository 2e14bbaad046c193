package dev.loopguard.reports.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.internal.StackFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * SARIF 2.1.0 for code scanning: one rule per finding kind with a link to its page, one result per finding at the
 * user's source line, the fingerprint as {@code partialFingerprints}, the creation and discard sites as related
 * locations, known findings as suppressed, and the category as {@code automationDetails.id}.
 *
 * <p>GitHub accepts at most 25,000 results per run and 10 MB gzipped per upload and rejects the whole file beyond
 * either. Results past the limits are trimmed, the least important first (known, then new of kinds that do not fail
 * the run, then by kind and count), and a notification in the run says how many and why.
 */
final class SarifFormat implements ReportFormat {

    static final String FINGERPRINT_KEY = "loopguardFingerprint/v1";

    private final FormatOptions options;

    SarifFormat(FormatOptions options) {
        this.options = options;
    }

    @Override
    public ReportFormatType type() {
        return ReportFormatType.SARIF;
    }

    @Override
    public void write(ReportData data, OutputStream out) throws IOException {
        List<MergedFinding> ordered = Text.byImportance(data);
        int limit = Math.min(ordered.size(), options.sarifMaxResults());
        SourceLocator locator = new SourceLocator(options.sourceBase(), options.sourceRoots());
        String trimmedBecause = ordered.size() > limit
                ? "at most " + Text.count(options.sarifMaxResults()) + " results per run" : null;
        // Render once into memory while counting the gzipped size; only an output over the limit is rendered again,
        // with the results cut in proportion. At 25,000 results the buffer is about 20 MB.
        for (int pass = 0; ; pass++) {
            java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(1 << 20);
            CountingStream counter = new CountingStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(counter, 1 << 16)) {
                render(data, ordered, limit, trimmedBecause, locator, new Tee(buffer, gzip));
            }
            if (counter.count <= options.sarifMaxGzippedBytes() || limit == 0 || pass == 20) {
                buffer.writeTo(out);
                break;
            }
            limit = (int) Math.max(0, Math.min(limit - 1,
                    (long) (limit * 0.9 * options.sarifMaxGzippedBytes() / counter.count)));
            trimmedBecause = "at most " + Text.count(options.sarifMaxGzippedBytes()) + " bytes gzipped";
        }
        out.flush();
    }

    private void render(ReportData data, List<MergedFinding> ordered, int limit, String trimmedBecause,
                        SourceLocator locator, OutputStream out) throws IOException {
        JsonGenerator json = new JsonFactory().createGenerator(new NonClosing(out), JsonEncoding.UTF8);
        // Compact: indentation was a third of the bytes, and GitHub's limit is on the upload.
        json.writeStartObject();
        json.writeStringField("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.writeStringField("version", "2.1.0");
        json.writeArrayFieldStart("runs");
        json.writeStartObject();
        json.writeObjectFieldStart("tool");
        json.writeObjectFieldStart("driver");
        json.writeStringField("name", "Loopguard");
        json.writeStringField("informationUri", "https://loopguard.dev/");
        json.writeArrayFieldStart("rules");
        for (String kind : ReportData.KINDS) {
            rule(data, KindInfo.of(kind), json);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
        json.writeObjectFieldStart("automationDetails");
        json.writeStringField("id", str(options.sarifCategory()));
        json.writeEndObject();
        json.writeArrayFieldStart("invocations");
        json.writeStartObject();
        json.writeBooleanField("executionSuccessful", data.problems().isEmpty());
        List<String[]> notes = new ArrayList<>();
        for (InputProblem p : data.problems()) {
            notes.add(new String[] {"error", Text.clip(p.message(), 20_000)});
        }
        for (String e : data.agentErrors()) {
            notes.add(new String[] {"warning", "Agent error (a detector was turned off): " + e});
        }
        if (limit < ordered.size()) {
            notes.add(new String[] {"warning", Text.plural(ordered.size() - limit, "result was", "results were")
                    + " left out to stay within " + trimmedBecause + " (GitHub rejects larger uploads): the least "
                    + "important first (known findings, then kinds that do not fail the run, then the least "
                    + "frequent). The HTML report and JUnit XML list every finding."});
        }
        if (!notes.isEmpty()) {
            json.writeArrayFieldStart("toolExecutionNotifications");
            for (String[] note : notes) {
                json.writeStartObject();
                json.writeStringField("level", note[0]);
                json.writeObjectFieldStart("message");
                json.writeStringField("text", str(note[1]));
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeEndObject();
        json.writeEndArray();
        json.writeArrayFieldStart("results");
        for (int i = 0; i < limit; i++) {
            result(data, ordered.get(i), locator, json);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("properties");
        json.writeNumberField("findings", ordered.size());
        json.writeNumberField("resultsOmitted", ordered.size() - limit);
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
        json.writeRaw('\n');
        json.close();
    }

    private void rule(ReportData data, KindInfo info, JsonGenerator json) throws IOException {
        String helpUri = options.docsBaseUri() + info.kind + ".md";
        json.writeStartObject();
        json.writeStringField("id", info.kind);
        json.writeStringField("name", info.name);
        json.writeObjectFieldStart("shortDescription");
        json.writeStringField("text", info.shortDescription);
        json.writeEndObject();
        json.writeObjectFieldStart("fullDescription");
        json.writeStringField("text", info.fullDescription);
        json.writeEndObject();
        json.writeObjectFieldStart("help");
        json.writeStringField("text", info.fullDescription + " " + info.fix + " See " + helpUri);
        json.writeStringField("markdown", "**" + info.shortDescription + "**\n\n" + info.fullDescription + "\n\n"
                + "**Instead:** " + info.fix + "\n\n[More about " + info.kind + "](" + helpUri + ")");
        json.writeEndObject();
        json.writeStringField("helpUri", helpUri);
        json.writeObjectFieldStart("defaultConfiguration");
        json.writeStringField("level", data.failOn().contains(info.kind) ? "error" : "warning");
        json.writeEndObject();
        json.writeObjectFieldStart("properties");
        json.writeArrayFieldStart("tags");
        json.writeString("concurrency");
        json.writeString("reliability");
        json.writeEndArray();
        json.writeStringField("precision", "high");
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void result(ReportData data, MergedFinding f, SourceLocator locator, JsonGenerator json)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("ruleId", f.kind());
        int ruleIndex = ReportData.KINDS.indexOf(f.kind());
        if (ruleIndex >= 0) {
            json.writeNumberField("ruleIndex", ruleIndex);
        }
        json.writeStringField("level", data.failOn().contains(f.kind()) ? "error" : "warning");
        json.writeObjectFieldStart("message");
        StringBuilder text = new StringBuilder(Text.clip(f.message(), 4000));
        if (f.advice() != null) {
            text.append(" Instead: ").append(Text.clip(f.advice(), 1000));
        }
        if (f.count() > 1) {
            text.append(" (").append(Text.count(f.count())).append(" occurrences)");
        }
        json.writeStringField("text", str(text.toString()));
        json.writeEndObject();
        String location = f.location();
        if (location != null) {
            json.writeArrayFieldStart("locations");
            location(location, null, -1, locator, json);
            json.writeEndArray();
        }
        int id = 0;
        boolean related = false;
        String[][] others = {{f.createdAt(), "created here"}, {f.discardedAt(), "the future was dropped here"}};
        for (String[] other : others) {
            if (other[0] != null && !other[0].equals(location)) {
                if (!related) {
                    json.writeArrayFieldStart("relatedLocations");
                    related = true;
                }
                location(other[0], other[1], id++, locator, json);
            }
        }
        if (related) {
            json.writeEndArray();
        }
        json.writeObjectFieldStart("partialFingerprints");
        json.writeStringField(FINGERPRINT_KEY, f.fingerprint());
        json.writeEndObject();
        if (data.baseline().isPresent()) {
            boolean known = data.isKnown(f);
            json.writeStringField("baselineState", known ? "unchanged" : "new");
            if (known) {
                json.writeArrayFieldStart("suppressions");
                json.writeStartObject();
                json.writeStringField("kind", "external");
                json.writeStringField("justification", "Listed in the Loopguard baseline as a known finding.");
                json.writeEndObject();
                json.writeEndArray();
            }
        }
        json.writeObjectFieldStart("properties");
        json.writeNumberField("count", f.count());
        json.writeStringField("firstSeen", f.firstSeen().toString());
        json.writeStringField("lastSeen", f.lastSeen().toString());
        stringArray(json, "threads", f.threads());
        if (!f.tests().isEmpty()) {
            stringArray(json, "tests", f.tests());
        }
        if (f.operation() != null) {
            json.writeStringField("operation", str(f.operation()));
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void location(String frame, String message, int id, SourceLocator locator, JsonGenerator json)
            throws IOException {
        StackFrame parsed = StackFrame.parse(frame);
        String uri = locator.uri(frame);
        json.writeStartObject();
        if (id >= 0) {
            json.writeNumberField("id", id);
        }
        if (uri != null) {
            json.writeObjectFieldStart("physicalLocation");
            json.writeObjectFieldStart("artifactLocation");
            json.writeStringField("uri", uri);
            json.writeStringField("uriBaseId", "%SRCROOT%");
            json.writeEndObject();
            if (parsed.line() > 0) {
                json.writeObjectFieldStart("region");
                json.writeNumberField("startLine", parsed.line());
                json.writeEndObject();
            }
            json.writeEndObject();
        }
        json.writeArrayFieldStart("logicalLocations");
        json.writeStartObject();
        json.writeStringField("fullyQualifiedName", str(parsed.className() + (parsed.method().isEmpty() ? ""
                : "." + parsed.method())));
        json.writeStringField("kind", "function");
        json.writeEndObject();
        json.writeEndArray();
        if (message != null) {
            json.writeObjectFieldStart("message");
            json.writeStringField("text", message);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void stringArray(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String v : values) {
            json.writeString(str(v));
        }
        json.writeEndArray();
    }

    /** JSON escapes control characters itself; this makes lone surrogates, which UTF-8 cannot encode, visible. */
    private static String str(String s) {
        return Text.printable(s);
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** Writes to two streams at once: the output and the gzip counter. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

    /** Jackson closes its target; the caller owns {@code out}. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
