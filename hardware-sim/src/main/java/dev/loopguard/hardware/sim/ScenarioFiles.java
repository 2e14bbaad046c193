package dev.loopguard.hardware.sim;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes scenario files (the format is in docs/hardware-sim.md): picks JSON or YAML by the file name, checks
 * what the parsed tree would hide (a key given twice, YAML aliases, {@code .nan}, a second document), then hands the
 * tree to {@link ScenarioReader}; writing goes through {@link ScenarioWriter}, whose output reads back to an equal
 * scenario.
 */
final class ScenarioFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private ScenarioFiles() {
    }

    static Scenario load(Path file) {
        String source = file.toString();
        ScenarioFormat format;
        try {
            format = ScenarioFormat.of(file);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(source, "", "the file name must end in .json, .yaml or .yml", e);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(source, "", "cannot be read: " + e, e);
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, format, source, base);
    }

    static Scenario parse(String text, ScenarioFormat format, String source, Path baseDirectory) {
        java.util.Objects.requireNonNull(text, "text");
        java.util.Objects.requireNonNull(format, "format");
        java.util.Objects.requireNonNull(source, "source");
        ObjectMapper mapper = format == ScenarioFormat.JSON ? JSON : YAML;
        checkStructure(mapper, text, format, source);
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw notValid(format, source, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ScenarioException(source, "", "is empty; expected a scenario object with 'name' and 'devices'",
                    null);
        }
        return new ScenarioReader(source, baseDirectory == null ? Path.of("") : baseDirectory).scenario(root);
    }

    /**
     * Reads the file token by token before the tree is built, for what the tree would hide: a key given twice (the
     * tree keeps the last), a YAML alias (read as the anchor's name, a string), YAML's {@code .nan} and {@code .inf}
     * (which the tree reader reports without a path), and anything after the scenario's one document or object.
     */
    private static void checkStructure(ObjectMapper mapper, String text, ScenarioFormat format, String source) {
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken token = parser.nextToken();
            if (token == null) {
                return;
            }
            int depth = 0;
            do {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    throw new ScenarioException(source, pathOf(parser.getParsingContext()), "is a YAML alias ("
                            + quote("*" + parser.getText()) + " at " + where(parser.currentTokenLocation())
                            + "); scenario files take no anchors or aliases: write the value itself", null);
                }
                if (token == JsonToken.VALUE_NUMBER_FLOAT && NOT_FINITE.matcher(parser.getText()).matches()) {
                    throw new ScenarioException(source, pathOf(parser.getParsingContext()), "must be a finite "
                            + "number (.nan and .inf are not accepted), was " + quote(parser.getText()), null);
                }
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                }
                if (depth == 0 && (token = parser.nextToken()) != null) {
                    throw new ScenarioException(source, "", "has more after the end of the scenario at "
                            + where(parser.currentTokenLocation()) + "; a scenario file holds one "
                            + (format == ScenarioFormat.JSON ? "JSON object" : "YAML document"), null);
                }
            } while (depth > 0 && (token = parser.nextToken()) != null);
        } catch (StreamReadException e) {
            Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
            if (duplicate.find() && e.getProcessor() != null) {
                throw new ScenarioException(source, pathOf(e.getProcessor().getParsingContext()), "is given twice in the same "
                        + "mapping (the second at " + where(e.getLocation()) + "); each key may appear once", e);
            }
            throw notValid(format, source, e);
        } catch (IOException e) {
            throw new ScenarioException(source, "", "cannot be read: " + e, e);
        }
    }

    private static final Pattern NOT_FINITE = Pattern.compile("[-+]?\\.(?:nan|NaN|NAN|inf|Inf|INF)");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate field '");

    private static ScenarioException notValid(ScenarioFormat format, String source, JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at " + where(e.getLocation());
        return new ScenarioException(source, "", "is not valid " + format + where + ": " + e.getOriginalMessage(), e);
    }

    private static String where(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** {@code devices[0].faults[1].at}, from the parser's context at the current token. */
    private static String pathOf(JsonStreamContext context) {
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    /** {@code 'text'}, with line breaks and other control characters escaped so a message stays one line. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    static String toText(Scenario scenario, ScenarioFormat format) {
        try {
            return (format == ScenarioFormat.JSON ? JSON : YAML).writeValueAsString(ScenarioWriter.scenario(scenario));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write scenario '" + scenario.name() + "' as " + format, e);
        }
    }

    static void write(Scenario scenario, Path file) {
        ScenarioFormat format = ScenarioFormat.of(file);
        try {
            Files.writeString(file, toText(scenario, format), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scenario to " + file, e);
        }
    }
}
