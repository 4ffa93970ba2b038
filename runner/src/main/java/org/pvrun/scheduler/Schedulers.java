package org.pvrun.scheduler;

import java.util.List;

/** The scheduler for a target's {@code scheduler:} value. */
public final class Schedulers {
    /** Every scheduler pvrun knows, as targets name them. */
    public static final List<String> NAMES = List.of("slurm", "pbs", "sge", "none");

    private Schedulers() {}

    /** One of {@link #NAMES}; anything else is an IllegalArgumentException listing them. */
    public static Scheduler forName(String name) {
        return switch (name) {
            case "slurm" -> new SlurmScheduler();
            case "pbs" -> new PbsScheduler();
            case "sge" -> new SgeScheduler();
            case "none" -> new NoScheduler();
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "': use "
                    + String.join(", ", NAMES.subList(0, NAMES.size() - 1)) + " or " + NAMES.get(NAMES.size() - 1));
        };
    }
}
