/**
 * The event loop, virtual time, controllers, async utilities, task control and the duration syntax. No
 * dependencies. The agent recognises some names here by string (docs/ARCHITECTURE.md, "The contract between core
 * and the agent"): renaming them breaks it.
 */
package dev.loopguard.core;
