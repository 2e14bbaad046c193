package dev.loopguard.reports;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopguard.reports.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Fingerprints of known findings, so that a team can adopt Loopguard on an existing codebase: known findings are
 * shown as known and do not fail the run; new ones do. The file is JSON, sorted, one finding per entry with its kind
 * and location beside the fingerprint so that a reviewer can read a diff of it:
 *
 * <pre>{@code
 * {"tool": "loopguard-baseline", "version": 1, "findings": [
 *   {"fingerprint": "3f1c...", "kind": "BLOCKING_CALL", "location": "com.acme.Pump.run", "operation": "java.lang.Thread.sleep"}
 * ]}
 * }</pre>
 *
 * Only {@code fingerprint} is read back; the other fields are for people.
 */
public final class Baseline {

    private static final Pattern FINGERPRINT = Pattern.compile("^[0-9a-f]{32}$");

    private final Set<String> fingerprints;

    private Baseline(Set<String> fingerprints) {
        this.fingerprints = Set.copyOf(fingerprints);
    }

    /** A baseline of exactly these fingerprints. */
    public static Baseline of(Collection<String> fingerprints) {
        return new Baseline(new TreeSet<>(fingerprints));
    }

    /** Whether a finding with this fingerprint is known. */
    public boolean contains(String fingerprint) {
        return fingerprints.contains(fingerprint);
    }

    /** The known fingerprints. */
    public Set<String> fingerprints() {
        return fingerprints;
    }

    /**
     * @throws InvalidReportException if the file cannot be read or is not a baseline
     */
    public static Baseline read(Path file) {
        Objects.requireNonNull(file, "file");
        JsonNode root = JsonInput.read(file, "baseline", "write one with --write-baseline FILE");
        List<String> problems = new ArrayList<>();
        Set<String> fingerprints = new TreeSet<>();
        JsonNode findings = root.get("findings");
        if (!root.isObject() || findings == null || !findings.isArray()) {
            problems.add("$: must be an object with a \"findings\" array, as --write-baseline writes");
        } else {
            for (int i = 0; i < findings.size(); i++) {
                JsonNode fingerprint = findings.get(i).get("fingerprint");
                if (fingerprint == null || !FINGERPRINT.matcher(fingerprint.asText()).matches()) {
                    problems.add("$.findings[" + i + "].fingerprint: must be 32 lower-case hexadecimal digits, was "
                            + (fingerprint == null ? "missing" : fingerprint.toString()));
                } else {
                    fingerprints.add(fingerprint.asText());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidReportException(file, "Baseline " + file + " is not a Loopguard baseline, "
                    + problems.size() + " problem(s)", problems.size() > 20 ? problems.subList(0, 20) : problems,
                    null);
        }
        return new Baseline(fingerprints);
    }

    /** Writes a baseline of {@code findings} to {@code file}, atomically, sorted by fingerprint. */
    public static void write(Path file, Collection<MergedFinding> findings) {
        List<MergedFinding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(MergedFinding::fingerprint));
        AtomicFiles.write(file, out -> {
            try (JsonGenerator json = JsonInput.STRICT.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                json.setPrettyPrinter(new OneEntryPerLine());
                json.writeStartObject();
                json.writeStringField("tool", "loopguard-baseline");
                json.writeNumberField("version", 1);
                json.writeArrayFieldStart("findings");
                String previous = null;
                for (MergedFinding f : sorted) {
                    if (f.fingerprint().equals(previous)) {
                        continue;
                    }
                    previous = f.fingerprint();
                    json.writeStartObject();
                    json.writeStringField("fingerprint", f.fingerprint());
                    json.writeStringField("kind", f.kind());
                    json.writeStringField("location", locationOf(f));
                    if (f.operation() != null) {
                        json.writeStringField("operation", f.operation());
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
                json.writeRaw("\n");
            }
        });
    }

    /** Each entry of the findings array on its own line, so that a diff of the baseline shows one line per finding. */
    private static final class OneEntryPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            g.writeRaw("\n  ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(",\n  ");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            g.writeRaw(nrOfValues == 0 ? "]" : "\n]");
        }
    }

    private static String locationOf(MergedFinding f) {
        String location = f.location();
        if (location == null) {
            return "";
        }
        int open = location.indexOf('(');
        return open < 0 ? location : location.substring(0, open);
    }
}
