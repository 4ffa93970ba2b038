package org.pvrun.cli;

import java.io.PrintStream;
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
            "  pvrun pipelines/quickstart.yaml                 render the quick start on this machine",
            "  pvrun pipelines/quickstart.yaml -s isovalue=180 override a param (typed like YAML)",
            "  pvrun pipelines/parallel.yaml --dry-run         print the plan and the exact commands",
            "  pvrun validate pipelines/*.yaml                 check specs without running them",
            "",
            "Exit status: 0 all tasks succeeded, 1 a task failed, 2 invalid input,",
            "3 environment (pvbatch missing, cannot connect), 130 interrupted.",
            "Docs: docs/README.md"},
        subcommands = {RunCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class PvrunCommand implements Runnable {
    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PvrunCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    boolean verbose(CommandLine line) {
        Object cmd = line.getCommand();
        return cmd instanceof RunCommand r && r.common.verbose;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pvrun " + org.pvrun.run.Versions.pvrun()};
        }
    }
}
