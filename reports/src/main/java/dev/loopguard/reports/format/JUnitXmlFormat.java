package dev.loopguard.reports.format;

import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.internal.StackFrame;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * JUnit XML in Maven Surefire's shape (valid against its 3.0 XSD), which Jenkins, GitLab and GitHub test reporters
 * read with no plugin. Each finding is a test case that fails: under the test that caused it when a harness recorded
 * one (one case per test, up to {@value #MAX_TESTS_PER_FINDING}), else under the class of its site. Known findings
 * (in the baseline) are skipped cases, unreadable inputs are cases in error, and a report with neither findings nor
 * problems has one passing case, so that the check is seen to have run.
 */
final class JUnitXmlFormat implements ReportFormat {

    static final int MAX_TESTS_PER_FINDING = 20;
    private static final int MAX_STACK_FRAMES = 100;

    JUnitXmlFormat(FormatOptions options) {
        // No option applies to JUnit XML; the constructor matches the other formats'.
    }

    @Override
    public ReportFormatType type() {
        return ReportFormatType.JUNIT_XML;
    }

    @Override
    public void write(ReportData data, OutputStream out) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (MergedFinding f : data.findings()) {
            if (f.tests().isEmpty()) {
                cases.add(new Case(f, null));
            } else {
                for (int i = 0; i < Math.min(f.tests().size(), MAX_TESTS_PER_FINDING); i++) {
                    cases.add(new Case(f, f.tests().get(i)));
                }
            }
        }
        long failures = 0;
        long skipped = 0;
        for (Case c : cases) {
            if (data.isKnown(c.finding)) {
                skipped++;
            } else {
                failures++;
            }
        }
        long tests = cases.size() + data.problems().size()
                + (cases.isEmpty() && data.problems().isEmpty() ? 1 : 0);
        Xml xml = new Xml(out);
        xml.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite");
        xml.attribute("name", "loopguard");
        xml.attribute("time", "0");
        xml.attribute("tests", Long.toString(tests));
        xml.attribute("errors", Integer.toString(data.problems().size()));
        xml.attribute("skipped", Long.toString(skipped));
        xml.attribute("failures", Long.toString(failures));
        xml.raw(">\n  <properties>");
        property(xml, "loopguard.status", Text.status(data));
        property(xml, "loopguard.inputs", String.join(", ", data.inputs()));
        property(xml, "loopguard.failOn", String.join(",", data.failOn()));
        property(xml, "loopguard.generatedAt", data.generatedAt().toString());
        xml.raw("\n  </properties>");
        for (InputProblem p : data.problems()) {
            testcase(xml, "loopguard.inputs", "read " + p.input());
            xml.raw("<error");
            xml.attribute("type", "InvalidReport");
            xml.attribute("message", Text.clip(firstLine(p.message()), 2000));
            xml.raw(">");
            xml.text(p.message());
            xml.raw("</error></testcase>");
        }
        for (Case c : cases) {
            testCase(data, c, xml);
        }
        if (cases.isEmpty() && data.problems().isEmpty()) {
            testcase(xml, "loopguard", "no findings");
            xml.raw("</testcase>");
        }
        xml.raw("\n</testsuite>\n");
        xml.flush();
        out.flush();
    }

    private static void testCase(ReportData data, Case c, Xml xml) throws IOException {
        MergedFinding f = c.finding;
        String location = f.location();
        StackFrame frame = location == null ? null : StackFrame.parse(location);
        String what = f.kind() + (f.operation() != null ? " " + f.operation() : "")
                + (location != null ? " at " + Text.shortFrame(location) : "");
        String classname;
        String name;
        if (c.test != null) {
            int hash = c.test.indexOf('#');
            int split = hash >= 0 ? hash : c.test.lastIndexOf('.');
            classname = split > 0 ? c.test.substring(0, split) : c.test;
            name = (split > 0 ? c.test.substring(split + 1) : c.test) + ": " + what;
        } else {
            classname = frame == null ? "loopguard" : frame.topLevelClassName();
            name = what;
        }
        testcase(xml, classname, name);
        if (data.isKnown(f)) {
            xml.raw("<skipped");
            xml.attribute("message", "known finding (in the baseline, fingerprint " + f.fingerprint() + ")");
            xml.raw("></skipped>");
        } else {
            xml.raw("<failure");
            xml.attribute("type", f.kind());
            xml.attribute("message", Text.clip(f.message(), 2000));
            xml.raw(">");
            xml.text(body(f));
            xml.raw("</failure>");
        }
        xml.raw("</testcase>");
    }

    private static String body(MergedFinding f) {
        // The message is the failure's message attribute; the body is what a reporter shows as the stack trace.
        StringBuilder s = new StringBuilder();
        if (f.advice() != null) {
            s.append("Instead: ").append(f.advice()).append('\n');
        }
        s.append("Occurrences: ").append(f.count()).append(", first ").append(f.firstSeen()).append(", last ")
                .append(f.lastSeen()).append('\n');
        s.append("Threads: ").append(String.join(", ", f.threads())).append('\n');
        if (f.tests().size() > 1) {
            s.append("Tests: ").append(String.join(", ", f.tests())).append('\n');
        }
        if (f.reason() != null) {
            s.append("Reason: ").append(f.reason()).append('\n');
        }
        if (f.createdAt() != null) {
            s.append("Created at: ").append(f.createdAt()).append('\n');
        }
        if (f.discardedAt() != null) {
            s.append("Discarded at: ").append(f.discardedAt()).append('\n');
        }
        if (f.exception() != null) {
            s.append("Exception: ").append(f.exception()).append('\n');
        }
        s.append("Fingerprint: ").append(f.fingerprint()).append('\n');
        int n = Math.min(f.stack().size(), MAX_STACK_FRAMES);
        for (int i = 0; i < n; i++) {
            s.append("\tat ").append(f.stack().get(i)).append('\n');
        }
        if (f.stack().size() > n) {
            s.append("\t... ").append(f.stack().size() - n).append(" more\n");
        }
        return s.toString();
    }

    private static void testcase(Xml xml, String classname, String name) throws IOException {
        xml.raw("\n  <testcase");
        xml.attribute("name", Text.clip(name, 1000));
        xml.attribute("classname", Text.clip(classname, 1000));
        xml.attribute("time", "0");
        xml.raw(">");
    }

    private static void property(Xml xml, String name, String value) throws IOException {
        xml.raw("\n    <property");
        xml.attribute("name", name);
        xml.attribute("value", Text.clip(value, 10_000));
        xml.raw("/>");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * Writes escaped XML 1.0. The JDK's StAX writer escaped character by character through several layers and took
     * most of the time of a 100,000-finding report; the rules are few: markup characters as entities, characters XML
     * forbids made visible by {@link Text#printable}, and whitespace in attributes as character references so that a
     * parser does not fold it into spaces.
     */
    private static final class Xml {
        private final Writer out;

        Xml(OutputStream out) {
            this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        }

        void raw(String s) throws IOException {
            out.write(s);
        }

        void attribute(String name, String value) throws IOException {
            out.write(' ');
            out.write(name);
            out.write("=\"");
            escape(Text.printable(value), true);
            out.write('"');
        }

        void text(String value) throws IOException {
            escape(Text.printable(value), false);
        }

        private void escape(String s, boolean attribute) throws IOException {
            int start = 0;
            for (int i = 0; i < s.length(); i++) {
                String entity;
                switch (s.charAt(i)) {
                    case '&': entity = "&amp;"; break;
                    case '<': entity = "&lt;"; break;
                    case '>': entity = "&gt;"; break;
                    case '"': entity = attribute ? "&quot;" : null; break;
                    case '\n': entity = attribute ? "&#10;" : null; break;
                    case '\r': entity = "&#13;"; break;
                    case '\t': entity = attribute ? "&#9;" : null; break;
                    default: entity = null;
                }
                if (entity != null) {
                    out.write(s, start, i - start);
                    out.write(entity);
                    start = i + 1;
                }
            }
            out.write(s, start, s.length() - start);
        }

        void flush() throws IOException {
            out.flush();
        }
    }

    private static final class Case {
        final MergedFinding finding;
        final String test;

        Case(MergedFinding finding, String test) {
            this.finding = finding;
            this.test = test;
        }
    }
}
