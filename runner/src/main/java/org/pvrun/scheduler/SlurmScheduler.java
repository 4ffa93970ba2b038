package org.pvrun.scheduler;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Slurm: {@code sbatch --parsable} to submit, {@code squeue} for status, {@code scancel} to cancel, and
 * {@code sacct} / {@code scontrol show job} as fallbacks when the queue has forgotten a job. Written and
 * tested against Slurm 22.05.
 */
public final class SlurmScheduler extends BatchScheduler {

    private record Code(String code, String name, JobState state) {}

    /**
     * Slurm job states by short code (squeue {@code %t}) and by name (sacct, scontrol {@code JobState=}):
     * https://slurm.schedmd.com/squeue.html#SECTION_JOB-STATE-CODES
     */
    private static final List<Code> CODES = List.of(
            new Code("BF", "BOOT_FAIL", JobState.FAILED),        // launch failure, typically hardware
            new Code("CA", "CANCELLED", JobState.CANCELLED),
            new Code("CD", "COMPLETED", JobState.COMPLETED),
            new Code("CF", "CONFIGURING", JobState.PENDING),     // allocated, nodes still booting
            new Code("CG", "COMPLETING", JobState.RUNNING),      // processes may linger: exit file maybe not yet written
            new Code("DL", "DEADLINE", JobState.TIMEOUT),        // terminated on its --deadline
            new Code("F", "FAILED", JobState.FAILED),
            new Code("NF", "NODE_FAIL", JobState.FAILED),
            new Code("OOM", "OUT_OF_MEMORY", JobState.FAILED),
            new Code("PD", "PENDING", JobState.PENDING),
            new Code("PR", "PREEMPTED", JobState.FAILED),        // terminated by preemption (a requeue shows as PD)
            new Code("R", "RUNNING", JobState.RUNNING),
            new Code("RD", "RESV_DEL_HOLD", JobState.PENDING),   // held after its reservation was deleted
            new Code("RF", "REQUEUE_FED", JobState.PENDING),
            new Code("RH", "REQUEUE_HOLD", JobState.PENDING),
            new Code("RQ", "REQUEUED", JobState.PENDING),
            new Code("RS", "RESIZING", JobState.RUNNING),
            new Code("RV", "REVOKED", JobState.UNKNOWN),         // federation: runs on a sibling cluster, if at all
            new Code("SE", "SPECIAL_EXIT", JobState.FAILED),     // requeued and held after a special exit value
            new Code("SI", "SIGNALING", JobState.RUNNING),
            new Code("SO", "STAGE_OUT", JobState.RUNNING),
            new Code("ST", "STOPPED", JobState.RUNNING),         // SIGSTOPped, allocation kept
            new Code("S", "SUSPENDED", JobState.RUNNING),        // will resume; not over
            new Code("TO", "TIMEOUT", JobState.TIMEOUT));

    private static final Map<String, JobState> BY_CODE = new HashMap<>();
    private static final Map<String, JobState> BY_NAME = new HashMap<>();
    private static final Map<String, String> NAME_OF_CODE = new HashMap<>();

    static {
        for (Code c : CODES) {
            BY_CODE.put(c.code(), c.state());
            NAME_OF_CODE.put(c.code(), c.name());
            BY_NAME.put(c.name(), c.state());
        }
    }

    /** {@code 12345} or, on a multi-cluster setup, {@code 12345;cluster}. */
    private static final Pattern SUBMITTED = Pattern.compile("(?:Submitted batch job )?(\\d+)(?:;\\S+)?");
    /** {@code 7}, {@code 5_0}, or a pending array collapsed as {@code 5_[2-3%2]}. */
    private static final Pattern JOB_ID = Pattern.compile("(\\d+)(?:_(\\d+|\\[([^\\]]*)\\]))?");
    /** squeue's {@code %t}: one to three capitals ({@code R}, {@code PD}, {@code OOM}). */
    private static final Pattern STATE_CODE = Pattern.compile("[A-Z]{1,3}");
    private static final Pattern EXIT_CODE = Pattern.compile("(\\d+):(\\d+)");

    public SlurmScheduler() {
        super("slurm", List.of("sbatch", "--parsable"), SUBMITTED);
    }

    /**
     * Resources: partition, account, time, memory (per node, {@code --mem}), nodes, qos; any other key is
     * rejected (see {@link JobResources}). Slurm stays in {@code runDir} through {@code --chdir}; stdout and
     * stderr go together to {@code jobDir/job-%a.out} for arrays ({@code %a} = array index) and to
     * {@code jobDir/job-0.out} for a plain job, where {@code %a} would not be the index (see
     * {@link BatchCommands#outputFile} for the arrays of a split round).
     */
    @Override
    BatchCommands.Directives directives(JobSpec job, JobResources res, String jobDir) {
        boolean array = job.arraySize() > 1;
        BatchCommands.Directives d = new BatchCommands.Directives()
                .add("--job-name=" + job.jobName())
                .add("--chdir=" + JobScripts.directivePath("runDir", job.runDir()))
                .add("--output=" + BatchCommands.outputFile(jobDir, job, "%a"))
                .add("--ntasks=" + job.ranks())
                // a job on a node that fails is not started again by Slurm (its default, JobRequeue=1): pvrun
                // retries its tasks itself (retries:), keeping those that finished and recording the attempt
                .add("--no-requeue")
                .optional("--nodes=", res.nodes())
                .optional("--partition=", res.partition())
                .optional("--account=", res.account())
                .optional("--time=", res.time())
                .optional("--mem=", res.memory() == null ? null : res.memory().slurm())
                .optional("--qos=", res.qos());
        if (array) {
            d.add("--array=" + BatchCommands.zeroBasedRange(job));
        }
        if (job.stopSignalSeconds() > 0 && res.time() != null) {
            // B: the batch shell only; the job script passes it on to the launch
            d.add("--signal=B:USR1@" + job.stopSignalSeconds());
        }
        return d;
    }

    @Override
    public boolean signalsBeforeWallTime() {
        return true;
    }

    @Override
    public List<String> arrayLimitCommand() {
        return List.of("scontrol", "show", "config");
    }

    /**
     * {@code MaxArraySize = 1001}: array indices go from 0 to one less than it, so an array of pvrun's (indices
     * from 0) holds that many jobs; 0 switches arrays off, and every job is then submitted on its own.
     */
    @Override
    public int parseArrayLimit(String stdout) {
        int max = BatchCommands.configNumber(stdout, "MaxArraySize", "scontrol show config");
        return max == 0 ? 1 : max;
    }

    @Override
    String arrayIndexExpr(JobSpec job) {
        return BatchCommands.plusOffset("${SLURM_ARRAY_TASK_ID:-0}", job);
    }

    /**
     * All of the user's jobs ({@code --me}, Slurm 20.11 and later), one line per array element, including
     * recently finished ones ({@code --states=all}). The job ids are deliberately not passed: {@code squeue
     * --jobs=...} fails outright ("Invalid job id specified", exit 1) once Slurm has forgotten one of them
     * (MinJobAge, 300 s by default), which would hide the state of all the others. Listing by user also
     * needs no user name: the engine does not know the remote one. Jobs of other runs in the output are
     * simply not looked up. The columns: id, state code, reason, and last the nodes ({@code %N}, empty for a job
     * that never ran), which name the node of a job that ended with it ({@code NODE_FAIL on node2}).
     */
    @Override
    public List<String> statusCommand(Collection<String> jobIds) {
        return List.of("squeue", "--me", "--noheader", "--array", "--states=all", "--format=%i %t %r %N");
    }

    /**
     * Lines of {@code ID CODE [REASON]}: {@code 7 R None}, {@code 5_0 R}, and a pending array collapsed as
     * {@code 5_[2-3%2] PD} (what squeue prints without {@code --array}), expanded to 5_2 and 5_3.
     * Unknown codes map to UNKNOWN; lines of another shape are skipped.
     */
    @Override
    public Map<String, JobState> parseStatus(String statusStdout) {
        return byId(statusStdout, SlurmScheduler::statusColumns,
                cols -> BY_CODE.getOrDefault(cols[1], JobState.UNKNOWN));
    }

    /** Blank (no jobs of the user's) or at least one line of the {@code ID CODE ...} shape. */
    @Override
    public boolean isQueue(String statusStdout) {
        return statusStdout.isBlank() || statusStdout.lines().anyMatch(l -> statusColumns(l.strip()) != null);
    }

    /**
     * The {@code %r} column of pending jobs: {@code Priority}, {@code Resources}, {@code JobArrayTaskLimit} (the
     * array's own {@code %N} throttle), {@code BeginTime}, {@code JobHeldUser}, ... (the list:
     * https://slurm.schedmd.com/job_reason_codes.html). A reason with details after a comma
     * ({@code ReqNodeNotAvail, UnavailableNodes:node1}) is cut to its code, and {@code None} is no reason.
     */
    @Override
    public Map<String, String> parsePendingReasons(String statusStdout) {
        return byId(statusStdout, SlurmScheduler::statusColumns, cols -> {
            if (cols.length < 3 || BY_CODE.get(cols[1]) != JobState.PENDING) {
                return null;
            }
            // %R, squeue's default column, puts it in parentheses: taken either way; the nodes may follow
            String reason = cols[2].contains(",") ? cols[2].split(",", 2)[0] : cols[2].strip().split("\\s+", 2)[0];
            reason = reason.strip().replaceFirst("^\\((.*?)\\)?$", "$1");
            return reason.isEmpty() || reason.equals("None") ? null : reason;
        });
    }

    /**
     * Slurm's own name of each state a job ended in other than COMPLETED, with its node where squeue names
     * one: {@code NODE_FAIL on node2}, {@code OUT_OF_MEMORY on node1}, {@code CANCELLED}.
     */
    @Override
    public Map<String, String> parseEndDetails(String statusStdout) {
        return byId(statusStdout, SlurmScheduler::statusColumns, cols -> {
            JobState st = BY_CODE.get(cols[1]);
            if (st == null || !st.isTerminal() || st == JobState.COMPLETED) {
                return null;
            }
            String[] rest = cols.length < 3 ? new String[0] : cols[2].strip().split("\\s+");
            String nodes = rest.length >= 2 && !rest[rest.length - 1].contains(":") ? rest[rest.length - 1] : null;
            return NAME_OF_CODE.get(cols[1]) + (nodes == null ? "" : " on " + nodes);
        });
    }

    /** A status query line as {@code [id, code]} or {@code [id, code, reason]}, or null for a line of another shape. */
    private static String[] statusColumns(String line) {
        String[] cols = line.split("\\s+", 3);
        return cols.length >= 2 && STATE_CODE.matcher(cols[1]).matches() ? cols : null;
    }

    @Override
    public List<String> cancelCommand(Collection<String> jobIds) {
        return BatchCommands.withIds(List.of("scancel"), jobIds);
    }

    @Override
    public String elementId(String jobId, int index, int arraySize) {
        return arraySize > 1 ? jobId + "_" + index : jobId;
    }

    /**
     * Slurm accounting for jobs the queue has forgotten: one line per job or array element, no steps.
     * Works only where accounting is configured (AccountingStorageType); elsewhere sacct fails and the
     * exit file alone decides.
     */
    @Override
    public List<String> historyCommand(Collection<String> jobIds) {
        return accountingCommand(jobIds);
    }

    @Override
    public Map<String, JobRecord> parseHistory(String stdout) {
        return parseAccounting(stdout);
    }

    public List<String> accountingCommand(Collection<String> jobIds) {
        return List.of("sacct", "--noheader", "--parsable2", "--allocations", "--jobs=" + String.join(",", jobIds),
                "--format=JobID,State,ExitCode");
    }

    /** Lines of {@code JobID|State|ExitCode}, e.g. {@code 5_1|COMPLETED|0:0}, {@code 7|CANCELLED by 0|0:15}. */
    public Map<String, JobRecord> parseAccounting(String sacctStdout) {
        return byId(sacctStdout, line -> {
            String[] cols = line.split("\\|");
            return cols.length == 3 ? cols : null;
        }, cols -> record(cols[1], cols[2]));
    }

    /**
     * Each job of the user once ({@code %F}: the array's job id, or the job's own) with its command, which for a
     * batch job is the script's path as given to sbatch. See https://slurm.schedmd.com/squeue.html#OPT_format
     */
    @Override
    public List<String> jobScriptsCommand() {
        return List.of("squeue", "--me", "--noheader", "--states=all", "--format=%F|%o");
    }

    /** Lines of {@code 430|/home/u/pvrun/p/RUN/jobs/r1/job.sh}; the id of the one running {@code script}. */
    @Override
    public String parseJobScripts(String stdout, String script) {
        for (String line : stdout.split("\n")) {
            int bar = line.indexOf('|');
            if (bar > 0 && line.substring(bar + 1).strip().equals(script)) {
                return line.substring(0, bar).strip();
            }
        }
        return null;
    }

    /** {@code scontrol show job ID}: works without accounting, for as long as slurmctld remembers the job. */
    public List<String> showJobCommand(String jobId) {
        return List.of("scontrol", "show", "job", jobId);
    }

    /**
     * The {@code JobState=} and {@code ExitCode=} of each record (records are separated by blank lines);
     * array elements are keyed {@code ArrayJobId_ArrayTaskId}, pending ranges expanded.
     */
    public Map<String, JobRecord> parseShowJob(String scontrolStdout) {
        Map<String, JobRecord> records = new LinkedHashMap<>();
        for (String block : scontrolStdout.split("\n\\s*\n")) {
            String jobId = field(block, "JobId");
            String state = field(block, "JobState");
            if (jobId == null || state == null) {
                continue;
            }
            String exit = field(block, "ExitCode");
            JobRecord record = record(state, exit == null ? "0:0" : exit);
            String arrayJobId = field(block, "ArrayJobId");
            String taskIds = field(block, "ArrayTaskId");
            List<String> ids = arrayJobId != null && taskIds != null
                    ? expandIds(arrayJobId + "_[" + taskIds + "]")
                    : List.of(jobId);
            for (String id : ids) {
                records.put(id, record);
            }
        }
        return records;
    }

    /**
     * Each line split by {@code columns} (null: a line of another shape, skipped), its first field a job id
     * (expanded, see {@link #expandIds}), the rest read by {@code value} (null: nothing to record).
     */
    private static <T> Map<String, T> byId(String stdout, Function<String, String[]> columns, Function<String[], T> value) {
        Map<String, T> byId = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            String[] cols = columns.apply(line.strip());
            T v = cols == null ? null : value.apply(cols);
            if (v != null) {
                expandIds(cols[0]).forEach(id -> byId.put(id, v));
            }
        }
        return byId;
    }

    private static JobRecord record(String stateText, String exitCode) {
        // sacct appends who cancelled: "CANCELLED by 0"
        String name = stateText.strip().split("\\s+")[0];
        JobState state = BY_NAME.getOrDefault(name, JobState.UNKNOWN);
        Matcher m = EXIT_CODE.matcher(exitCode.strip());
        if (!m.matches()) {
            return new JobRecord(state, -1, 0);
        }
        return new JobRecord(state, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    private static String field(String block, String key) {
        Matcher m = Pattern.compile("(?:^|\\s)" + key + "=(\\S+)").matcher(block);
        return m.find() ? m.group(1) : null;
    }

    /**
     * {@code 7} and {@code 5_0} as they are; {@code 5_[1,3-5%2]} as 5_1, 5_3, 5_4, 5_5 (the {@code %N}
     * throttle and {@code :step} are understood). Ids of another shape (het jobs {@code 7+0}, a range cut
     * short with "...") are kept verbatim: they match no id pvrun looks up.
     */
    static List<String> expandIds(String token) {
        Matcher m = JOB_ID.matcher(token);
        if (!m.matches() || m.group(3) == null) {
            return List.of(token);
        }
        List<Integer> tasks = TaskRanges.expand(m.group(3).replaceFirst("%\\d+$", ""));
        if (tasks == null) {
            return List.of(token);
        }
        return tasks.stream().map(i -> m.group(1) + "_" + i).toList();
    }
}
