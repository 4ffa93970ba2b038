package org.pvrun.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pvrun.results.ManifestIO;

/**
 * The monitor's races and Ctrl-C in each phase, against a scripted Slurm ({@link FakeSlurm}): a real pvrun
 * process, its real LocalTransport, fake sbatch/squeue/scancel on its PATH, the job played by the test.
 */
class FakeSchedulerTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    FakeSlurm slurm;
    Path spec;
    Path results;

    @BeforeEach
    void setUp() throws IOException {
        slurm = new FakeSlurm(dir);
        Files.writeString(dir.resolve("p.py"), "pass\n");
        // two tasks, one per job: an array of two elements, 100_0 and 100_1
        spec = dir.resolve("p.yaml");
        Files.writeString(spec, "name: p\nscript: p.py\nsweep: {i: [0, 1]}\noutputs: [out.txt]\n");
        results = dir.resolve("results");
    }

    private FakeSlurm.Pvrun run(String... extra) throws IOException {
        String[] args = Stream.concat(Stream.of("run", spec.toString(), "-t", "fake", "--targets", slurm.targets.toString(),
                "-o", results.toString()), Stream.of(extra)).toArray(String[]::new);
        return slurm.start(args);
    }

    private FakeSlurm.Pvrun fetch(String runId) throws IOException {
        return slurm.start("fetch", runId);
    }

    private static JsonNode manifest(Path localRun) throws IOException {
        return ManifestIO.JSON.readTree(localRun.resolve("manifest.json").toFile());
    }

    private Path localRun(int i) throws IOException {
        return results.resolve("p").resolve(slurm.runDir(i).getFileName().toString());
    }

    @Test
    void verdictsWrittenJustBeforeTheExitFilesAreTheTasksVerdicts() throws Exception {
        FakeSlurm.Pvrun p = run();
        p.await(l -> l.contains("submitted slurm job 100"));
        Path remote = slurm.runDir(0);
        slurm.queue("100", "100_0 R", "100_1 R");
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        FakeSlurm.taskDone(remote, 1, 0);
        FakeSlurm.jobExit(remote, 1, 1, 0);
        slurm.queue("100"); // both gone from the queue at once
        assertEquals(0, p.end(LIMIT), p.toString());
        JsonNode m = manifest(localRun(0));
        assertEquals("succeeded", m.get("status").asText());
        assertEquals("task 1\n", Files.readString(localRun(0).resolve("tasks/0001/out.txt")));
    }

    @Test
    void aJobGoneFromTheQueueWithoutItsExitFileFailsItsTaskAfterThreePolls() throws Exception {
        FakeSlurm.Pvrun p = run("--jobs", "2");
        p.await(l -> l.contains("submitted slurm job 100"));
        Path remote = slurm.runDir(0);
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        slurm.queue("100", "100_1 R");
        p.await(l -> l.contains("1 waiting"));
        long gone = System.nanoTime();
        slurm.queue("100"); // element 1 vanishes: killed, its node lost
        assertEquals(1, p.end(LIMIT), p.toString());
        assertTrue(System.nanoTime() - gone >= Duration.ofSeconds(2).toNanos(), "judged gone before three polls");
        JsonNode t1 = manifest(localRun(0)).get("tasks").get(1);
        assertEquals("failed", t1.get("status").asText());
        assertEquals("job 100_1 ended without writing its exit status (killed, out of time or a node failure)",
                t1.get("attempts").get(0).get("reason").asText(), t1.toString());
        // a job that left the queue is not pending again: the pending count never grows
        java.util.List<Integer> pending = p.toString().lines().filter(l -> l.contains(" pending"))
                .map(l -> Integer.parseInt(l.replaceAll(".*: (\\d+) pending.*", "$1"))).toList();
        for (int i = 1; i < pending.size(); i++) {
            assertTrue(pending.get(i) <= pending.get(i - 1), "progress went backwards:\n" + p);
        }
    }

    /**
     * A squeue that prints something other than a queue (a broken wrapper on a lying host) is no answer: the jobs do
     * not count as gone after three polls of it (they would then fail without their exit files), the user is told
     * once with its output, and the jobs' own files end the round.
     */
    @Test
    void squeuePrintingGarbageIsNoAnswerAndTheJobsFilesStillEndTheRound() throws Exception {
        FakeSlurm.Pvrun p = run("--verbose");
        p.await(l -> l.contains("submitted slurm job 100"));
        Path remote = slurm.runDir(0);
        slurm.queue("100", "garbage ### not a queue", "<html>502</html>");
        p.await(l -> l.contains("the status query on fake printed nothing pvrun can read as a queue; not taken as an"
                + " answer, the jobs are judged by their exit files until it answers:"));
        Thread.sleep(4500); // more than three polls: the gone rule would have ended both jobs by now
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        FakeSlurm.taskDone(remote, 1, 0);
        FakeSlurm.jobExit(remote, 1, 1, 0);
        assertEquals(0, p.end(LIMIT), p.toString());
        assertTrue(p.toString().contains("garbage ### not a queue"), p.toString());
        JsonNode m = manifest(localRun(0));
        assertEquals("succeeded", m.get("status").asText(), m.toString());
        for (JsonNode t : m.get("tasks")) {
            assertEquals(1, t.get("attempts").size(), t.toString());
        }
        assertEquals(1, slurm.submissions().size());
    }

    /**
     * A squeue that hangs is stopped after PVRUN_QUERY_TIMEOUT and counts as no answer; the run is not held by it
     * and ends on the jobs' files.
     */
    @Test
    void hangingSqueueIsStoppedAfterTheQueryTimeoutAndTheRunEndsOnTheJobsFiles() throws Exception {
        slurm.env.put("PVRUN_QUERY_TIMEOUT", "1s");
        FakeSlurm.Pvrun p = run();
        p.await(l -> l.contains("submitted slurm job 100"));
        slurm.squeueHangs();
        p.await(l -> l.contains("the status query on fake did not answer within 1s (PVRUN_QUERY_TIMEOUT) and was stopped"));
        long ended = System.nanoTime();
        Path remote = slurm.runDir(0);
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        FakeSlurm.taskDone(remote, 1, 0);
        FakeSlurm.jobExit(remote, 1, 1, 0);
        assertEquals(0, p.end(LIMIT), p.toString());
        assertTrue(System.nanoTime() - ended < Duration.ofSeconds(20).toNanos(), "held by the hanging squeue:\n" + p);
        assertEquals("succeeded", manifest(localRun(0)).get("status").asText());
    }

    /**
     * Pending with the scheduler's reason, then waiting (the job runs, its task has not started) apart from running
     * (started marker written), in the live line and in {@code pvrun status}. The live line prints the first job
     * to start at once; later changes that are no news are throttled, so {@code pvrun status} shows those.
     */
    @Test
    void progressAndStatusTellPendingWithItsReasonWaitingAndRunningApart() throws Exception {
        FakeSlurm.Pvrun p = run();
        p.await(l -> l.contains("2 tasks: 2 pending (Priority), 0 waiting, 0 running"));
        Path remote = slurm.runDir(0);
        String runId = remote.getFileName().toString();
        slurm.queue("100", "100_0 R None", "100_1 PD Resources");
        p.await(l -> l.contains("2 tasks: 1 pending (Resources), 1 waiting, 0 running, 0 done"));
        FakeSlurm.Pvrun st = slurm.start("status", runId);
        assertEquals(0, st.end(LIMIT), st.toString());
        assertTrue(st.toString().contains("  2 tasks: 1 pending (Resources), 1 waiting, 0 running, 0 done, 0 failed\n"),
                st.toString());
        FakeSlurm.taskStarted(remote, 0); // the first task to run is news: printed at once
        p.await(l -> l.contains("2 tasks: 1 pending (Resources), 0 waiting, 1 running, 0 done"));
        slurm.queue("100", "100_0 R None", "100_1 R None");
        FakeSlurm.Pvrun json = slurm.start("status", runId, "--json");
        assertEquals(0, json.end(LIMIT), json.toString());
        JsonNode v = ManifestIO.JSON.readTree(json.toString().substring(json.toString().indexOf('{')));
        assertEquals(0, v.get("pending").asInt(), v.toString());
        assertEquals(1, v.get("waiting").asInt(), v.toString());
        assertEquals(1, v.get("running").asInt(), v.toString());
        assertTrue(v.get("pending_reason").isNull(), v.toString());
        assertFalse(v.has("counts"), v.toString());
        for (int i = 0; i < 2; i++) {
            FakeSlurm.taskDone(remote, i, 0);
            FakeSlurm.jobExit(remote, 1, i, 0);
        }
        slurm.queue("100");
        assertEquals(0, p.end(LIMIT), p.toString());
        assertTrue(p.toString().contains("2 tasks: 0 pending, 0 waiting, 0 running, 2 done, 0 failed"), p.toString());
    }

    @Test
    void anAnswerLostAfterSbatchIsAdoptedByFetchNotSubmittedTwice() throws Exception {
        Files.writeString(slurm.state.resolve("die-after-submit"), "");
        FakeSlurm.Pvrun p = run();
        assertEquals(137, p.end(LIMIT), p.toString());
        assertEquals(1, slurm.submissions().size());
        Path remote = slurm.runDir(0);
        String runId = remote.getFileName().toString();
        FakeSlurm.Pvrun f = fetch(runId);
        f.await(l -> l.contains("round 1 is slurm job 100"));
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        FakeSlurm.taskDone(remote, 1, 0);
        FakeSlurm.jobExit(remote, 1, 1, 0);
        slurm.queue("100");
        assertEquals(0, f.end(LIMIT), f.toString());
        assertEquals(1, slurm.submissions().size(), "submitted twice");
        assertEquals("succeeded", manifest(localRun(0)).get("status").asText());
    }

    @Test
    void ctrlCWhilePendingCancelsConfirmedByTheQueueInOneLine() throws Exception {
        FakeSlurm.Pvrun p = run();
        p.await(l -> l.contains("submitted slurm job 100"));
        p.await(l -> l.contains("2 pending"));
        p.sigint();
        assertEquals(130, p.end(LIMIT), p.toString());
        assertEquals("100\n", slurm.scancels());
        assertTrue(p.toString().contains("pvrun: cancelled job 100 (confirmed by squeue)"), p.toString());
        JsonNode m = manifest(localRun(0));
        assertEquals("cancelled", m.get("status").asText());
        assertEquals("cancelled", m.get("tasks").get(0).get("status").asText());
        // the summary: one line for all cancelled tasks, not a reason and a log line per task
        assertTrue(p.toString().contains(" cancelled (2 tasks: 2 cancelled; 0 outputs; "), p.toString());
        assertEquals(0, p.toString().lines().filter(l -> l.startsWith("pvrun: task ") || l.contains("log:")).count(),
                p.toString());
    }

    /** Ctrl-C while sbatch is on its way: the job it submits is recorded, then cancelled, not left to run. */
    @Test
    void ctrlCDuringTheSubmissionCancelsTheJobItSubmitted() throws Exception {
        Files.writeString(slurm.state.resolve("slow-submit"), "");
        FakeSlurm.Pvrun p = run();
        Path submitting = slurm.state.resolve("submitting");
        for (int i = 0; i < 300 && !Files.exists(submitting); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(submitting), "sbatch never ran:\n" + p);
        p.sigint();
        assertEquals(130, p.end(LIMIT), p.toString());
        assertEquals("100\n", slurm.scancels(), p.toString());
        assertTrue(p.toString().contains("pvrun: cancelled job 100 (confirmed by squeue)"), p.toString());
        assertEquals("cancelled", manifest(localRun(0)).get("status").asText());
    }

    /** A cancel the scheduler refuses: pvrun says the jobs may still run, with the scheduler's words and the command. */
    @Test
    void aRefusedCancelSaysSoWithTheCommandToRunByHand() throws Exception {
        Files.writeString(slurm.state.resolve("scancel-refused"), "");
        FakeSlurm.Pvrun p = run();
        p.await(l -> l.contains("submitted slurm job 100"));
        slurm.queue("100", "100_0 R", "100_1 R");
        p.await(l -> l.contains("2 waiting"));
        p.sigint();
        assertEquals(130, p.end(LIMIT), p.toString());
        String out = p.toString();
        assertTrue(out.contains("pvrun: could not confirm that job 100 ended (still in the queue: 100_0, 100_1"), out);
        assertTrue(out.contains("Access denied"), out);
        assertTrue(out.contains("cancel by hand on the target: scancel 100"), out);
        assertEquals("cancelled", manifest(localRun(0)).get("status").asText());
    }

    /**
     * Ctrl-C after one task finished keeps it (fetched, verified, succeeded); only the other is cancelled. A
     * later fetch collects the task that finished after the cancel, and --resume reuses finished tasks.
     */
    @Test
    void ctrlCWhileRunningKeepsTheFinishedTaskAndFetchAndResumeUseIt() throws Exception {
        FakeSlurm.Pvrun p = run();
        p.await(l -> l.contains("submitted slurm job 100"));
        Path remote = slurm.runDir(0);
        String runId = remote.getFileName().toString();
        slurm.queue("100", "100_0 R", "100_1 R");
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        p.await(l -> l.contains("1 done"));
        p.sigint();
        assertEquals(130, p.end(LIMIT), p.toString());
        JsonNode m = manifest(localRun(0));
        assertEquals("cancelled", m.get("status").asText());
        assertEquals("succeeded", m.get("tasks").get(0).get("status").asText(), m.toString());
        assertEquals("tasks/0000/out.txt", m.get("tasks").get(0).get("outputs").get(0).get("path").asText());
        assertEquals("task 0\n", Files.readString(localRun(0).resolve("tasks/0000/out.txt")));
        assertEquals("cancelled", m.get("tasks").get(1).get("status").asText());
        assertFalse(Files.exists(localRun(0).resolve("tasks/0001/out.txt")));

        // the other task finished after all (the cancel came too late for it): fetch collects it
        FakeSlurm.taskDone(remote, 1, 0);
        FakeSlurm.Pvrun f = fetch(runId);
        // nobody pressed Ctrl-C in the fetch: a run cancelled earlier exits 1, not 130 (docs/cli.md)
        assertEquals(1, f.end(LIMIT), f.toString());
        m = manifest(localRun(0));
        assertEquals("succeeded", m.get("tasks").get(1).get("status").asText(), m.toString());
        assertEquals("task 1\n", Files.readString(localRun(0).resolve("tasks/0001/out.txt")));

        // --resume reuses both: nothing is submitted again
        FakeSlurm.Pvrun again = run("--resume");
        assertEquals(0, again.end(LIMIT), again.toString());
        assertTrue(again.toString().contains("--resume: 2 of 2 tasks reused"), again.toString());
        assertEquals(1, slurm.submissions().size());
    }

    @Test
    void pvrunCancelKeepsTheFinishedTaskAndSaysWhatTheQueueSaid() throws Exception {
        FakeSlurm.Pvrun p = run("--detach");
        assertEquals(0, p.end(LIMIT), p.toString());
        Path remote = slurm.runDir(0);
        slurm.queue("100", "100_0 R", "100_1 R");
        FakeSlurm.taskDone(remote, 0, 0);
        FakeSlurm.jobExit(remote, 1, 0, 0);
        FakeSlurm.Pvrun c = slurm.start("cancel", remote.getFileName().toString());
        assertEquals(0, c.end(LIMIT), c.toString());
        assertTrue(c.toString().contains("pvrun: cancelled job 100 (confirmed by squeue)"), c.toString());
        JsonNode m = manifest(localRun(0));
        assertEquals("succeeded", m.get("tasks").get(0).get("status").asText(), m.toString());
        assertEquals("cancelled", m.get("tasks").get(1).get("status").asText(), m.toString());
    }

    /** {@code run --detach} then {@code pvrun fetch}: the fetch writes the JUnit XML and the report the run asked for. */
    @Test
    void aDetachedRunFetchedLaterGetsItsJunitAndReport() throws Exception {
        Files.writeString(spec, Files.readString(spec) + "report: true\n");
        Path junit = dir.resolve("junit.xml");
        FakeSlurm.Pvrun p = run("--detach", "--junit", junit.toString());
        assertEquals(0, p.end(LIMIT), p.toString());
        Path remote = slurm.runDir(0);
        for (int i = 0; i < 2; i++) {
            FakeSlurm.taskDone(remote, i, 0);
            FakeSlurm.jobExit(remote, 1, i, 0);
        }
        slurm.queue("100");
        FakeSlurm.Pvrun f = fetch(remote.getFileName().toString());
        assertEquals(0, f.end(LIMIT), f.toString());
        assertTrue(Files.readString(junit).contains("<testsuite"), Files.readString(junit));
        assertTrue(f.toString().contains("  report: "), f.toString());
        assertTrue(Files.exists(localRun(0).resolve("report.html")) || f.toString().contains(".html"), f.toString());
    }
}
