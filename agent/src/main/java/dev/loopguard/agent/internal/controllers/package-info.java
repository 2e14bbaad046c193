/**
 * Per-controller profiles (loop count, durations, failures, slow loops) from hooks on {@code Controller} step
 * methods and {@code ControllerRunner}. Internal, not API.
 */
package dev.loopguard.agent.internal.controllers;
