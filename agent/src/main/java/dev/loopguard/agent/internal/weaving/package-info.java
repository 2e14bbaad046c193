/**
 * Weaving hooks with the ASM relocated inside Byte Buddy: one class-file transformer, the hooks each detector
 * declares, and type filters that read hierarchies from class files without loading classes. Internal, not API.
 */
package dev.loopguard.agent.internal.weaving;
