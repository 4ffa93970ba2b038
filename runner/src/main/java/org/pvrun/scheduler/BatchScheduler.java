package org.pvrun.scheduler;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A scheduler that takes a job script with directive lines (Slurm, PBS, Grid Engine). Each renders its script
 * the same way: its resources read and checked, the view shared by all templates with its array index, its
 * directives, its template {@code NAME.sh.mustache}.
 */
abstract class BatchScheduler implements Scheduler {

    private final String name;
    private final List<String> submit;
    private final Pattern submitted;

    /**
     * @param name the scheduler's name in targets, also its template's ({@code NAME.sh.mustache})
     * @param submit the submit command, to which the job script's path is added
     * @param submitted a line of the submit command's output that gives the job id (group 1)
     */
    BatchScheduler(String name, List<String> submit, Pattern submitted) {
        this.name = name;
        this.submit = List.copyOf(submit);
        this.submitted = submitted;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> submitCommand(String jobScriptPath) {
        return Stream.concat(submit.stream(), Stream.of(jobScriptPath)).toList();
    }

    @Override
    public final String parseJobId(String submitStdout) {
        return BatchCommands.submittedId(submitStdout, submitted, String.join(" ", submit));
    }

    @Override
    public final String renderJobScript(JobSpec job) {
        JobResources res = JobResources.of(job.resources());
        checkResources(job, res);
        Map<String, Object> view = JobScripts.commonView(job, arrayIndexExpr(job));
        String jobDir = JobScripts.directivePath("jobDir", job.jobDir());
        view.put("directives", directives(job, res, jobDir).lines());
        addToView(view, job, jobDir);
        return JobScripts.render(name() + ".sh.mustache", view);
    }

    /**
     * The shell expression for the job's index in its round: the array index (0 for a plain job) plus the
     * array's offset when the round was split into several arrays.
     */
    abstract String arrayIndexExpr(JobSpec job);

    /** Refuses the resources this scheduler has no equivalent for (before anything else about the job). */
    void checkResources(JobSpec job, JobResources res) {}

    /** The directive lines; {@code jobDir} is checked to be fit for one. */
    abstract BatchCommands.Directives directives(JobSpec job, JobResources res, String jobDir);

    /** What this scheduler's template needs beyond the common view. */
    void addToView(Map<String, Object> view, JobSpec job, String jobDir) {}
}
