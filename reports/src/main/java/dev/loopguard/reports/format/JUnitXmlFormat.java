package dev.loopguard.reports.format;

import dev.loopguard.reports.InputProblem;
import dev.loopguard.reports.MergedFinding;
import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.internal.StackFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

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
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", "loopguard");
            xml.writeAttribute("time", "0");
            xml.writeAttribute("tests", Long.toString(tests));
            xml.writeAttribute("errors", Integer.toString(data.problems().size()));
            xml.writeAttribute("skipped", Long.toString(skipped));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeCharacters("\n  ");
            xml.writeStartElement("properties");
            property(xml, "loopguard.status", Text.status(data));
            property(xml, "loopguard.inputs", String.join(", ", data.inputs()));
            property(xml, "loopguard.failOn", String.join(",", data.failOn()));
            property(xml, "loopguard.generatedAt", data.generatedAt().toString());
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            for (InputProblem p : data.problems()) {
                testcase(xml, "loopguard.inputs", "read " + p.input());
                xml.writeStartElement("error");
                xml.writeAttribute("type", "InvalidReport");
                xml.writeAttribute("message", attr(Text.clip(firstLine(p.message()), 2000)));
                xml.writeCharacters(text(p.message()));
                xml.writeEndElement();
                xml.writeEndElement();
            }
            for (Case c : cases) {
                testCase(data, c, xml);
            }
            if (cases.isEmpty() && data.problems().isEmpty()) {
                testcase(xml, "loopguard", "no findings");
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.writeCharacters("\n");
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("Cannot write JUnit XML: " + e.getMessage(), e);
        }
        out.flush();
    }

    private static void testCase(ReportData data, Case c, XMLStreamWriter xml) throws XMLStreamException {
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
            xml.writeStartElement("skipped");
            xml.writeAttribute("message", "known finding (in the baseline, fingerprint " + f.fingerprint() + ")");
            xml.writeEndElement();
        } else {
            xml.writeStartElement("failure");
            xml.writeAttribute("type", f.kind());
            xml.writeAttribute("message", attr(Text.clip(f.message(), 2000)));
            xml.writeCharacters(text(body(f)));
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    private static String body(MergedFinding f) {
        StringBuilder s = new StringBuilder();
        s.append(f.message()).append('\n');
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

    private static void testcase(XMLStreamWriter xml, String classname, String name) throws XMLStreamException {
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testcase");
        xml.writeAttribute("name", attr(Text.clip(name, 1000)));
        xml.writeAttribute("classname", attr(Text.clip(classname, 1000)));
        xml.writeAttribute("time", "0");
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", attr(Text.clip(value, 10_000)));
    }

    /**
     * Legal XML 1.0 text. The JDK's writer escapes markup characters but passes control characters through, which
     * no parser accepts.
     */
    private static String text(String s) {
        return Text.printable(s);
    }

    /** Legal in an attribute, on one line: a parser would turn newlines into spaces anyway. */
    private static String attr(String s) {
        return Text.printable(s).replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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
