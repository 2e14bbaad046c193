package dev.loopguard.agent.internal.recording;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * A small streaming JSON writer with two-space indentation. It checks its own nesting so that a programming error
 * (a value without a name inside an object, an unclosed array) fails at once instead of writing broken JSON.
 */
public final class JsonWriter {
    private enum Scope { OBJECT, ARRAY }

    private final StringBuilder out = new StringBuilder();
    private final Deque<Scope> scopes = new ArrayDeque<>();
    private final Deque<Boolean> firstInScope = new ArrayDeque<>();
    private boolean nameWritten;
    private boolean started;

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        push(Scope.OBJECT);
        return this;
    }

    public JsonWriter endObject() {
        return end(Scope.OBJECT, '}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        push(Scope.ARRAY);
        return this;
    }

    public JsonWriter endArray() {
        return end(Scope.ARRAY, ']');
    }

    public JsonWriter name(String name) {
        if (scopes.peek() != Scope.OBJECT || nameWritten) {
            throw new IllegalStateException("JSON name '" + name + "' is only allowed directly inside an object");
        }
        separator();
        string(name);
        out.append(": ");
        nameWritten = true;
        return this;
    }

    public JsonWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        beforeValue();
        string(value);
        return this;
    }

    public JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("JSON number must be finite, was " + value);
        }
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /** Writes strings, numbers, booleans, null, {@link Iterable}s and {@link Map}s with string keys. */
    public JsonWriter value(Object value) {
        if (value == null) {
            return nullValue();
        } else if (value instanceof String) {
            return value((String) value);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return value(((Number) value).longValue());
        } else if (value instanceof Number) {
            return value(((Number) value).doubleValue());
        } else if (value instanceof Boolean) {
            return value(((Boolean) value).booleanValue());
        } else if (value instanceof Iterable) {
            beginArray();
            for (Object item : (Iterable<?>) value) {
                value(item);
            }
            return endArray();
        } else if (value instanceof Map) {
            beginObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                name(String.valueOf(e.getKey()));
                value(e.getValue());
            }
            return endObject();
        }
        throw new IllegalArgumentException("JSON value of type " + value.getClass().getName()
                + " is not supported: expected String, Number, Boolean, Iterable or Map");
    }

    /**
     * Moves what has been written so far to {@code sink} and forgets it, so that a large document is written in
     * pieces of bounded size instead of being held whole; {@link #toJson()} then returns only the rest.
     */
    public void drainTo(Appendable sink) throws java.io.IOException {
        sink.append(out);
        out.setLength(0);
    }

    /** The document; every object and array must be closed. */
    public String toJson() {
        if (!scopes.isEmpty()) {
            throw new IllegalStateException("JSON document is incomplete: " + scopes.size() + " open object(s)/array(s)");
        }
        return out.toString();
    }

    private void push(Scope scope) {
        scopes.push(scope);
        firstInScope.push(Boolean.TRUE);
    }

    private JsonWriter end(Scope scope, char close) {
        if (scopes.peek() != scope || nameWritten) {
            throw new IllegalStateException("JSON " + scope.name().toLowerCase() + " cannot be closed here");
        }
        scopes.pop();
        boolean empty = firstInScope.pop();
        if (!empty) {
            newline();
        }
        out.append(close);
        return this;
    }

    private void beforeValue() {
        Scope scope = scopes.peek();
        if (scope == Scope.OBJECT) {
            if (!nameWritten) {
                throw new IllegalStateException("JSON value inside an object needs a name first");
            }
            nameWritten = false;
        } else if (scope == Scope.ARRAY) {
            separator();
        } else if (started) {
            throw new IllegalStateException("JSON document has a single top-level value");
        }
        started = true;
    }

    private void separator() {
        if (firstInScope.peek()) {
            firstInScope.pop();
            firstInScope.push(Boolean.FALSE);
        } else {
            out.append(',');
        }
        newline();
    }

    private void newline() {
        out.append('\n');
        for (int i = 0; i < scopes.size(); i++) {
            out.append("  ");
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
