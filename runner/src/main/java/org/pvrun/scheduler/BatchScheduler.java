package org.pvrun.scheduler;

import java.util.Map;

/**
 * A scheduler that takes a job script with directive lines (Slurm, PBS, Grid Engine). Each renders its script
 * the same way: its resources read and checked, the view shared by all templates with its array index, its
 * directives, its template {@code NAME.sh.mustache}.
 */
abstract class BatchScheduler implements Scheduler {

    @Override
    public final String renderJobScript(JobSpec job) {
        JobResources res = JobResources.of(job.resources());
        checkResources(job, res);
        Map<String, Object> view = JobScripts.commonView(job, arrayIndexExpr());
        String jobDir = JobScripts.directivePath("jobDir", job.jobDir());
        view.put("directives", directives(job, res, jobDir).lines());
        addToView(view, jobDir);
        return JobScripts.render(name() + ".sh.mustache", view);
    }

    /** The shell expression for the array index in the job, 0 for a plain job. */
    abstract String arrayIndexExpr();

    /** Refuses the resources this scheduler has no equivalent for (before anything else about the job). */
    void checkResources(JobSpec job, JobResources res) {}

    /** The directive lines; {@code jobDir} is checked to be fit for one. */
    abstract BatchCommands.Directives directives(JobSpec job, JobResources res, String jobDir);

    /** What this scheduler's template needs beyond the common view. */
    void addToView(Map<String, Object> view, String jobDir) {}
}
