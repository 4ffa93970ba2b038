package org.pvrun.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import picocli.CommandLine;

/** Builds the configured picocli CommandLine; used by {@link Main} and by the tests alike. */
public final class CommandLineFactory {
    private CommandLineFactory() {}

    public static CommandLine create(PrintStream out, PrintStream err, Map<String, String> env) {
        return create(out, err, env, null);
    }

    /**
     * The command line with every command, or with {@code only} that one: building all sixteen costs about
     * 0.1 s of a run's start-up (picocli reads each command's annotations), a twentieth of a small render.
     */
    static CommandLine create(PrintStream out, PrintStream err, Map<String, String> env, String only) {
        PvrunCommand top = new PvrunCommand(out, err, env);
        CommandLine cl = new CommandLine(top);
        for (Class<?> c : PvrunCommand.COMMANDS) {
            if (only == null || only.equals(name(c))) {
                cl.addSubcommand(c); // before the settings below, which apply to the commands registered so far
            }
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            boolean verbose = top.verbose;
            if (ex instanceof PvrunException pe) {
                err.println("pvrun: " + pe.getMessage().replace("\n", "\n  ").replace("\n  pvrun: ", "\n"));
                if (verbose) {
                    pe.printStackTrace(err); // where pvrun gave up, and what it caught
                }
                return pe.exitCode();
            }
            err.println("pvrun: internal error: " + ex);
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                err.println("  (run with --verbose for the stack trace)");
            }
            return 70;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            err.println("pvrun: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("  see '" + c.getCommandSpec().qualifiedName() + " --help'");
            return ExitCode.INVALID_INPUT;
        });
        return cl;
    }

    /**
     * {@code pvrun SPEC.yaml ...} means {@code pvrun run SPEC.yaml ...}: the first argument after the options every
     * command inherits ({@code pvrun -v SPEC.yaml}) names no command.
     */
    public static String[] normalize(String[] args) {
        int first = firstWord(args);
        if (first == args.length || NAMES.contains(args[first])
                || List.of("-h", "--help", "-V", "--version").contains(args[first])) {
            return args;
        }
        List<String> out = new ArrayList<>();
        out.add("run");
        out.addAll(List.of(args));
        return out.toArray(String[]::new);
    }

    /** Builds the command line and runs it with {@code pvrun SPEC} shorthand applied; returns the exit status. */
    public static int execute(PrintStream out, PrintStream err, Map<String, String> env, String... args) {
        String[] argv = normalize(args);
        int first = firstWord(argv);
        String word = first < argv.length ? argv[first] : null;
        // one command's model is enough to run it; help, completion and mistakes get them all
        String only = word != null && NAMES.contains(word) && !List.of("help", "completion").contains(word) ? word : null;
        return create(out, err, env, only).execute(argv);
    }

    /** Where the command's name is: after the inherited options given before it. */
    private static int firstWord(String[] args) {
        int i = 0;
        while (i < args.length && INHERITED.contains(args[i])) {
            i++;
        }
        return i;
    }

    /** The options {@link PvrunCommand} declares for every command (they take no value). */
    private static final java.util.Set<String> INHERITED = java.util.Set.of("-v", "--verbose");

    private static final java.util.Set<String> NAMES = PvrunCommand.COMMANDS.stream().map(CommandLineFactory::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static String name(Class<?> command) {
        return command.getAnnotation(CommandLine.Command.class).name();
    }
}
