package dev.loopguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.core.ControllerRunner;
import dev.loopguard.core.EventLoop;
import dev.loopguard.core.EventLoopThread;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;

/**
 * The names of {@code core} that the agent recognises without linking against it (docs/ARCHITECTURE.md, "The
 * contract between core and the agent"). The agent's hooks and its pending-task records look these up by name; a
 * rename in {@code core} would switch a detector off without an error, so this test names each one. Change it only
 * together with the agent code that uses the name.
 */
class CoreContractTest {

    /** How the agent tells core's own wrappers from a caller's task ({@code PendingLoopTasks}). */
    private static final String LOOP_NESTED = "dev.loopguard.core.EventLoop$";
    private static final String LOOP_SCHEDULED_TASK = "dev.loopguard.core.ScheduledTask";

    @Test
    void theLoopsThreadIsAnEventLoopThread() throws Exception {
        try (EventLoop loop = EventLoop.builder().name("contract-loop").build()) {
            assertThat(loop.submit(() -> Thread.currentThread() instanceof EventLoopThread).get()).isTrue();
            assertThat(EventLoopThread.class.getName()).isEqualTo("dev.loopguard.core.EventLoopThread");
        }
    }

    @Test
    void theLoopDeclaresEveryMethodTheAgentHooks() throws Exception {
        Class<?> loop = EventLoop.class;
        assertThat(loop.getName()).isEqualTo("dev.loopguard.core.EventLoop");
        assertThat(loop.getDeclaredMethod("awaitTask").getParameterCount()).isZero();
        assertThat(loop.getDeclaredMethod("runTask", Runnable.class)).isNotNull();
        assertThat(loop.getDeclaredMethod("terminate")).isNotNull();
        assertThat(loop.getDeclaredMethod("enqueue", Runnable.class, long.class, boolean.class)).isNotNull();
        assertThat(loop.getDeclaredMethod("warnAboutUnrunTasks", List.class)).isNotNull();
        assertThat(declared(loop, "scheduleTask")).as("scheduleTask, hooked by its four arguments")
                .singleElement().satisfies(m -> assertThat(m.getParameterCount()).isEqualTo(4));
        assertThat(loop.getDeclaredField("thread").getType()).as("the field the scheduleTask hook reads")
                .isAssignableTo(EventLoopThread.class);
    }

    @Test
    void theQueueEntryThatRunTaskReceivesHoldsTheQueuedTaskInAFieldNamedTask() throws Exception {
        Class<?> entry = EventLoop.class.getDeclaredMethod("awaitTask").getReturnType();
        assertThat(entry.getName()).as("what awaitTask hands to runTask").isEqualTo("dev.loopguard.core.QueuedTask");
        assertThat(entry.getDeclaredField("task").getType()).isEqualTo(Runnable.class);
    }

    @Test
    void theLoopsWrappersAroundACallersTaskAreRecognisedByNameAndHoldItInAFieldNamedTask() throws Exception {
        try (EventLoop loop = EventLoop.builder().name("contract-loop").build()) {
            Callable<String> callersTask = () -> "done";
            CompletableFuture<String> submitted = loop.submit(callersTask);
            assertThat(submitted.getClass().getName()).startsWith(LOOP_NESTED);
            assertThat(taskField(submitted)).isSameAs(callersTask);

            Runnable callersRunnable = () -> { };
            Object adapter = taskField(loop.submit(callersRunnable));
            assertThat(adapter.getClass().getName()).as("the Runnable-to-Callable adapter").startsWith(LOOP_NESTED);
            assertThat(taskField(adapter)).isSameAs(callersRunnable);

            ScheduledFuture<String> scheduled = loop.schedule(callersTask, Duration.ofHours(1));
            assertThat(scheduled.getClass().getName()).isEqualTo(LOOP_SCHEDULED_TASK);
            assertThat(taskField(scheduled)).isSameAs(callersTask);
            scheduled.cancel(false);
        }
    }

    @Test
    void theRunnerDeclaresEveryMethodTheAgentHooks() {
        Class<?> runner = ControllerRunner.class;
        assertThat(runner.getName()).isEqualTo("dev.loopguard.core.ControllerRunner");
        assertThat(declared(runner, "register")).isNotEmpty()
                .allSatisfy(m -> assertThat(m.getParameterTypes()[0]).isEqualTo(String.class));
        assertThat(declared(runner, "healthCheck")).anySatisfy(m -> assertThat(m.getParameterTypes())
                .containsExactly(String.class));
        assertThat(declared(runner, "state")).anySatisfy(m -> assertThat(m.getParameterTypes())
                .containsExactly(String.class));
        assertThat(declared(runner, "healthCheckAll")).anySatisfy(m -> assertThat(m.getParameterCount()).isZero());
        assertThat(declared(runner, "stop")).anySatisfy(m -> assertThat(m.getParameterTypes())
                .containsExactly(String.class, Duration.class));
        assertThat(declared(runner, "stopAll")).anySatisfy(m -> assertThat(m.getParameterTypes())
                .containsExactly(Duration.class));
    }

    private static List<Method> declared(Class<?> type, String name) {
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name) && !m.isSynthetic())
                .toList();
    }

    private static Object taskField(Object wrapper) throws ReflectiveOperationException {
        Field f = wrapper.getClass().getDeclaredField("task");
        f.setAccessible(true);
        return f.get(wrapper);
    }
}
