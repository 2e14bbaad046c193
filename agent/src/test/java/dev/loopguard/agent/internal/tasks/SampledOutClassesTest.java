package dev.loopguard.agent.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampledOutClassesTest {

    @Test
    void everyAdditionPublishesANewTableAndNeverChangesOneAlreadyPublished() {
        SampledOutClasses classes = new SampledOutClasses();
        List<int[]> published = new ArrayList<>();
        classes.publishTo(published::add);
        int[] first = published.get(0);
        assertThat(first).containsOnly(0);

        classes.add(String.class);
        classes.add(String.class);
        assertThat(published).as("the second addition of a class is no change").hasSize(2);
        assertThat(first).as("the table the bridge may still be probing").containsOnly(0);
        assertThat(published.get(1)).as("keyed by the name's hash, which the probe reads without calling the JVM")
                .contains("java.lang.String".hashCode());
        assertThat(classes.contains(String.class)).isTrue();
        assertThat(classes.contains(Integer.class)).isFalse();
    }

    @Test
    void growsBeforeItIsHalfFullSoThatEveryProbeEndsAtAnEmptySlot() {
        SampledOutClasses classes = new SampledOutClasses();
        List<int[]> published = new ArrayList<>();
        classes.publishTo(published::add);
        List<Class<?>> added = new ArrayList<>();
        for (int dimensions = 1; dimensions <= 100; dimensions++) {
            Class<?> type = Array.newInstance(Object.class, new int[dimensions]).getClass(); // a class of its own
            classes.add(type);
            added.add(type);
            int[] table = published.get(published.size() - 1);
            assertThat(Integer.bitCount(table.length)).isEqualTo(1);
            assertThat(Arrays.stream(table).filter(hash -> hash != 0).count())
                    .isEqualTo(classes.size()).isLessThanOrEqualTo(table.length / 2);
        }
        assertThat(classes.size()).isEqualTo(100);
        assertThat(published.get(published.size() - 1)).hasSizeGreaterThanOrEqualTo(256);
        assertThat(added).allMatch(classes::contains);
        assertThat(classes.contains(Object.class)).isFalse();
    }
}
