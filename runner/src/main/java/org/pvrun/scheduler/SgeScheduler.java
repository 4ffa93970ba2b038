package org.pvrun.scheduler;

import java.io.IOException;
import java.io.StringReader;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Son of Grid Engine (and its descendants): {@code qsub -terse} to submit, {@code qstat -xml} for status,
 * {@code qdel} to cancel. Written and tested against Son of Grid Engine 8.1.9 (Debian 12's gridengine
 * packages, on the test cluster). A finished job leaves qstat at once; the job's exit file then decides.
 */
public final class SgeScheduler extends BatchScheduler {

    /** The parallel environment for ranks > 1: "mpi" is the usual name (the test cluster defines it). */
    static final String PARALLEL_ENVIRONMENT = "mpi";

    /** {@code 4} for a job, {@code 2.1-4:1} for an array (its tasks); the job number either way. */
    private static final Pattern SUBMITTED = Pattern.compile("(\\d+)(?:\\.\\d+-\\d+:\\d+)?");

    public SgeScheduler() {
        super("sge", List.of("qsub", "-terse"), SUBMITTED);
    }

    /**
     * Resources: partition (the queue, {@code -q}), account ({@code -A}), time ({@code -l h_rt}). Ranks are
     * slots of the parallel environment {@value #PARALLEL_ENVIRONMENT} ({@code -pe}), whose allocation rule
     * places them on hosts; memory (a per-slot limit in Grid Engine, site-defined), nodes and qos have no
     * portable equivalent and are rejected. Arrays are {@code -t 1-N} (Grid Engine numbers tasks from 1) with
     * {@code -tc} as the throttle; the job writes its own output file, named by the 0-based index.
     */
    @Override
    void checkResources(JobSpec job, JobResources res) {
        for (String key : List.of("memory", "nodes", "qos")) {
            if (job.resources().containsKey(key)) {
                throw new IllegalArgumentException("resource '" + key + "' has no Grid Engine equivalent pvrun can set;"
                        + " remove it for an sge target (ranks are slots of the parallel environment "
                        + PARALLEL_ENVIRONMENT + ")");
            }
        }
    }

    @Override
    public boolean signalsBeforeWallTime() {
        return true;
    }

    @Override
    public List<String> arrayLimitCommand() {
        return List.of("qconf", "-sconf");
    }

    /** {@code max_aj_tasks 75000}: tasks in one array job, 0 for no limit (sge_conf(5)). */
    @Override
    public int parseArrayLimit(String stdout) {
        return BatchCommands.configNumber(stdout, "max_aj_tasks", "qconf -sconf");
    }

    /**
     * Set by the template: SGE_TASK_ID - 1 (Grid Engine counts from 1), 0 for a plain job, plus the array's
     * offset in a split round.
     */
    @Override
    String arrayIndexExpr(JobSpec job) {
        return "$pvrun_sge_index";
    }

    @Override
    BatchCommands.Directives directives(JobSpec job, JobResources res, String jobDir) {
        BatchCommands.Directives d = new BatchCommands.Directives()
                .add("-N " + job.jobName())
                .add("-wd " + JobScripts.directivePath("runDir", job.runDir()))
                .add("-S /bin/bash")
                // the job writes its own output (job-INDEX.out, 0-based) as soon as it starts: see the template
                .add("-o /dev/null")
                .add("-j y")
                .optional("-pe " + PARALLEL_ENVIRONMENT + " ", job.ranks() > 1 ? job.ranks() : null)
                .optional("-q ", res.partition())
                .optional("-A ", res.account())
                .optional("-l h_rt=", res.time());
        if (job.stopSignalSeconds() > 0 && res.time() != null) {
            // the soft limit: Grid Engine sends SIGUSR1 there, the hard one (h_rt) ends the job
            long soft = hms(res.time()) - job.stopSignalSeconds();
            if (soft > 0) {
                d.add("-l s_rt=" + String.format("%02d:%02d:%02d", soft / 3600, soft / 60 % 60, soft % 60));
            }
        }
        if (job.arraySize() > 1) {
            d.add("-t 1-" + job.arraySize());
            if (BatchCommands.throttled(job)) {
                d.add("-tc " + job.maxParallel());
            }
        }
        return d;
    }

    /** Seconds of an {@code HH:MM:SS} (or {@code MM:SS}, {@code SS}) time. */
    static long hms(String time) {
        long s = 0;
        for (String part : time.split(":")) {
            s = s * 60 + Long.parseLong(part);
        }
        return s;
    }

    /** The job writes its own output file there (see the template). */
    @Override
    void addToView(Map<String, Object> view, JobSpec job, String jobDir) {
        view.put("jobDirOut", jobDir);
        view.put("arrayOffset", job.arrayOffset());
        view.put("offsetPlus", job.arrayOffset() == 0 ? "" : job.arrayOffset() + " + ");
    }

    /** The user's jobs (qstat's default), as XML: one query for all of them. */
    @Override
    public List<String> statusCommand(Collection<String> jobIds) {
        return List.of("qstat", "-xml");
    }

    /**
     * Every {@code job_list} (running ones under {@code queue_info}, pending under {@code job_info}): a job
     * by its number, array tasks as {@code NUMBER.TASK} with the task ids of {@code <tasks>} expanded
     * ({@code 3}, {@code 3,4}, {@code 1-3:1}). Blank output is an empty map; anything else not XML is an error.
     */
    @Override
    public Map<String, JobState> parseStatus(String statusStdout) {
        Map<String, JobState> states = new LinkedHashMap<>();
        if (statusStdout.isBlank()) {
            return states;
        }
        NodeList jobs = parse(statusStdout).getElementsByTagName("job_list");
        for (int i = 0; i < jobs.getLength(); i++) {
            Element job = (Element) jobs.item(i);
            String number = text(job, "JB_job_number");
            if (number == null) {
                continue;
            }
            JobState state = state(text(job, "state"));
            String tasks = text(job, "tasks");
            if (tasks == null) {
                states.put(number, state);
            } else {
                for (int task : expandTasks(tasks)) {
                    states.put(number + "." + task, state);
                }
            }
        }
        return states;
    }

    /**
     * A qstat state code, a string of letters (qstat(1), "state": d(eletion), E(rror), h(old), r(unning),
     * R(estarted), s/S (suspended), t(ransferring), T(hreshold), w(aiting), q(ueued)):
     * https://gridscheduler.sourceforge.net/htmlman/htmlman1/qstat.html . Checked in this order, since codes
     * combine ({@code Eqw}, {@code dr}, {@code hqw}, {@code Rr}).
     */
    static JobState state(String code) {
        if (code == null || code.isEmpty()) {
            return JobState.UNKNOWN;
        }
        if (code.contains("E")) {
            return JobState.FAILED;      // Eqw: an error (bad working directory, ...) holds it; it would never run
        }
        if (code.contains("d")) {
            return JobState.CANCELLED;   // being deleted (qdel)
        }
        if (code.contains("r") || code.contains("t") || code.contains("s") || code.contains("S") || code.contains("T")) {
            return JobState.RUNNING;     // running, being started, or suspended: not over
        }
        if (code.contains("q") || code.contains("w") || code.contains("h")) {
            return JobState.PENDING;
        }
        return JobState.UNKNOWN;
    }

    @Override
    public List<String> cancelCommand(Collection<String> jobIds) {
        return BatchCommands.withIds(List.of("qdel"), jobIds);
    }

    /**
     * Grid Engine's accounting ({@code qacct -j}, one job at a time) for jobs that have left qstat: the jobs it
     * does not know ("error: job id N not found") are simply missing from the output.
     */
    @Override
    public List<String> historyCommand(Collection<String> jobIds) {
        return BatchCommands.withIds(List.of("sh", "-c", "for j; do qacct -j \"$j\" 2>/dev/null; done; exit 0", "sh"), jobIds);
    }

    /**
     * qacct's records, separated by lines of {@code =}: {@code jobnumber}, {@code taskid} ({@code undefined}
     * for a plain job), {@code failed} (0, or a code and its reason, e.g. {@code 100 : assumedly after job}) and
     * {@code exit_status} (128 + N after signal N). COMPLETED when both are 0, else FAILED; keyed like
     * {@link #parseStatus}. See https://gridscheduler.sourceforge.net/htmlman/htmlman5/accounting.html
     */
    @Override
    public Map<String, JobRecord> parseHistory(String stdout) {
        Map<String, JobRecord> records = new LinkedHashMap<>();
        for (String block : stdout.split("(?m)^=+\\s*$")) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : block.split("\n")) {
                String[] kv = line.strip().split("\\s+", 2);
                if (kv.length == 2) {
                    fields.putIfAbsent(kv[0], kv[1].strip());
                }
            }
            String number = fields.get("jobnumber");
            String exit = fields.get("exit_status");
            if (number == null || exit == null || !number.matches("\\d+")) {
                continue;
            }
            int status = Integer.parseInt(exit.split("\\s+")[0]);
            String failed = fields.getOrDefault("failed", "0").split("\\s+")[0];
            JobState state = failed.equals("0") && status == 0 ? JobState.COMPLETED : JobState.FAILED;
            String task = fields.getOrDefault("taskid", "undefined");
            records.put(task.matches("\\d+") ? number + "." + task : number,
                    new JobRecord(state, status, status > 128 ? status - 128 : 0));
        }
        return records;
    }

    /**
     * Every job's details ({@code qstat -j '*'}): each has its {@code script_file}, the path given to qsub. With
     * no job at all qstat says "Following jobs do not exist" and exits 1: that is an answer (no job), so the
     * command then succeeds; any other failure stays one (a job that may exist must not be submitted again).
     */
    @Override
    public List<String> jobScriptsCommand() {
        return List.of("sh", "-c", "out=$(qstat -j '*' 2>&1); s=$?; printf '%s\\n' \"$out\"; "
                + "case $out in 'Following jobs do not exist'*) exit 0 ;; esac; exit $s");
    }

    /**
     * The {@code job_number} of the record whose {@code script_file} is {@code script}, or null.
     */
    @Override
    public String parseJobScripts(String stdout, String script) {
        String number = null;
        for (String line : stdout.split("\n")) {
            String[] kv = line.strip().split(":\\s*", 2);
            if (kv.length == 2 && kv[0].equals("job_number")) {
                number = kv[1].strip();
            } else if (kv.length == 2 && kv[0].equals("script_file") && kv[1].strip().equals(script) && number != null) {
                return number;
            }
        }
        return null;
    }

    /** Task {@code index + 1} of the array: {@code 12.4} for index 3. */
    @Override
    public String elementId(String jobId, int index, int arraySize) {
        return arraySize > 1 ? jobId + "." + (index + 1) : jobId;
    }

    /** {@code 3}, {@code 3,4}, {@code 1-3:1} (qstat's forms for one task, pending tasks, a pending range). */
    static List<Integer> expandTasks(String tasks) {
        List<Integer> ids = TaskRanges.expand(tasks);
        if (ids == null) {
            throw new IllegalArgumentException("unexpected task list '" + tasks + "' in qstat -xml output");
        }
        return ids;
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("qstat -xml output is not XML (" + e.getMessage() + "):\n"
                    + BatchCommands.indent(xml), e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
    }
}
