package dev.loopguard.reports;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures the command line at scale: 20 shard files of 5,000 findings each (100,000 findings) merged and written to
 * all four formats by {@code java -Xmx512m -jar target/loopguard-reports.jar}, timed from process start to exit.
 * Not a test: figures depend on the machine, so they are measured and documented (docs/reports.md), never asserted.
 *
 * <pre>
 * mvn -B -pl reports -am package -DskipTests
 * java -cp reports/target/loopguard-reports.jar:reports/target/test-classes dev.loopguard.reports.ScaleRun [runs]
 * </pre>
 *
 * Two workloads: {@code distinct} (every finding its own site: 100,000 merged findings, the worst case for output
 * size) and {@code overlapping} (every shard sees the same 5,000 sites, as shards of one test suite do).
 */
public final class ScaleRun {

    private static final int SHARDS = 20;
    private static final int PER_SHARD = 5_000;
    private static final String[] KINDS = {"BLOCKING_CALL", "BLOCKING_CALL", "BLOCKING_CALL", "LOOP_STALL",
        "LOST_TASK", "UNHANDLED_FAILURE", "IGNORED_FUTURE", "PINNED_THREAD"};

    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path jar = Path.of(System.getProperty("jar", "reports/target/loopguard-reports.jar"));
        Path work = Path.of(System.getProperty("work", "reports/target/scale"));
        System.out.printf(Locale.ROOT, "java %s, %d CPUs, jar %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), jar);
        for (String workload : new String[] {"distinct", "overlapping"}) {
            List<Path> shards = generate(work.resolve(workload), workload.equals("distinct"));
            long bytes = 0;
            for (Path s : shards) {
                bytes += Files.size(s);
            }
            System.out.printf(Locale.ROOT, "%s: %d shards, %,d findings, %,d MB of JSON%n", workload, shards.size(),
                    SHARDS * PER_SHARD, bytes / 1_000_000);
            for (int run = 1; run <= runs; run++) {
                Path out = work.resolve(workload + "-out");
                Files.createDirectories(out);
                List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-jar", jar.toString()));
                for (Path s : shards) {
                    command.add("--in");
                    command.add(s.toString());
                }
                command.addAll(List.of("--html", out.resolve("r.html").toString(), "--md", out.resolve("r.md").toString(),
                        "--junit", out.resolve("r.xml").toString(), "--sarif", out.resolve("r.sarif").toString()));
                long start = System.nanoTime();
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(work.resolve(workload + "-run.log").toFile()).start();
                int status = p.waitFor();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "  run %d: %.2f s, exit %d; html %,d KB, md %,d KB, junit %,d KB, "
                                + "sarif %,d KB%n", run, seconds, status, kb(out.resolve("r.html")),
                        kb(out.resolve("r.md")), kb(out.resolve("r.xml")), kb(out.resolve("r.sarif")));
            }
        }
    }

    private static long kb(Path p) throws IOException {
        return Files.exists(p) ? Files.size(p) / 1024 : -1;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<Path> generate(Path dir, boolean distinct) throws IOException {
        Files.createDirectories(dir);
        List<Path> shards = new ArrayList<>();
        JsonFactory factory = new JsonFactory();
        for (int s = 0; s < SHARDS; s++) {
            Path file = dir.resolve("shard-" + s + ".json");
            shards.add(file);
            if (Files.exists(file)) {
                continue;
            }
            try (JsonGenerator g = factory.createGenerator(new File(file.toString()), JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("tool", "loopguard");
                g.writeStringField("version", "0.1.0-SNAPSHOT");
                g.writeObjectFieldStart("jvm");
                g.writeStringField("version", "17.0.15");
                g.writeStringField("vendor", "Debian");
                g.writeEndObject();
                g.writeStringField("startedAt", "2026-11-21T11:00:00Z");
                g.writeStringField("finishedAt", "2026-11-21T11:10:00Z");
                g.writeObjectFieldStart("options");
                g.writeStringField("report", "shard-" + s + ".json");
                for (String list : new String[] {"eventLoopThreads", "allow", "packages", "controllers",
                    "fireAndForget"}) {
                    g.writeArrayFieldStart(list);
                    g.writeEndArray();
                }
                g.writeStringField("stallThreshold", "100ms");
                g.writeArrayFieldStart("failOn");
                g.writeEndArray();
                g.writeStringField("mode", "report");
                g.writeStringField("tasks", "sampled");
                g.writeStringField("ignoredFutures", "default");
                g.writeEndObject();
                g.writeArrayFieldStart("findings");
                for (int i = 0; i < PER_SHARD; i++) {
                    int id = distinct ? s * PER_SHARD + i : i;
                    finding(g, id, s);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("profile");
                g.writeEndObject();
                g.writeArrayFieldStart("agentErrors");
                g.writeEndArray();
                g.writeEndObject();
            }
        }
        return shards;
    }

    /** A finding shaped like the agent's: a 12-frame stack, most of it framework frames shared by all. */
    private static void finding(JsonGenerator g, int id, int shard) throws IOException {
        String kind = KINDS[id % KINDS.length];
        String cls = "com.acme.gen.p" + (id % 97) + ".Handler" + id;
        String simple = "Handler" + id;
        String site = cls + ".handle(" + simple + ".java:" + (20 + id % 300) + ")";
        g.writeStartObject();
        g.writeStringField("kind", kind);
        g.writeStringField("thread", "loop-" + (shard % 4) + "-" + (id % 8));
        g.writeStringField("message", kind + " on event-loop thread 'loop-" + (shard % 4) + "' at " + site
                + ": every other task on this loop waits until it returns.");
        g.writeArrayFieldStart("stack");
        g.writeString("java.base/java.lang.Thread.sleep(Native Method)");
        g.writeString(site);
        g.writeString(cls + ".lambda$handle$0(" + simple + ".java:" + (10 + id % 300) + ")");
        for (int f = 0; f < 9; f++) {
            g.writeString("io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead"
                    + "(AbstractChannelHandlerContext.java:" + (400 + f) + ")");
        }
        g.writeEndArray();
        g.writeStringField("site", site);
        g.writeNumberField("count", 1 + id % 17);
        g.writeStringField("firstSeen", "2026-11-21T11:0" + (shard % 10) + ":00Z");
        g.writeStringField("lastSeen", "2026-11-21T11:0" + (shard % 10) + ":30Z");
        g.writeStringField("advice", "Move it off the loop with EventLoop.offload(...).");
        switch (kind) {
            case "BLOCKING_CALL":
                g.writeStringField("operation", "java.lang.Thread.sleep");
                break;
            case "LOOP_STALL":
                g.writeNumberField("durationMillis", 100 + id % 900);
                break;
            case "LOST_TASK":
                g.writeStringField("createdAt", site);
                g.writeStringField("reason", "discarded by ThreadPoolExecutor.DiscardPolicy");
                break;
            case "UNHANDLED_FAILURE":
                g.writeStringField("createdAt", site);
                g.writeObjectFieldStart("exception");
                g.writeStringField("type", "java.lang.IllegalStateException");
                g.writeStringField("message", "failure " + id);
                g.writeArrayFieldStart("stack");
                g.writeString(site);
                g.writeEndArray();
                g.writeEndObject();
                break;
            case "IGNORED_FUTURE":
                g.writeStringField("operation", "com.acme.gen.Client.call");
                g.writeStringField("returnType", "reactor.core.publisher.Mono");
                break;
            default:
                g.writeNumberField("durationMillis", 20 + id % 80);
                g.writeStringField("operation", "java.lang.Object.wait");
                break;
        }
        g.writeEndObject();
    }
}
