package dev.loopguard.reports;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads one input file into a JSON tree, strictly: one value, nothing after it, and errors that name the spot. */
final class JsonInput {

    /**
     * Trailing tokens fail (a report with garbage after it was cut or concatenated, and is not what the agent wrote);
     * duplicate keys fail (the second would silently win).
     */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** For reading values one by one from a parser, which checks what follows the document itself. */
    static final ObjectMapper PIECEWISE = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonInput() {
    }

    /**
     * @param what what the file should be, for messages: {@code "findings report"}, {@code "JMH results"}
     * @param hint what to check when the file cannot be read at all
     */
    static JsonNode read(Path file, String what, String hint) {
        byte[] bytes = bytes(file, what, hint);
        JsonNode root;
        try {
            root = STRICT.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw syntaxError(file, what, e);
        } catch (IOException e) {
            throw new InvalidReportException(file, "Cannot read " + what + " " + file + " (" + e + ")", List.of(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw empty(file, what, hint);
        }
        return root;
    }

    static byte[] bytes(Path file, String what, String hint) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidReportException(file, "Cannot read " + what + " " + file + " (" + e + "); " + hint,
                    List.of(), e);
        }
    }

    static InvalidReportException syntaxError(Path file, String what, JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new InvalidReportException(file, sentence(what) + " " + file + " is not valid JSON" + where + ": "
                + e.getOriginalMessage(), List.of(), e);
    }

    static InvalidReportException empty(Path file, String what, String hint) {
        return new InvalidReportException(file, sentence(what) + " " + file + " is empty; " + hint, List.of(), null);
    }

    private static String sentence(String what) {
        return Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }
}
