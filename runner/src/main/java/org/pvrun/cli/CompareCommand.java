package org.pvrun.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.report.ComparisonResult;
import org.pvrun.report.Comparisons;
import org.pvrun.report.ImageComparison;
import org.pvrun.report.JUnitReport;
import org.pvrun.results.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code pvrun compare RUN BASELINE_DIR}: image regression of a finished run against a baseline (docs/regression.md). */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare a run's images with the images of the same name in a baseline directory "
                + "(BASELINE_DIR/NNNN/<path in the task>, as 'pvrun baseline' writes it).",
            "Difference images go to RUN/compare/. Exit 0 when all match, 1 when any regressed, 2 on bad input."},
        footerHeading = "%nExamples:%n",
        footer = {"  pvrun compare results/quickstart/20261126-051500-3fa2c1 baselines/quickstart",
            "  pvrun compare RUN baselines/quickstart --tolerance 4 --max-fraction 0.5%%",
            "  pvrun compare RUN baselines/quickstart --junit compare.xml"})
public final class CompareCommand extends PvrunSubcommand {
    @Mixin
    QuietOption quiet;

    @Mixin
    BaselineArguments args;

    @Option(names = "--tolerance", paramLabel = "N",
            description = "Largest per-pixel channel difference (0-255) still counted as the same (default: ${DEFAULT-VALUE}).")
    int tolerance = ImageComparison.Thresholds.DEFAULT.tolerance();

    @Option(names = "--max-fraction", paramLabel = "F", converter = FractionConverter.class,
            description = "Share of pixels allowed to differ beyond the tolerance: 0.001 or 0.1%% (default: ${DEFAULT-VALUE}).")
    double maxFraction = ImageComparison.Thresholds.DEFAULT.maxFraction();

    @Option(names = "--shift", paramLabel = "PIXELS",
            description = "Search this many pixels around each pixel for a match, absorbing anti-aliasing shifts; 0 = exact (default: ${DEFAULT-VALUE}).")
    int shift = ImageComparison.Thresholds.DEFAULT.shift();

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML: one test case per task and per image.")
    Path junit;

    @Mixin
    JsonOption json;

    /** One line per image (ok / REGRESSED, with the numbers) and the path of each difference image. */
    static void printResults(PrintStream lines, List<ComparisonResult> results, boolean showPassed) {
        for (ComparisonResult r : results) {
            if (r.passed() && !showPassed) {
                continue;
            }
            lines.printf(Locale.ROOT, "%-10s %s  %s%n", r.passed() ? "ok" : "REGRESSED", r.name(), r.summary());
            if (r.diffImage() != null) {
                lines.println("           diff: " + shown(r.diffImage()));
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        ImageComparison.Thresholds t;
        try {
            t = new ImageComparison.Thresholds(tolerance, maxFraction, shift);
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid(e.getMessage());
        }
        Path runDir = Comparisons.runDir(args.run);
        Path baseline = args.dir;
        Manifest m = Comparisons.readManifest(runDir);
        String other = Comparisons.otherPipeline(baseline, m);
        if (other != null) {
            parent.err.println("pvrun: warning: " + other); // even with -q: a wrong baseline is worth a mail
        }
        List<ComparisonResult> results;
        try {
            results = Comparisons.compare(runDir, m, baseline, t);
            if (results.isEmpty()) {
                throw PvrunException.invalid("nothing to compare: the run " + runDir + " has no image outputs and "
                        + baseline + " holds no images");
            }
            if (junit != null) {
                JUnitReport.write(m, runDir, results, junit);
            }
        } catch (IOException e) {
            throw PvrunException.environment("compare: cannot read or write " + e.getMessage() + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        // with --json, stdout carries only the JSON; regressions still reach the terminal on stderr
        printResults(json.json ? parent.err : parent.out, results, !(quiet.quiet || json.json));
        if (json.json) {
            printJson(Comparisons.toJson(runDir, baseline, t, results));
        } else if (!quiet.quiet) {
            parent.out.printf(Locale.ROOT, "pvrun: %d of %d image%s regressed against %s (%s)%n", failed, results.size(),
                    results.size() == 1 ? "" : "s", shown(baseline), t);
            if (junit != null) {
                parent.out.println("  junit: " + shown(junit));
            }
        }
        return failed == 0 ? ExitCode.OK : ExitCode.TASK_FAILED;
    }

    /** Paths under the working directory are shown relative to it, others as given. */
    static Path shown(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs) : p;
    }

    /** A share as a fraction (0.001) or a percentage (0.1%). */
    static final class FractionConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String v = value.strip();
            boolean percent = v.endsWith("%");
            double d;
            try {
                d = Double.parseDouble(percent ? v.substring(0, v.length() - 1).strip() : v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a fraction (0.001) or a percentage (0.1%)");
            }
            d = percent ? d / 100 : d;
            if (!(d >= 0 && d <= 1)) {
                throw new TypeConversionException("'" + value + "' is not between 0 and 1 (0 % and 100 %)");
            }
            return d;
        }
    }
}
