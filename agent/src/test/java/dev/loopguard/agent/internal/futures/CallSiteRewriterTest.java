package dev.loopguard.agent.internal.futures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.bootstrap.TaskBridge;
import dev.loopguard.agent.internal.futures.fixtures.DroppingCode;
import dev.loopguard.agent.internal.futures.fixtures.Repo;
import dev.loopguard.agent.internal.weaving.TypeHierarchy;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class CallSiteRewriterTest {

    private static final String FIXTURES = "dev.loopguard.agent.internal.futures.fixtures.";

    private final CallSites sites = new CallSites();
    private final List<Object[]> calls = new ArrayList<>();
    private ExecutorService executor;

    @BeforeEach
    void recordBridgeCalls() {
        executor = Executors.newSingleThreadExecutor();
        TaskBridge.install(new RecordingHandler());
    }

    @AfterEach
    void uninstall() {
        TaskBridge.install(null);
        executor.shutdownNow();
    }

    @Test
    void aDroppedMonoIsRewrittenToReportItsSite() throws Exception {
        Class<?> code = rewrite(policy(false, true));
        invoke(code, "dropsMono", new Repo());

        CallSite site = onlySite("dropsMono", CallSite.Disposition.DROPPED_PUBLISHER);
        assertThat(site.returnType()).isEqualTo("reactor.core.publisher.Mono");
        assertThat(site.operation()).isEqualTo(FIXTURES + "Repo.find");
        assertThat(site.frame()).isEqualTo(FIXTURES + "DroppingCode.dropsMono(DroppingCode.java:"
                + lineOf("dropsMono") + ")");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call[0]).isEqualTo("discarded");
            assertThat(call[1]).isInstanceOf(Mono.class);
            assertThat(call[2]).isEqualTo(site.id());
        });
    }

    @Test
    void aDroppedFutureOfAnApplicationMethodIsItsOwnDisposition() throws Exception {
        Class<?> code = rewrite(policy(false, false));
        invoke(code, "dropsApplicationFuture", new Repo());

        CallSite site = onlySite("dropsApplicationFuture", CallSite.Disposition.DROPPED_APPLICATION_FUTURE);
        assertThat(site.frame()).endsWith("(DroppingCode.java:" + lineOf("dropsApplicationFuture") + ")");
        assertThat(calls).singleElement().satisfies(call -> assertThat(call[0]).isEqualTo("discarded"));
    }

    @Test
    void aDroppedJdkFutureIsOnlyRewrittenWhenTrackingOrStrictNeedsTheSite() throws Exception {
        Class<?> untouched = rewrite(policy(false, false));
        invoke(untouched, "dropsJdkFuture", executor);
        assertThat(calls).isEmpty();
        assertThat(sitesIn("dropsJdkFuture")).isEmpty();

        Class<?> tracked = rewrite(policy(false, true));
        invoke(tracked, "dropsJdkFuture", executor);
        CallSite site = onlySite("dropsJdkFuture", CallSite.Disposition.DROPPED_FRAMEWORK_FUTURE);
        assertThat(site.operation()).isEqualTo("java.util.concurrent.ExecutorService.submit");
        assertThat(site.frame()).endsWith(":" + lineOf("dropsJdkFuture") + ")");
        assertThat(calls).singleElement().satisfies(call -> assertThat(call[1]).isInstanceOf(java.util.concurrent.Future.class));
    }

    @Test
    void aKeptFutureIsTaggedWithItsSiteAndStillReturned() throws Exception {
        Class<?> code = rewrite(policy(false, true));
        Repo repo = new Repo();
        Object returned = invoke(code, "keepsFuture", repo);

        assertThat(returned).isSameAs(repo.saved);
        CallSite site = onlySite("keepsFuture", CallSite.Disposition.RETURNED_FUTURE);
        assertThat(site.frame()).endsWith(":" + lineOf("keepsFuture") + ")");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call[0]).isEqualTo("created");
            assertThat(call[1]).isSameAs(repo.saved);
        });
    }

    @Test
    void aConstructedFutureIsTaggedAtItsNewExpression() throws Exception {
        Class<?> code = rewrite(policy(false, true));
        Object returned = invoke(code, "createsFuture");

        assertThat(returned).isInstanceOf(CompletableFuture.class);
        CallSite site = onlySite("createsFuture", CallSite.Disposition.RETURNED_FUTURE);
        assertThat(site.operation()).isEqualTo("java.util.concurrent.CompletableFuture.<init>");
        assertThat(site.frame()).endsWith(":" + lineOf("createsFuture") + ")");
        assertThat(calls).singleElement().satisfies(call -> assertThat(call[1]).isSameAs(returned));
    }

    @Test
    void aStageChainedAtOnceIsLeftAloneAndTheHeadAndLeafAreTagged() throws Exception {
        Class<?> code = rewrite(policy(false, true));
        Object leaf = invoke(code, "chainsStages", executor, 1L, CompletableFuture.completedFuture("!"));

        assertThat(((CompletableFuture<?>) leaf).get(10, TimeUnit.SECONDS)).isEqualTo("v1!");
        List<CallSite> tagged = sitesIn("chainsStages");
        assertThat(tagged).as("the head and the leaf; the three stages between are chained at once")
                .extracting(CallSite::operation).containsExactly(
                "java.util.concurrent.CompletableFuture.supplyAsync", "java.util.concurrent.CompletableFuture.handle");
        assertThat(tagged.get(0).frame()).endsWith(":" + lineOf("chainHead") + ")");
        assertThat(tagged.get(1).frame()).as("the leaf at its own line, across the lines of the chain")
                .endsWith(":" + lineOf("chainLeaf") + ")");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1)[1]).isSameAs(leaf);
    }

    @Test
    void aStageUnderAnEitherOrPassedAsAnArgumentIsStillTagged() throws Exception {
        Class<?> code = rewrite(policy(false, true));
        CompletableFuture<String> a = CompletableFuture.completedFuture(" a ");
        invoke(code, "racesAStage", a, new CompletableFuture<String>());
        assertThat(sitesIn("racesAStage")).extracting(CallSite::operation).containsExactly(
                "java.util.concurrent.CompletableFuture.thenApply",
                "java.util.concurrent.CompletableFuture.applyToEither");

        assertThat(((CompletableFuture<?>) invoke(code, "passesAStageOn", a)).get(10, TimeUnit.SECONDS))
                .isEqualTo("xa");
        assertThat(sitesIn("passesAStageOn")).extracting(CallSite::operation).containsExactly(
                "java.util.concurrent.CompletableFuture.completedFuture",
                "java.util.concurrent.CompletableFuture.thenApply",
                "java.util.concurrent.CompletableFuture.thenCombine");
    }

    @Test
    void receiverReturningCallsWaitsAndFireAndForgetMethodsAreNeverRewritten() throws Exception {
        Class<?> code = rewrite(policy(true, false));
        CompletableFuture<String> done = CompletableFuture.completedFuture("v");
        assertThat(invoke(code, "waitsAndChainsReceivers", done)).isEqualTo("v");
        invoke(code, "dropsFireAndForget", new Repo());
        assertThat(invoke(code, "dropsNothingInteresting", new StringBuilder())).isEqualTo(1);

        assertThat(calls).isEmpty();
        assertThat(sitesIn("waitsAndChainsReceivers")).isEmpty();
        assertThat(sitesIn("dropsFireAndForget")).isEmpty();
        assertThat(sitesIn("dropsNothingInteresting")).isEmpty();
    }

    @Test
    void theFireAndForgetOptionExemptsANamedMethod() throws Exception {
        CallSitePolicy exempt = new CallSitePolicy(name -> name.startsWith(FIXTURES), false,
                Set.of(FIXTURES + "Repo#save"), false);
        Class<?> code = rewrite(exempt);
        invoke(code, "dropsApplicationFuture", new Repo());
        assertThat(calls).isEmpty();
    }

    @Test
    void aDroppedShutdownNowListGoesToTheBridgeWithItsSite() throws Exception {
        Class<?> code = rewrite(policy(false, false));
        invoke(code, "dropsShutdownNow", Executors.newSingleThreadExecutor());
        assertThat(invoke(code, "keepsShutdownNow", Executors.newSingleThreadExecutor())).isInstanceOf(List.class);
        assertThat(sitesIn("keepsShutdownNow")).isEmpty();

        CallSite site = onlySite("dropsShutdownNow", CallSite.Disposition.DROPPED_UNRUN_TASKS);
        assertThat(site.frame()).endsWith(":" + lineOf("dropsShutdownNow") + ")");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call[0]).isEqualTo("unrunTasks");
            assertThat(call[1]).isInstanceOf(List.class);
        });
    }

    @Test
    void aDroppedFlowPublisherIsALazyPublisher() throws Exception {
        Class<?> code = rewrite(policy(false, false));
        invoke(code, "dropsFlowPublisher", new Repo());
        CallSite site = onlySite("dropsFlowPublisher", CallSite.Disposition.DROPPED_PUBLISHER);
        assertThat(site.returnType()).isEqualTo(Flow.Publisher.class.getName());
        assertThat(calls).singleElement().satisfies(call -> assertThat(call[1]).isInstanceOf(Flow.Publisher.class));
    }

    @Test
    void theClassifierReadsHierarchiesWithoutLoadingClasses() {
        ReturnTypeClassifier classifier = new ReturnTypeClassifier(TypeHierarchy.of(getClass().getClassLoader()));
        assertThat(classifier.classify("reactor.core.publisher.MonoJust")).isEqualTo(ResultKind.LAZY_PUBLISHER);
        assertThat(classifier.classify("java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask"))
                .isEqualTo(ResultKind.EAGER_FUTURE);
        assertThat(classifier.classify("java.lang.StringBuilder")).isEqualTo(ResultKind.OTHER);
        assertThat(classifier.classify("com.example.DoesNotExist")).isEqualTo(ResultKind.OTHER);
        assertThat(classifier.classifyReturn("()[Ljava/util/concurrent/Future;")).isEqualTo(ResultKind.OTHER);
    }

    @Test
    void aRewrittenClassBehavesAsBeforeWhenNoHandlerIsInstalled() throws Exception {
        TaskBridge.install(null);
        Class<?> code = rewrite(policy(true, true));
        Repo repo = new Repo();
        invoke(code, "dropsMono", repo);
        invoke(code, "dropsApplicationFuture", repo);
        assertThat(invoke(code, "keepsFuture", repo)).isSameAs(repo.saved);
        assertThat(((java.util.concurrent.Future<?>) invoke(code, "keepsSubmit", executor)).get(10, TimeUnit.SECONDS))
                .isNull();
    }

    // -------------------------------------------------------------------------------------------------------------

    private CallSitePolicy policy(boolean strict, boolean trackFutures) {
        return new CallSitePolicy(name -> name.startsWith(FIXTURES), strict, Set.of(), trackFutures);
    }

    private CallSite onlySite(String method, CallSite.Disposition disposition) {
        List<CallSite> matching = sitesIn(method);
        assertThat(matching).as("sites in %s", method).hasSize(1);
        assertThat(matching.get(0).disposition()).isEqualTo(disposition);
        return matching.get(0);
    }

    private List<CallSite> sitesIn(String method) {
        List<CallSite> matching = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            if (sites.get(i).frame().contains(".DroppingCode." + method + "(")) {
                matching.add(sites.get(i));
            }
        }
        return matching;
    }

    private Class<?> rewrite(CallSitePolicy policy) throws IOException, ClassNotFoundException {
        String name = DroppingCode.class.getName();
        byte[] original;
        try (InputStream in = DroppingCode.class.getResourceAsStream("DroppingCode.class")) {
            original = in.readAllBytes();
        }
        TypeHierarchy pool = TypeHierarchy.of(getClass().getClassLoader());
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new CallSiteClassVisitor(writer, pool, new ReturnTypeClassifier(pool), policy, sites), 0);
        byte[] rewritten = writer.toByteArray();
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(name)) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> loaded = findLoadedClass(className);
                        return loaded != null ? loaded : defineClass(className, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        };
        return loader.loadClass(name);
    }

    private static Object invoke(Class<?> code, String method, Object... args) throws Exception {
        for (Method m : code.getMethods()) {
            if (m.getName().equals(method)) {
                return m.invoke(null, args);
            }
        }
        throw new IllegalArgumentException("no method " + method);
    }

    /** The line of the fixture statement marked {@code // LINE name}. */
    private static int lineOf(String marker) throws IOException {
        Path source = Path.of("src/test/java/dev/loopguard/agent/internal/futures/fixtures/DroppingCode.java");
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// LINE " + marker)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no line marked " + marker);
    }

    private final class RecordingHandler implements TaskBridge.Handler {
        @Override public void discarded(Object value, int site) { calls.add(new Object[] {"discarded", value, site}); }
        @Override public void created(Object value, int site) { calls.add(new Object[] {"created", value, site}); }
        @Override public void completed(Object future) { }
        @Override public void used(Object future, int use) { }
        @Override public void allOrAny(Object[] futures) { }
        @Override public void rejected(Runnable task, Object executor, Object policy) { }
        @Override public void unrunTasks(Object tasks, Object executor, int site) {
            calls.add(new Object[] {"unrunTasks", tasks, site});
        }
        @Override public void uncaught(Thread thread, Throwable failure) { }
    }
}
