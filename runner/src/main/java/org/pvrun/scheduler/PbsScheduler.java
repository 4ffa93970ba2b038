package org.pvrun.scheduler;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * PBS Professional / OpenPBS: {@code qsub} to submit, {@code qstat -f -F json} for status, {@code qdel} to
 * cancel. There is no PBS server in Debian, so this is tested against output in the documented format
 * only (OpenPBS qstat(1B) and qsub(1B) man pages, PBS Professional Reference Guide).
 */
public final class PbsScheduler extends BatchScheduler {

    /**
     * PBS job states (qstat(1B) "S" column; PBS Professional Reference Guide, "Job States"):
     * https://github.com/openpbs/openpbs/blob/master/doc/man1/qstat.1B
     * F and X are decided by {@code Exit_status} in {@link #parseStatus}.
     */
    private static final Map<String, JobState> STATES = Map.ofEntries(
            Map.entry("B", JobState.RUNNING),   // array job: at least one subjob has started
            Map.entry("E", JobState.RUNNING),   // exiting after having run: exit file may not be there yet
            Map.entry("H", JobState.PENDING),   // held
            Map.entry("M", JobState.UNKNOWN),   // moved to another server: no longer visible here
            Map.entry("Q", JobState.PENDING),   // queued
            Map.entry("R", JobState.RUNNING),
            Map.entry("S", JobState.RUNNING),   // suspended: will resume, not over
            Map.entry("T", JobState.PENDING),   // being moved to a new location
            Map.entry("U", JobState.RUNNING),   // cycle-harvesting job suspended by keyboard activity
            Map.entry("W", JobState.PENDING));  // waiting for its submitter-assigned start time

    /** {@code 1234.server}, or {@code 1234[].server} for an array. */
    private static final Pattern JOB_ID = Pattern.compile("(\\d+(?:\\[\\])?(?:\\.[A-Za-z0-9_.-]+)?)");

    /**
     * qstat's JSON has been known to carry raw control characters and stray backslashes from job
     * environments (Variable_List); only job_state and Exit_status matter here, so read leniently.
     */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    public PbsScheduler() {
        super("pbs", List.of("qsub"), JOB_ID);
    }

    /**
     * Resources: partition (the queue, {@code -q}), account ({@code -A}), time ({@code walltime}), memory
     * (per node: {@code mem} in each chunk), nodes (number of chunks); {@code qos} has no PBS equivalent and,
     * like any other key, is rejected. Each chunk asks for {@code ceil(ranks / nodes)} CPUs and MPI
     * processes. Arrays use {@code -J 0-(N-1)}; PBS Pro rejects one-element arrays, so one element is a
     * plain job. The {@code %M} throttle on {@code -J} needs OpenPBS / PBS Pro 2020.1 or later.
     */
    @Override
    void checkResources(JobSpec job, JobResources res) {
        if (res.qos() != null) {
            throw new IllegalArgumentException("resource 'qos' has no PBS equivalent; remove it for a PBS target");
        }
    }

    @Override
    public List<String> arrayLimitCommand() {
        return List.of("qmgr", "-c", "list server");
    }

    /**
     * {@code max_array_size = 10000} in the server's attributes (PBS Professional Reference Guide: subjobs
     * in one array, 10000 when unset, and then not listed).
     */
    @Override
    public int parseArrayLimit(String stdout) {
        try {
            return BatchCommands.configNumber(stdout, "max_array_size", "qmgr -c 'list server'");
        } catch (IllegalArgumentException unset) {
            if (stdout.contains("Server ")) {
                return 10000;
            }
            throw unset;
        }
    }

    @Override
    String arrayIndexExpr(JobSpec job) {
        return BatchCommands.plusOffset("${PBS_ARRAY_INDEX:-0}", job);
    }

    @Override
    BatchCommands.Directives directives(JobSpec job, JobResources res, String jobDir) {
        boolean array = job.arraySize() > 1;
        int nodes = res.nodes() == null ? 1 : res.nodes();
        int perNode = (job.ranks() + nodes - 1) / nodes;

        BatchCommands.Directives d = new BatchCommands.Directives()
                .add("-N " + job.jobName())
                // ^array_index^ is replaced by PBS with the subjob's index in output paths
                .add("-o " + BatchCommands.outputFile(jobDir, job, "^array_index^"))
                .add("-j oe")
                // write the output file in place while the job runs (direct_write) instead of copying it at the end
                .add("-k od")
                .add("-l select=" + nodes + ":ncpus=" + perNode + ":mpiprocs=" + perNode
                        + (res.memory() == null ? "" : ":mem=" + res.memory().pbs()))
                .optional("-l walltime=", res.time())
                .optional("-q ", res.partition())
                .optional("-A ", res.account());
        if (array) {
            d.add("-J " + BatchCommands.zeroBasedRange(job));
        }
        return d;
    }

    /**
     * Full status as JSON ({@code -f -F json}, PBS Pro 18 and later), finished jobs included ({@code -x},
     * as long as the server keeps job history) and array subjobs listed one by one ({@code -t}). Pass the
     * ids qsub printed. qstat reports a job it no longer knows on stderr and exits non-zero, but still
     * prints the others: parse its standard output whatever the exit status.
     */
    @Override
    public List<String> statusCommand(Collection<String> jobIds) {
        return BatchCommands.withIds(List.of("qstat", "-f", "-F", "json", "-x", "-t"), jobIds);
    }

    /**
     * The {@code job_state} of every entry under {@code "Jobs"}, keyed by id as printed ({@code 1234.server},
     * {@code 1234[].server}, {@code 1234[3].server}). Finished jobs (F) and finished subjobs (X) are
     * COMPLETED when {@code Exit_status} is 0 or absent, else FAILED. Blank output is an empty map.
     */
    @Override
    public Map<String, JobState> parseStatus(String statusStdout) {
        Map<String, JobState> states = new LinkedHashMap<>();
        if (statusStdout.isBlank()) {
            return states;
        }
        JsonNode root;
        try {
            root = JSON.readTree(statusStdout);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("qstat output is not JSON (" + e.getOriginalMessage() + "):\n"
                    + BatchCommands.indent(statusStdout), e);
        }
        JsonNode jobs = root.path("Jobs");
        for (Map.Entry<String, JsonNode> job : jobs.properties()) {
            String code = job.getValue().path("job_state").asText("");
            JobState state;
            if (code.equals("F") || code.equals("X")) {
                JsonNode exit = job.getValue().path("Exit_status");
                state = exit.isMissingNode() || exit.asInt(0) == 0 ? JobState.COMPLETED : JobState.FAILED;
            } else {
                state = STATES.getOrDefault(code, JobState.UNKNOWN);
            }
            states.put(job.getKey(), state);
        }
        return states;
    }

    @Override
    public List<String> cancelCommand(Collection<String> jobIds) {
        return BatchCommands.withIds(List.of("qdel"), jobIds);
    }

    /** {@code 1234[].server} and index 3 give {@code 1234[3].server}. */
    @Override
    public String elementId(String jobId, int index, int arraySize) {
        if (arraySize <= 1) {
            return jobId;
        }
        if (!jobId.contains("[]")) {
            throw new IllegalArgumentException("'" + jobId + "' is not a PBS array job id (no [])");
        }
        return jobId.replace("[]", "[" + index + "]");
    }
}
