package dev.loopguard.reports;

import dev.loopguard.reports.internal.StackFrame;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The stable identity of a finding across runs, shards and edits: its kind, the class and method of its site, and
 * what it did there (the operation; for kinds without one, the exception type or why the task was lost). The line
 * number is left out on purpose, so that an edit above the site does not make a known finding new, and so are the
 * numbers the compiler gives lambdas and the JVM gives their classes.
 */
public final class Fingerprints {

    /** {@code lambda$run$0} becomes {@code lambda$run}: the number shifts when a lambda is added above. */
    private static final Pattern LAMBDA_NUMBER = Pattern.compile("^(lambda\\$.*)\\$\\d+$");
    /** {@code Pump$$Lambda$14/0x...} and {@code Pump$$Lambda/0x...}: hidden classes named at run time. */
    private static final Pattern HIDDEN_CLASS = Pattern.compile("\\$\\$Lambda.*$");

    private Fingerprints() {
    }

    /** A 32-digit hexadecimal fingerprint of {@code finding}. */
    public static String of(ReportFinding finding) {
        return hash(finding.kind() + '\u0000' + location(finding) + '\u0000' + discriminator(finding));
    }

    /**
     * The class and method a finding is anchored to, without its line: the site, else where the task or future was
     * created, else the innermost frame of the exception or of the stack.
     */
    static String location(ReportFinding finding) {
        String frame = finding.site();
        if (frame == null) {
            frame = finding.createdAt();
        }
        if (frame == null && finding.exception() != null && !finding.exception().stack().isEmpty()) {
            frame = finding.exception().stack().get(0);
        }
        if (frame == null && !finding.stack().isEmpty()) {
            frame = finding.stack().get(0);
        }
        if (frame == null) {
            return "";
        }
        StackFrame parsed = StackFrame.parse(frame);
        String className = HIDDEN_CLASS.matcher(parsed.className()).replaceFirst("");
        String method = LAMBDA_NUMBER.matcher(parsed.method()).replaceFirst("$1");
        return className + '.' + method;
    }

    private static String discriminator(ReportFinding finding) {
        if (finding.operation() != null) {
            return finding.operation();
        }
        if (finding.exception() != null) {
            return finding.exception().type();
        }
        if (finding.reason() != null) {
            return finding.reason();
        }
        return "";
    }

    private static String hash(String text) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        byte[] digest = sha.digest(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(32);
        for (int i = 0; i < 16; i++) {
            hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16)).append(Character.forDigit(digest[i] & 0xF, 16));
        }
        return hex.toString();
    }
}
