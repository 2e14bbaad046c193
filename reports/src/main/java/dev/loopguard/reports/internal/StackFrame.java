package dev.loopguard.reports.internal;

/**
 * One {@link StackTraceElement#toString()} string taken apart: {@code app//com.acme.Pump.run(Pump.java:41)} is class
 * {@code com.acme.Pump}, method {@code run}, file {@code Pump.java}, line 41. Frames the parser cannot take apart keep
 * the whole text as the class name, so nothing is lost.
 *
 * @param className the class, without a module or class-loader prefix
 * @param method the method name
 * @param fileName the source file name, or null ({@code Native Method}, {@code Unknown Source})
 * @param line the line number, or 0 when unknown
 */
public record StackFrame(String className, String method, String fileName, int line) {

    public static StackFrame parse(String frame) {
        int open = frame.indexOf('(');
        String qualified = open < 0 ? frame : frame.substring(0, open);
        // JDK 9+ prefixes the class loader and module: "app//com.acme.X.y", "java.base/java.lang.Thread.sleep".
        qualified = qualified.substring(qualified.lastIndexOf('/') + 1);
        int dot = qualified.lastIndexOf('.');
        if (dot <= 0) {
            return new StackFrame(frame, "", null, 0);
        }
        String className = qualified.substring(0, dot);
        String method = qualified.substring(dot + 1);
        String fileName = null;
        int line = 0;
        int close = frame.lastIndexOf(')');
        if (open >= 0 && close > open) {
            String location = frame.substring(open + 1, close);
            int colon = location.lastIndexOf(':');
            if (colon > 0) {
                fileName = location.substring(0, colon);
                try {
                    line = Integer.parseInt(location.substring(colon + 1));
                } catch (NumberFormatException e) {
                    line = 0;
                }
            } else if (location.endsWith(".java") || location.endsWith(".kt")) {
                fileName = location;
            }
        }
        return new StackFrame(className, method, fileName, line);
    }

    /** The class's simple name with its enclosing classes, as written in the source: {@code Pump$Inner}. */
    public String simpleClassName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** The top-level class the frame's code is in, the one its source file is named after. */
    public String topLevelClassName() {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }
}
