package org.pvrun.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code pvrun} command; {@code pvrun SPEC.yaml} is {@code pvrun run SPEC.yaml}. */
@Command(name = "pvrun",
        mixinStandardHelpOptions = true,
        versionProvider = PvrunCommand.Version.class,
        description = "Runs ParaView pvbatch pipelines headless: on this machine, or on a Slurm/PBS cluster over SSH.",
        synopsisSubcommandLabel = "[COMMAND]",
        customSynopsis = {"pvrun [OPTIONS] SPEC.yaml", "pvrun COMMAND [OPTIONS] ..."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  pvrun pipelines/quickstart.yaml                render the quick start here",
            "  pvrun pipelines/quickstart.yaml -s width=1920  override a param",
            "  pvrun pipelines/parallel.yaml --dry-run        the plan and exact commands",
            "  pvrun validate pipelines/*.yaml                check specs, run nothing",
            "",
            "Exit status: 0 all tasks succeeded, 1 a task failed, 2 invalid input,",
            "3 environment (pvbatch missing, cannot connect), 130 interrupted.",
            "Docs: docs/README.md"})
public final class PvrunCommand implements java.util.concurrent.Callable<Integer> {
    /** The commands, in the order help lists them (registered by {@link CommandLineFactory}). */
    static final List<Class<?>> COMMANDS = List.of(RunCommand.class, ValidateCommand.class, StatusCommand.class,
            LogsCommand.class, FetchCommand.class, CancelCommand.class, ListCommand.class, RerunCommand.class,
            DoctorCommand.class, CompareCommand.class, BaselineCommand.class, ServeCommand.class, InitCommand.class,
            CompletionCommand.class, ReportCommand.class, PruneCommand.class, CommandLine.HelpCommand.class);

    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Declared once here and inherited by every command, so each honours it (in the error handler too). */
    @CommandLine.Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Print the commands pvrun runs, and stack traces on errors.")
    boolean verbose;

    PvrunCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** Bare {@code pvrun}: a usage mistake like any other (exit 2), with the help on stderr, so scripts notice. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        err.println("pvrun: give a spec (pvrun SPEC.yaml) or a command (pvrun help)");
        return org.pvrun.ExitCode.INVALID_INPUT;
    }

    /**
     * {@code pvrun --version}: pvrun's version and the local ParaView's, the two a bug report needs. A missing
     * pvbatch is a line of the answer, not a failure: --version is what people run to find out.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public String[] getVersion() {
            // the root's environment (the tests' injected one), also when a subcommand borrows this provider
            Map<String, String> env = spec != null && spec.root().userObject() instanceof PvrunCommand top ? top.env : System.getenv();
            return new String[] {"pvrun " + org.pvrun.util.Versions.pvrun(), paraview(env),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }

        /** "ParaView 5.11.0 (/usr/bin/pvbatch)", or why not, with how to install it. */
        static String paraview(Map<String, String> env) {
            java.nio.file.Path pvbatch;
            try {
                pvbatch = org.pvrun.run.Pvbatch.locate(env);
            } catch (org.pvrun.PvrunException e) {
                return "ParaView: not found (" + e.getMessage() + ")";
            }
            try {
                return "ParaView " + org.pvrun.run.Pvbatch.version(pvbatch) + " (" + pvbatch + ")";
            } catch (org.pvrun.PvrunException e) {
                return "ParaView: unknown (" + e.getMessage().lines().findFirst().orElse("") + ")";
            }
        }
    }
}
