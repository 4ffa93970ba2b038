package org.pvrun.scheduler;

/** The scheduler for a target's {@code scheduler:} value. */
public final class Schedulers {
    private Schedulers() {}

    /** "slurm", "pbs" or "none"; anything else is an IllegalArgumentException listing those. */
    public static Scheduler forName(String name) {
        return switch (name) {
            case "slurm" -> new SlurmScheduler();
            case "pbs" -> new PbsScheduler();
            case "none" -> new NoScheduler();
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "': use slurm, pbs or none");
        };
    }
}
