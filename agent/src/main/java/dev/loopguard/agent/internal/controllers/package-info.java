/**
 * Per-controller profiles (loop count, durations, failures, slow loops) from hooks on {@code Controller} step
 * methods and {@code ControllerRunner}, and the controller scope that names, through the recorder's enricher, the
 * controller a finding was raised in. Internal, not API.
 */
package dev.loopguard.agent.internal.controllers;
