/**
 * What the task detectors share: the detector context they are wired with and the lost-task findings. Internal,
 * not API.
 */
package dev.loopguard.agent.internal.tasks;
