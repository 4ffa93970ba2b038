package org.pvrun.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import org.pvrun.results.Manifest;

/** {@code report: true} in a spec: the HTML report, written once the run is collected. */
final class ReportHook {
    private ReportHook() {}

    static void write(Path runDir, Manifest m, PrintStream out) throws java.io.IOException {
        Path page = org.pvrun.report.HtmlReport.write(runDir, m);
        out.println("  report: " + page);
    }
}
