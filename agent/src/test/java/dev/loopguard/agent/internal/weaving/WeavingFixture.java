package dev.loopguard.agent.internal.weaving;

/** Methods {@link HookWeaverTest} weaves hooks into, then loads and runs. */
public class WeavingFixture {
    private final String label;
    private int touched;

    public WeavingFixture(String label) {
        this.label = label;
    }

    public static double crunch(int n) {
        long total = 0;
        double scale = 1.5;
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                total += i;
            } else {
                total -= 1;
            }
        }
        try {
            total += Integer.parseInt(n > 5 ? "x" : "7");
        } catch (NumberFormatException e) {
            scale = 2.5;
        }
        return total * scale;
    }

    public double weigh(long grams, String unit, double factor) {
        double sum = 0;
        long left = grams;
        while (left > 0) {
            sum += factor * left--;
        }
        try {
            sum += unit.length();
        } catch (NullPointerException e) {
            return -1;
        }
        return sum;
    }

    public static int spin(int n) {
        while (n > 0) {
            n -= 2;
        }
        return n;
    }

    public int fail(RuntimeException failure) {
        if (failure != null) {
            throw failure;
        }
        return 0;
    }

    public int recover(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public boolean isDone(int value) {
        return value > 3;
    }

    public String greet(String name) {
        return name == null ? null : "hello " + name + " from " + label;
    }

    public void touch() {
        touched++;
    }

    public static String mixed(long count, String label, int small) {
        return label + ":" + (count + small);
    }

    public String tagged(long count, String label, int small) {
        count++;
        return this.label + "/" + label + ":" + (count * small);
    }

    public synchronized int locked(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative");
        }
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i;
        }
        return sum;
    }

    public static String classify(int code) {
        switch (code) {
            case 0:
                return "zero";
            case 1:
                return "one";
            case 2:
                return "two";
            case 3:
                return "three";
            default:
                return "many";
        }
    }

    @Override
    public String toString() {
        return "WeavingFixture(" + label + ")";
    }
}
