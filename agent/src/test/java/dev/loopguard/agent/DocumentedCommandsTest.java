package dev.loopguard.agent;

import dev.loopguard.agent.internal.AgentOptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pastes every shell command of README.md and docs/**&#47;*.md into bash, as a reader would, with {@code java},
 * {@code mvn} and {@code jfr} replaced by stubs that record their arguments: no command may fail to parse or run a
 * word as a command (an unquoted {@code ;} in an agent argument does both), and every {@code -javaagent:} argument
 * must reach {@code java} as one word and be valid agent options.
 *
 * <p>A command is a line (with its {@code \} continuations) of a fenced block marked {@code sh}, {@code bash},
 * {@code shell} or {@code console}, or a line of an unmarked block that starts with one of the toolkit's commands
 * ({@code java}, {@code mvn}, {@code jfr}, {@code .ci/run}, possibly after variable assignments); other lines of an
 * unmarked block are output.
 */
class DocumentedCommandsTest {
    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*(\\S*)\\s*$");
    private static final Pattern ASSIGNMENT = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=\\S*\\s+");
    private static final List<String> TOOLS = List.of("java", "mvn", "jfr", ".ci/run", "./mvnw");
    private static final List<String> SHELL_BLOCKS = List.of("sh", "bash", "shell", "console");

    @TempDir
    Path work;

    @TestFactory
    List<DynamicTest> everyShellCommandInTheDocsRunsInBashAsWritten() throws IOException {
        Path root = Path.of(System.getProperty("loopguard.test.repositoryRoot", ".."));
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path page : pages) {
            for (Command c : commands(page)) {
                tests.add(DynamicTest.dynamicTest(root.relativize(page) + ":" + c.line + " " + c.text,
                        () -> pasteIntoBash(c)));
            }
        }
        assertThat(tests).as("commands found in README.md and docs").hasSizeGreaterThan(5);
        return tests;
    }

    /** The commands of a page, with the line each starts on. */
    static List<Command> commands(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        List<Command> out = new ArrayList<>();
        String block = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (fence.matches()) {
                block = block == null ? fence.group(1) : null;
                continue;
            }
            if (block == null || !(block.isEmpty() || SHELL_BLOCKS.contains(block))) {
                continue;
            }
            int start = i;
            StringBuilder text = new StringBuilder(lines.get(i));
            while (text.toString().endsWith("\\") && i + 1 < lines.size()) {
                text.setLength(text.length() - 1);
                text.append(' ').append(lines.get(++i).trim());
            }
            String command = text.toString().trim();
            if (command.isEmpty() || command.startsWith("#")) {
                continue;
            }
            if (SHELL_BLOCKS.contains(block) || TOOLS.contains(firstWord(command))) {
                out.add(new Command(page, start + 1, command));
            }
        }
        return out;
    }

    private static String firstWord(String command) {
        String rest = command;
        for (Matcher m = ASSIGNMENT.matcher(rest); m.find(); m = ASSIGNMENT.matcher(rest)) {
            rest = rest.substring(m.end());
        }
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private void pasteIntoBash(Command c) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path calls = work.resolve("calls");
        Files.deleteIfExists(calls);
        for (String tool : List.of("java", "mvn", "jfr", "mvnw")) {
            stub(bin.resolve(tool), calls);
        }
        Path cwd = Files.createDirectories(work.resolve("cwd"));
        stub(Files.createDirectories(cwd.resolve(".ci")).resolve("run"), calls);
        stub(cwd.resolve("mvnw"), calls);
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", c.text).directory(cwd.toFile()).redirectErrorStream(true);
        // The stubs first; a command that sets PATH itself still finds them after its own entries.
        bash.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = bash.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String where = c + "\nbash said:\n" + output;
        assertThat(p.exitValue()).as(where).isNotIn(126, 127);
        assertThat(output).as(where).doesNotContain("command not found").doesNotContain("syntax error")
                .doesNotContain("unexpected EOF");

        String agent = agentArgumentAsWritten(c.text);
        if (agent != null) {
            List<List<String>> invocations = invocations(calls);
            assertThat(invocations).as(where).anySatisfy(argv -> assertThat(argv).contains(agent));
            int eq = agent.indexOf('=');
            if (eq > 0) {
                AgentOptions.parse(agent.substring(eq + 1), new Properties());
            }
        }
    }

    /** The -javaagent argument as the reader meant it: up to the next unquoted blank, quotes removed. */
    static String agentArgumentAsWritten(String command) {
        int start = command.indexOf("-javaagent:");
        if (start < 0) {
            return null;
        }
        while (start > 0 && command.charAt(start - 1) != ' ') {
            start--; // the argument may begin with a quote: "-javaagent:...=..."
        }
        StringBuilder word = new StringBuilder();
        char quote = 0;
        for (int i = start; i < command.length(); i++) {
            char ch = command.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    word.append(ch);
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (Character.isWhitespace(ch)) {
                break;
            } else {
                word.append(ch);
            }
        }
        return word.toString();
    }

    private static void stub(Path file, Path calls) throws IOException {
        // Each call: its arguments one per line, then a line with a single NUL-free marker.
        Files.writeString(file, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '" + calls + "'; done\n"
                + "echo '--end-of-call--' >> '" + calls + "'\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<List<String>> invocations(Path calls) throws IOException {
        List<List<String>> out = new ArrayList<>();
        if (!Files.exists(calls)) {
            return out;
        }
        List<String> current = new ArrayList<>();
        for (String line : Files.readAllLines(calls, StandardCharsets.UTF_8)) {
            if ("--end-of-call--".equals(line)) {
                out.add(current);
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        return out;
    }

    static final class Command {
        final Path page;
        final int line;
        final String text;

        Command(Path page, int line, String text) {
            this.page = page;
            this.line = line;
            this.text = text;
        }

        @Override
        public String toString() {
            return page.getFileName() + ":" + line + ": " + text;
        }
    }
}
