package dev.loopguard.reports.cli;

import dev.loopguard.reports.ReportData;
import dev.loopguard.reports.format.FormatOptions;
import dev.loopguard.reports.format.ReportFormatType;
import dev.loopguard.reports.internal.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line, parsed and checked: every mistake is a {@link UsageException} naming the option and value. */
final class Arguments {

    private static final Pattern SIZE = Pattern.compile("^([0-9]{1,12})\\s*(B|KB|KiB|MB|MiB|k|K|M)?$");

    final List<Path> inputs = new ArrayList<>();
    final List<Path> jmh = new ArrayList<>();
    final Map<ReportFormatType, Path> outputs = new EnumMap<>(ReportFormatType.class);
    final Set<String> failOn = new LinkedHashSet<>();
    final List<String> sourceRoots = new ArrayList<>();
    Path baseline;
    Path writeBaseline;
    Long markdownBudget;
    String sarifCategory;
    String docsUrl;
    boolean help;

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static Arguments parse(String[] args) throws UsageException {
        Arguments a = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                a.help = true;
                continue;
            }
            if (!name.startsWith("-")) {
                throw new UsageException("unexpected argument '" + arg + "'; input files are given with --in FILE");
            }
            if (!OPTIONS.contains(name)) {
                throw new UsageException("unknown option '" + name + "'; the options are " + String.join(", ",
                        OPTIONS) + " and --help");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new UsageException("option " + name + " needs a value: " + name + " " + VALUE.get(name));
                }
                value = args[++i];
            }
            if (value.isEmpty()) {
                throw new UsageException("option " + name + " needs a value: " + name + " " + VALUE.get(name)
                        + ", was empty");
            }
            a.set(name, value);
        }
        if (a.help) {
            return a;
        }
        if (a.inputs.isEmpty() && a.jmh.isEmpty()) {
            throw new UsageException("no input: give findings reports with --in FILE (repeatable) or JMH results "
                    + "with --jmh FILE");
        }
        if (a.outputs.isEmpty() && a.writeBaseline == null) {
            throw new UsageException("nothing to write: give at least one of --html, --md, --junit, --sarif or "
                    + "--write-baseline");
        }
        Set<Path> inputs = new java.util.HashSet<>();
        for (Path in : a.inputs) {
            if (!inputs.add(in.toAbsolutePath().normalize())) {
                throw new UsageException("--in " + in + " is given twice; its findings would be counted twice");
            }
        }
        Map<Path, String> seen = new HashMap<>();
        for (Map.Entry<ReportFormatType, Path> e : a.outputs.entrySet()) {
            checkOutput(seen, "--" + e.getKey().id(), e.getValue());
        }
        if (a.writeBaseline != null) {
            checkOutput(seen, "--write-baseline", a.writeBaseline);
        }
        return a;
    }

    private static void checkOutput(Map<Path, String> seen, String option, Path path) throws UsageException {
        String other = seen.put(path.toAbsolutePath().normalize(), option);
        if (other != null) {
            throw new UsageException(option + " " + path + ": the same file is already the output of " + other);
        }
        String problem = AtomicFiles.problemWith(path);
        if (problem != null) {
            throw new UsageException(option + " " + problem);
        }
    }

    private void set(String name, String value) throws UsageException {
        switch (name) {
            case "--in":
                inputs.add(Path.of(value));
                break;
            case "--jmh":
                jmh.add(Path.of(value));
                break;
            case "--html":
            case "--md":
            case "--junit":
            case "--sarif":
                ReportFormatType type = ReportFormatType.fromId(name.substring(2));
                if (outputs.put(type, Path.of(value)) != null) {
                    throw new UsageException("option " + name + " given twice; each format is written to one file");
                }
                break;
            case "--baseline":
                baseline = once(name, baseline, value);
                break;
            case "--write-baseline":
                writeBaseline = once(name, writeBaseline, value);
                break;
            case "--fail-on":
                for (String kind : value.split(",", -1)) {
                    String k = kind.trim().toUpperCase(Locale.ROOT);
                    if (!ReportData.KINDS.contains(k)) {
                        throw new UsageException("--fail-on " + value + ": '" + kind.trim() + "' is not a finding "
                                + "kind; expected a comma-separated list of " + String.join(", ", ReportData.KINDS));
                    }
                    failOn.add(k);
                }
                break;
            case "--source-root":
                sourceRoots.add(value);
                break;
            case "--md-budget":
                markdownBudget = size(name, value);
                break;
            case "--sarif-category":
                sarifCategory = value;
                break;
            case "--docs-url":
                if (!(value.startsWith("https://") || value.startsWith("http://")) || !value.endsWith("/")) {
                    throw new UsageException("--docs-url " + value + ": must be an http(s) URL ending in '/', "
                            + "where <KIND>.md pages are published");
                }
                docsUrl = value;
                break;
            default:
                throw new UsageException("unknown option '" + name + "'");
        }
    }

    private static Path once(String name, Path previous, String value) throws UsageException {
        if (previous != null) {
            throw new UsageException("option " + name + " given twice");
        }
        return Path.of(value);
    }

    static long size(String name, String value) throws UsageException {
        Matcher m = SIZE.matcher(value.trim());
        long bytes = -1;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2);
            switch (unit) {
                case "KB":
                case "k":
                    bytes = n * 1000;
                    break;
                case "KiB":
                case "K":
                    bytes = n * 1024;
                    break;
                case "MB":
                    bytes = n * 1000 * 1000;
                    break;
                case "MiB":
                case "M":
                    bytes = n * 1024 * 1024;
                    break;
                default:
                    bytes = n;
            }
        }
        if (bytes < 4096 || bytes > (1L << 40)) {
            throw new UsageException(name + " " + value + ": must be a size of at least 4KiB, such as 900KiB, "
                    + "1MiB or 500000 (bytes)");
        }
        return bytes;
    }

    FormatOptions formatOptions() {
        FormatOptions options = FormatOptions.defaults();
        if (markdownBudget != null) {
            options = options.withMarkdownBudget(markdownBudget);
        }
        if (!sourceRoots.isEmpty()) {
            options = options.withSourceRoots(sourceRoots);
        }
        if (sarifCategory != null) {
            options = options.withSarifCategory(sarifCategory);
        }
        if (docsUrl != null) {
            options = options.withDocsBaseUri(docsUrl);
        }
        Path html = outputs.get(ReportFormatType.HTML);
        if (html != null) {
            options = options.withHtmlReportName(html.getFileName().toString());
        }
        return options;
    }

    static final List<String> OPTIONS = List.of("--in", "--jmh", "--html", "--md", "--junit", "--sarif", "--baseline",
            "--write-baseline", "--fail-on", "--source-root", "--md-budget", "--sarif-category", "--docs-url");

    private static final Map<String, String> VALUE = Map.ofEntries(Map.entry("--in", "FILE"),
            Map.entry("--jmh", "FILE"), Map.entry("--html", "FILE"), Map.entry("--md", "FILE"),
            Map.entry("--junit", "FILE"), Map.entry("--sarif", "FILE"), Map.entry("--baseline", "FILE"),
            Map.entry("--write-baseline", "FILE"), Map.entry("--fail-on", "KIND[,KIND...]"),
            Map.entry("--source-root", "DIR"), Map.entry("--md-budget", "SIZE"),
            Map.entry("--sarif-category", "ID"), Map.entry("--docs-url", "URL"));
}
