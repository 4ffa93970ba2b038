package org.pvrun.bench;

/**
 * One benchmark case of {@code bench/run}. To add one: implement this (usually with a {@link Comparison} of the
 * reference tool against pvrun's way, or {@link Bench.Context#figure} for a single value such as a byte count) and
 * list it in {@link Bench#CASES}. Keep data under {@link Bench.Context#local()} / {@link Bench.Context#remote()}
 * (both removed afterwards) and the case under a minute or two.
 */
public interface BenchCase {
    /** The name on the command line, e.g. {@code large-download}. */
    String id();

    /** The heading in the report. */
    String title();

    /** One or two sentences for the report: what is measured, against what. */
    String description();

    /** Whether {@code bench/run --quick} (the CI smoke check) runs it, with small data. */
    default boolean quick() {
        return false;
    }

    /** Sets up its data, measures, and reports tables and figures through {@code ctx}. */
    void run(Bench.Context ctx) throws Exception;
}
