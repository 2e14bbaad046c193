package dev.loopguard.core;

/**
 * A controller's {@code initialize} or {@code start} failed, so starting it was aborted. The message names the
 * controller and the step; the cause is the controller's exception.
 */
public final class ControllerFailedException extends RuntimeException {

    private final String controller;
    private final String step;

    ControllerFailedException(String controller, String step, Throwable cause) {
        super("controller '" + controller + "' failed in " + step + "(): " + describe(cause)
                + "; starting it was aborted and it is now FAILED. Fix the cause and call start(\"" + controller
                + "\") again.", cause);
        this.controller = controller;
        this.step = step;
    }

    /** The name the controller was registered under. */
    public String controller() {
        return controller;
    }

    /** The step that failed: {@code initialize} or {@code start}. */
    public String step() {
        return step;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null ? cause.getClass().getName() : cause.getClass().getName() + ": " + message;
    }
}
