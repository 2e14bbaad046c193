package dev.loopguard.agent.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loopguard.agent.internal.futures.fixtures.RejectionHandlers;
import java.util.concurrent.RejectedExecutionHandler;
import org.junit.jupiter.api.Test;

/** Verdicts by defining loader and class name, and how a subclass that declares no handler method inherits one. */
class RejectionHandlerVerdictsTest {

    private static final String BASE = RejectionHandlers.InheritedBase.class.getName();
    private static final String SUB = RejectionHandlers.Inherits.class.getName();

    private final RejectionHandlerVerdicts verdicts = new RejectionHandlerVerdicts();
    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void aClassThatDeclaresTheMethodHasItsOwnVerdict() {
        verdicts.classVisited(loader, RejectionHandlers.DropsSilently.class.getName(), null, true);
        verdicts.classVisited(loader, RejectionHandlers.KeepsByRunning.class.getName(), null, false);

        assertThat(verdicts.neverKeepsTask(RejectionHandlers.DropsSilently.class)).isTrue();
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.KeepsByRunning.class)).isFalse();
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.KeepsInAList.class)).as("never recorded").isFalse();
    }

    @Test
    void theVerdictBelongsToTheClassOfThatNameInThatLoaderOnly() {
        verdicts.classVisited(new ClassLoader(loader) { }, RejectionHandlers.DropsSilently.class.getName(), null, true);
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.DropsSilently.class)).isFalse();
    }

    @Test
    void aSubclassInstrumentedAfterItsSuperclassInheritsItsVerdict() {
        verdicts.classVisited(loader, BASE, null, true);
        verdicts.classVisited(loader, SUB, BASE, null);
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.Inherits.class)).isTrue();
        assertThat(verdicts.waitingCount()).isZero();
    }

    @Test
    void aSubclassInstrumentedBeforeItsSuperclassWaitsForIt() {
        verdicts.classVisited(loader, SUB, BASE, null);
        assertThat(verdicts.waitingCount()).isEqualTo(1);
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.Inherits.class)).isFalse();

        verdicts.classVisited(loader, BASE, null, true);
        assertThat(verdicts.waitingCount()).isZero();
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.Inherits.class)).isTrue();
    }

    @Test
    void aSubclassWhoseSuperclassHasNoVerdictIsDroppedAndNotJudged() {
        verdicts.classVisited(loader, SUB, BASE, null);
        verdicts.classVisited(loader, BASE, null, null);
        assertThat(verdicts.waitingCount()).isZero();
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.Inherits.class)).isFalse();
    }

    @Test
    void aSubclassRecordedUnderAnotherSuperclassNameIsNotJudged() {
        verdicts.classVisited(loader, RejectionHandlers.DropsSilently.class.getName(), null, true);
        verdicts.classVisited(loader, SUB, RejectionHandlers.DropsSilently.class.getName(), null);
        assertThat(verdicts.neverKeepsTask(RejectionHandlers.Inherits.class)).isFalse();
    }

    @Test
    void waitingSubclassesAreCapped() {
        for (int i = 0; i < RejectionHandlerVerdicts.MAX_WAITING + 10; i++) {
            verdicts.classVisited(loader, "com.acme.Sub" + i, "com.acme.NeverLoaded", null);
        }
        assertThat(verdicts.waitingCount()).isEqualTo(RejectionHandlerVerdicts.MAX_WAITING);
        verdicts.classVisited(loader, "com.acme.NeverLoaded", null, null);
        assertThat(verdicts.waitingCount()).isZero();
    }

    @Test
    void lambdaHandlersAreNeverJudged() {
        RejectedExecutionHandler lambda = (task, executor) -> { };
        verdicts.classVisited(loader, lambda.getClass().getName(), null, true);
        assertThat(verdicts.neverKeepsTask(lambda.getClass())).isFalse();
    }
}
