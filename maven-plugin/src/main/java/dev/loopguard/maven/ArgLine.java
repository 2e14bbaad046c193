package dev.loopguard.maven;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the new {@code argLine}: the agent argument first, then whatever was there, minus an earlier argument for
 * the same agent jar (so that running {@code prepare-agent} twice does not start the agent twice).
 */
final class ArgLine {

    private ArgLine() {
    }

    static String prepend(String previous, String agentJar, String options) {
        String agent = quote("-javaagent:" + agentJar + "=" + options);
        StringBuilder result = new StringBuilder(agent);
        for (String token : split(previous == null ? "" : previous)) {
            if (unquote(token).startsWith("-javaagent:" + agentJar)) {
                continue;
            }
            result.append(' ').append(token);
        }
        return result.toString();
    }

    /** Surefire splits argLine on whitespace outside double quotes; so do we. */
    static List<String> split(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (current.length() > 0) {
                    tokens.add(current.toString());
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        if (current.length() > 0) {
            tokens.add(current.toString());
        }
        return tokens;
    }

    private static String quote(String argument) {
        return argument.chars().anyMatch(Character::isWhitespace) ? '"' + argument + '"' : argument;
    }

    private static String unquote(String token) {
        return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
                ? token.substring(1, token.length() - 1) : token;
    }
}
