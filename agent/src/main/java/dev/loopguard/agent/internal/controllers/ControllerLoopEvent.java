package dev.loopguard.agent.internal.controllers;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One controller loop iteration, as JFR records it ({@code jfr print --events loopguard.ControllerLoop}). */
@Name("loopguard.ControllerLoop")
@Label("Controller Loop")
@Category("Loopguard")
@Description("One loop iteration of a controller: how long it took and whether it failed")
@StackTrace(false)
final class ControllerLoopEvent extends jdk.jfr.Event {
    @Label("Controller")
    String controller;

    @Label("Step")
    String step;

    @Label("Loop Duration")
    @Timespan(Timespan.NANOSECONDS)
    long loopDuration;

    @Label("Failed")
    boolean failed;

    @Label("Error")
    String error;

    @Label("Slow")
    @Description("Longer than the agent's stallThreshold")
    boolean slow;
}
