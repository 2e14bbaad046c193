package dev.loopguard.benchmarks;

import java.io.PrintStream;
import java.util.List;

/**
 * What every runner's {@code main} does with its arguments before any work: {@code --help} prints what it does and
 * its settings, and anything it does not take is refused with one line naming the argument and one usage line, exit
 * status 2, and no stack trace (a stack trace says "bug" to a reader; a typo is not one).
 */
final class CommandLine {

    /** The exit status of a command line that cannot be run as given. */
    static final int USAGE_ERROR = 2;
    /** Returned by {@link #screen} when the arguments are fine and the runner should go on. */
    static final int RUN = -1;

    /** The settings every JMH runner reads through {@link RunSettings}, for its {@code --help}. */
    static final String JMH_SETTINGS = """
            Settings (system properties; see docs/benchmarks.md):
              loopguard.agentJar            the agent jar (default agent/target/loopguard-agent.jar)
              loopguard.bench.output        where tables are written (default benchmarks/target)
              loopguard.bench.forks         JMH forks per benchmark and configuration (default 1)
              loopguard.bench.warmup        warm-up iterations x time per iteration (default 3x2s)
              loopguard.bench.measurement   measured iterations x time per iteration (default 5x2s)
              loopguard.bench.configs       configurations to run, comma-separated (default all)
              loopguard.bench.footprint     futures for the heap measurement, 0 to skip (default 500000)""";

    private final String name;
    private final String usage;
    private final String help;

    /**
     * @param name the runner's simple class name, which starts every line it prints about its arguments
     * @param usage the arguments it takes, e.g. {@code "[count]"}, or empty
     * @param help what it does and how it is configured, printed after the usage line by {@code --help}
     */
    CommandLine(String name, String usage, String help) {
        this.name = name;
        this.usage = usage;
        this.help = help;
    }

    /** The usage line, e.g. {@code usage: java -cp benchmarks/target/benchmarks.jar ...StartupCostRun [--help]}. */
    String usageLine() {
        return "usage: java [-Dloopguard.<setting>=<value> ...] -cp benchmarks/target/benchmarks.jar "
                + AgentOverheadRun.PREFIX + name + (usage.isEmpty() ? "" : " " + usage) + " [--help]";
    }

    /**
     * Looks at the arguments: {@code --help} or {@code -h} anywhere prints the help to {@code out} and gives 0;
     * more than {@code maxPositional} arguments, or an option, print the problem and the usage line to {@code err}
     * and give {@link #USAGE_ERROR}; otherwise {@link #RUN}.
     */
    int screen(String[] args, int maxPositional, PrintStream out, PrintStream err) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(usageLine());
                out.println();
                out.println(help);
                return 0;
            }
        }
        for (String arg : args) {
            if (arg.startsWith("-") && !(arg.length() > 1 && Character.isDigit(arg.charAt(1)))) {
                return refuse("unknown option '" + arg + "'", err);
            }
        }
        if (args.length > maxPositional) {
            return refuse((maxPositional == 0 ? "takes no arguments (settings are system properties, see --help)"
                    : "takes at most " + maxPositional + " argument(s)") + ", got " + List.of(args), err);
        }
        return RUN;
    }

    /** Prints {@code problem} and the usage line to {@code err}; gives {@link #USAGE_ERROR}. */
    int refuse(String problem, PrintStream err) {
        err.println(name + ": " + problem);
        err.println(usageLine());
        return USAGE_ERROR;
    }

    /** Ends the JVM with {@code status} unless it is {@link #RUN}; tells whether the runner goes on. */
    static boolean proceedOrExit(int status) {
        if (status == RUN) {
            return true;
        }
        System.out.flush();
        System.err.flush();
        System.exit(status);
        return false;
    }
}
