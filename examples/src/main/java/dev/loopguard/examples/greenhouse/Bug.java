package dev.loopguard.examples.greenhouse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The mistakes the greenhouse can be run with, each one the asyncio guides warn about, each switched on by its option
 * name in {@code --bugs}. Off by default: the greenhouse is then written the way event-loop code should be, and the
 * Loopguard agent finds nothing in it.
 */
public enum Bug {

    /** The soil probe is read with the driver's blocking call inside the loop callback ({@link QuickReadInput}). */
    BLOCKING("blocking", "BLOCKING_CALL",
            "the soil probe is read with the driver's blocking read inside the loop callback"),
    /** The notifier is closed before the controllers stop, so the stop alert is dropped ({@link Greenhouse#stop()}). */
    LOST("lost", "LOST_TASK",
            "the notifier is shut down before the controllers, so the alert sent at stop is silently dropped"),
    /** The CO2 reading is fired and forgotten; a failed read is never seen ({@link InputController}). */
    UNHANDLED("unhandled", "UNHANDLED_FAILURE",
            "the CO2 input starts its read and returns at once; a failed read is never handled"),
    /** The alert controller drops the future of the delivery it started ({@link AlertController}). */
    IGNORED("ignored", "IGNORED_FUTURE",
            "the alert controller drops the future of each notification it sends"),
    /** The heater re-tunes itself on the loop thread, a CPU-heavy iteration ({@link HeaterController}). */
    STALL("stall", "LOOP_STALL",
            "the heater controller re-tunes its hysteresis on the loop thread, a CPU-heavy iteration");

    private final String option;
    private final String findingKind;
    private final String description;

    Bug(String option, String findingKind, String description) {
        this.option = option;
        this.findingKind = findingKind;
        this.description = description;
    }

    /** The name in {@code --bugs}: {@code blocking}, {@code lost}, ... */
    public String option() {
        return option;
    }

    /** The kind of finding the Loopguard agent reports for this mistake. */
    public String findingKind() {
        return findingKind;
    }

    /** What the mistake is, in one line. */
    public String description() {
        return description;
    }

    /** {@code blocking, lost, unhandled, ignored, stall}. */
    public static String options() {
        return Arrays.stream(values()).map(Bug::option).collect(Collectors.joining(", "));
    }

    /**
     * Reads a {@code --bugs} value: option names separated by commas, or {@code all} or {@code none}.
     *
     * @throws IllegalArgumentException naming the value that is not a bug mode and the accepted ones
     */
    public static Set<Bug> parse(String value) {
        Set<Bug> bugs = EnumSet.noneOf(Bug.class);
        String trimmed = value.trim();
        if (trimmed.equals("none")) {
            return bugs;
        }
        if (trimmed.equals("all")) {
            return EnumSet.allOf(Bug.class);
        }
        List<String> unknown = new ArrayList<>();
        for (String item : value.split(",", -1)) {
            String name = item.trim().toLowerCase(Locale.ROOT);
            Bug bug = Arrays.stream(values()).filter(b -> b.option.equals(name)).findFirst().orElse(null);
            if (bug == null) {
                unknown.add("'" + item + "'");
            } else {
                bugs.add(bug);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--bugs has " + String.join(", ", unknown)
                    + (unknown.size() == 1 ? ", which is not a bug mode" : ", which are not bug modes")
                    + "; expected bug modes separated by commas from " + options() + ", or all or none, was '"
                    + value + "'");
        }
        return bugs;
    }

    /** {@code blocking,stall} for the set, {@code none} when it is empty. */
    public static String format(Set<Bug> bugs) {
        return bugs.isEmpty() ? "none" : bugs.stream().map(Bug::option).collect(Collectors.joining(","));
    }
}
