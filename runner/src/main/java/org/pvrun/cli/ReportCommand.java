package org.pvrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.report.Comparisons;
import org.pvrun.report.HtmlReport;
import org.pvrun.results.Manifest;
import org.pvrun.results.ManifestIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pvrun report [RUN]}: writes RUN/report.html, one self-contained page of the run (docs/report.md). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write report.html into a run's directory: its images, tasks, comparison and provenance on one page.",
            "A gallery of the images (click to enlarge), each task's params, status, exit code and log tail, the baseline "
                + "and difference images of the last 'pvrun compare', and the provenance. One self-contained file: images "
                + "are embedded (linked by relative path past 50 MB), nothing is fetched. Prints the path of report.html. "
                + "Exit 2 when the run has no manifest (not finished)."},
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun report                                      the newest run",
            "  pvrun report results/quickstart/20261126-051500-3fa2c1",
            "  xdg-open \"$(pvrun report 20261126-0515)\""})
public final class ReportCommand extends PvrunSubcommand {
    @Mixin
    RunArgument run;

    @Override
    public Integer call() {
        Path dir = run.dir(parent.env);
        if (!Files.isRegularFile(dir.resolve(ManifestIO.FILE))) {
            throw PvrunException.invalid("no manifest in " + dir + ": the run has not finished (see 'pvrun status'; "
                    + "'pvrun fetch' collects a run whose runner stopped)");
        }
        Manifest m = Comparisons.readManifest(dir);
        Path file;
        try {
            file = HtmlReport.write(dir, m);
        } catch (IOException e) {
            throw PvrunException.environment("report: cannot write " + dir.resolve(HtmlReport.FILE) + ": " + e.getMessage(), e);
        }
        parent.out.println(file);
        return ExitCode.OK;
    }
}
