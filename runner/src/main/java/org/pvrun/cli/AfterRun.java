package org.pvrun.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.pvrun.ExitCode;
import org.pvrun.report.ComparisonResult;
import org.pvrun.report.Comparisons;
import org.pvrun.report.ImageComparison;
import org.pvrun.report.JUnitReport;
import org.pvrun.run.RunRecord;
import org.pvrun.run.RunResult;

/**
 * What follows a collected run, whichever command collected it (run, fetch after {@code --detach}, rerun):
 * the comparison with the spec's baseline, JUnit XML, the HTML report. What to do is kept in the run record
 * ({@link RunRecord.AfterRun}), so a process that only fetches the run does the same as the one that started it.
 */
final class AfterRun {
    private AfterRun() {}

    /** Where the messages go: the lines of results, warnings, and whether to be quiet or verbose. */
    record Out(PrintStream lines, PrintStream err, boolean quiet, boolean verbose) {}

    /** Does what the run record says; returns the exit status, TASK_FAILED when an image regressed. */
    static int apply(RunResult r, int exit, Out out) throws IOException {
        if (r.manifest() == null || r.runDir() == null || !RunRecord.exists(r.runDir())) {
            return exit;
        }
        RunRecord.AfterRun a = RunRecord.read(r.runDir()).afterRun();
        if (a == null || a.nothing()) {
            return exit;
        }
        List<ComparisonResult> cmp = List.of();
        if (a.baseline() != null) {
            Path baseline = Path.of(a.baseline());
            String other = Comparisons.otherPipeline(baseline, r.manifest());
            if (other != null) {
                out.err().println("pvrun: warning: " + other);
            }
            cmp = Comparisons.compare(r.runDir(), r.manifest(), baseline, ImageComparison.Thresholds.DEFAULT);
            long failed = cmp.stream().filter(c -> !c.passed()).count();
            CompareCommand.printResults(out.lines(), cmp, out.verbose());
            if (!out.quiet()) {
                out.lines().printf("pvrun: %d of %d image%s regressed against %s%n", failed, cmp.size(),
                        cmp.size() == 1 ? "" : "s", baseline);
            }
            if (failed > 0 && exit == ExitCode.OK) {
                exit = ExitCode.TASK_FAILED;
            }
        }
        if (a.junit() != null) {
            JUnitReport.write(r.manifest(), r.runDir(), cmp, Path.of(a.junit()));
        }
        if (a.report()) {
            // -q: the page is written all the same; cron mails nothing when all went well
            ReportHook.write(r.runDir(), r.manifest(), out.quiet()
                    ? new PrintStream(java.io.OutputStream.nullOutputStream()) : out.lines());
        }
        return exit;
    }
}
