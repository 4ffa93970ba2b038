package org.pvrun.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pvrun.util.Shell;

/**
 * Runs rendered scripts with the real bash: the exit file, the pid file, quoting of every value, the Xvfb
 * branch, detached submission and cancellation. The shared body is the same for Slurm and PBS, so this
 * also exercises theirs.
 */
class NoSchedulerTest {
    private final NoScheduler none = new NoScheduler();
    private final List<Long> started = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void killLeftovers() {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A run directory whose name needs quoting, and its job directory. */
    private Path runDir() throws IOException {
        Path run = tmp.resolve("pv runs").resolve("it's $(run)");
        Files.createDirectories(run.resolve("jobs"));
        return run;
    }

    private JobSpec job(Path run, String display, List<String> launch, Map<String, String> env) {
        return new JobSpec("t", run.toString(), 1, Map.of(), List.of("echo setup-ran", "cd \"$HOME\""), env, display,
                launch, 1, 0, run.resolve("jobs").toString());
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static ProcessResult run(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().remove("DISPLAY");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + argv);
        return new ProcessResult(p.exitValue(), out);
    }

    private record ProcessResult(int exit, String out) {}

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 200 && !Files.exists(file); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(file), file + " did not appear");
    }

    @Test
    void detachedRunWritesPidOutputAndExitFileWithEveryValueIntact() throws Exception {
        Path run = runDir();
        Map<String, String> env = new LinkedHashMap<>(JobScriptGoldenTest.hostileEnvironment());
        env.put("PV_TITLE", "it's \"quoted\" $(touch " + run.resolve("pwned") + ") `touch " + run.resolve("pwned2") + "`");
        List<String> launch = List.of("sh", "-c",
                "printf '[%s]' \"$@\"; echo; echo \"title=$PV_TITLE\"; echo \"index=$PVRUN_ARRAY_INDEX pwd=$(pwd)\";"
                        + " exit 3", "sh", "it's $(touch x)", "`id`", "a  b", "", "Grüße\nzwei");
        Path script = run.resolve("jobs/job.sh");
        Files.writeString(script, none.renderJobScript(job(run, "offscreen", launch, env)));

        ProcessResult submit = run(none.submitCommand(script.toString()), Map.of());
        assertEquals(0, submit.exit(), submit.out());
        String pid = none.parseJobId(submit.out());
        started.add(Long.parseLong(pid));

        Path exit = run.resolve("jobs/job-0.exit");
        awaitFile(exit);
        assertEquals("3\n", read(exit));
        // $! of the submit command is the script's own $$: setsid did not fork
        assertEquals(pid + "\n", read(run.resolve("jobs/job-0.pid")));
        assertEquals("setup-ran\n"
                + "[it's $(touch x)][`id`][a  b][][Grüße\nzwei]\n"
                + "title=" + env.get("PV_TITLE") + "\n"
                // a setup line's cd is honoured: setup runs in the job's shell, before the launch
                + "index=0 pwd=" + System.getProperty("user.home") + "\n",
                read(run.resolve("jobs/job-0.out")));
        assertFalse(Files.exists(run.resolve("pwned")) || Files.exists(run.resolve("pwned2")));
        try (var files = Files.list(run.resolve("jobs"))) {
            assertEquals(List.of("job-0.exit", "job-0.nodes", "job-0.out", "job-0.pid", "job.sh"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        // without a scheduler the job ran on this host
        assertEquals(java.net.InetAddress.getLocalHost().getHostName() + "\n", read(run.resolve("jobs/job-0.nodes")));
    }

    @Test
    void missingRunDirStillWritesAnExitFile() throws Exception {
        Path run = runDir();
        JobSpec spec = new JobSpec("t", run.resolve("gone").toString(), 1, Map.of(), List.of(), Map.of(),
                "offscreen", List.of("true"), 1, 0, run.resolve("jobs").toString());
        Path script = run.resolve("jobs/job.sh");
        Files.writeString(script, none.renderJobScript(spec));
        ProcessResult result = run(List.of("bash", script.toString()), Map.of());
        assertEquals(1, result.exit());
        assertEquals("1\n", read(run.resolve("jobs/job-0.exit")));
    }

    @Test
    void xvfbGivesThePrivateDisplayAndStopsItAfterwards() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/Xvfb")), "Xvfb not installed");
        Path run = runDir();
        Path script = run.resolve("jobs/job.sh");
        Files.writeString(script, none.renderJobScript(job(run, "xvfb",
                List.of("sh", "-c", "echo \"display=$DISPLAY\""), Map.of())));
        ProcessResult result = run(List.of("bash", script.toString()), Map.of());
        assertEquals(0, result.exit());
        assertEquals("0\n", read(run.resolve("jobs/job-0.exit")));
        String out = read(run.resolve("jobs/job-0.out"));
        Matcher m = Pattern.compile("(?s)setup-ran\npvrun: Xvfb on display :(\\d+)\ndisplay=:(\\d+)\n").matcher(out);
        assertTrue(m.matches(), out);
        assertEquals(m.group(1), m.group(2));
        assertEquals(m.group(1) + "\n", read(run.resolve("jobs/xvfb-0.display")));
        // the EXIT trap stopped Xvfb, which removes its lock file as it goes
        Path lock = Path.of("/tmp/.X" + m.group(1) + "-lock");
        for (int i = 0; i < 100 && Files.exists(lock); i++) {
            Thread.sleep(50);
        }
        assertFalse(Files.exists(lock), "Xvfb still running: " + lock);
    }

    @Test
    void autoKeepsADisplayThatIsAlreadySet() throws Exception {
        Path run = runDir();
        Path script = run.resolve("jobs/job.sh");
        Files.writeString(script, none.renderJobScript(job(run, "auto",
                List.of("sh", "-c", "echo \"display=$DISPLAY\""), Map.of())));
        ProcessResult result = run(List.of("bash", script.toString()), Map.of("DISPLAY", ":77"));
        assertEquals(0, result.exit());
        assertEquals("setup-ran\ndisplay=:77\n", read(run.resolve("jobs/job-0.out")));
        assertFalse(Files.exists(run.resolve("jobs/xvfb-0.log")));
    }

    /** As a local transport runs it, and as an SSH transport does (Shell.join, then a remote sh -c). */
    @ParameterizedTest(name = "through ssh-like sh -c: {0}")
    @ValueSource(booleans = {false, true})
    void cancelStopsTheWholeProcessGroup(boolean throughShell) throws Exception {
        Path run = runDir();
        Path script = run.resolve("jobs/job.sh");
        Path child = run.resolve("jobs/child.pid");
        Files.writeString(script, none.renderJobScript(job(run, "offscreen",
                List.of("sh", "-c", "sleep 60 & echo $! > " + Shell.quote(child.toString()) + "; wait"), Map.of())));
        String pid = none.parseJobId(run(none.submitCommand(script.toString()), Map.of()).out());
        started.add(Long.parseLong(pid));
        awaitFile(child);
        long sleeper = Long.parseLong(read(child).strip());
        started.add(sleeper);

        List<String> cancel = none.cancelCommand(List.of(pid));
        assertEquals(List.of("sh", "-c", "pkill -TERM -s " + pid + " 2>/dev/null; kill -s TERM -- -" + pid
                + " 2>/dev/null; exit 0"), cancel);
        ProcessResult result = run(throughShell ? List.of("sh", "-c", Shell.join(cancel)) : cancel, Map.of());
        assertEquals(0, result.exit(), result.out());
        for (int i = 0; i < 100 && (alive(pid) || alive(sleeper)); i++) {
            Thread.sleep(50);
        }
        assertFalse(alive(pid), "job shell survived");
        assertFalse(alive(sleeper), "grandchild survived");
        // a cancelled job leaves no verdict: the engine judges it by its missing pid and exit file
        assertFalse(Files.exists(run.resolve("jobs/job-0.exit")));
    }

    private static boolean alive(Object pid) {
        return ProcessHandle.of(Long.parseLong(pid.toString())).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void statusQueryIsTheProcessTableAndOneScriptForAllJobs() throws Exception {
        assertEquals(List.of("sh", "-c", "kill -0 42 2>/dev/null && echo '42 R'; kill -0 43 2>/dev/null && echo '43 R'; exit 0"),
                none.statusCommand(List.of("42", "43")));
        assertEquals(Map.of("42", JobState.RUNNING), none.parseStatus("42 R\nsh: 1: kill: No such process\n\n"));
        assertThrows(IllegalArgumentException.class, () -> none.statusCommand(List.of("1")));
        // for real: this JVM is alive, a finished process is not
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String me = Long.toString(ProcessHandle.current().pid());
        Process q = new ProcessBuilder(none.statusCommand(List.of(me, Long.toString(gone.pid())))).start();
        assertEquals(Map.of(me, JobState.RUNNING), none.parseStatus(new String(q.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8)));
        // jobs of a run share one script; each is started with its own PVRUN_ARRAY_INDEX
        assertTrue(none.renderJobScript(JobSpecs.array(2, 0)).contains("export PVRUN_ARRAY_INDEX=\"${PVRUN_ARRAY_INDEX:-0}\""));
        assertEquals(List.of("env", "PVRUN_ARRAY_INDEX=3", "sh", "-c",
                "setsid nohup bash /r/job.sh </dev/null >/dev/null 2>&1 & echo $!"), none.submitElementCommand("/r/job.sh", 3));
        assertThrows(IllegalArgumentException.class, () -> none.parseJobId("sh: setsid: not found\n"));
        assertEquals("42", none.elementId("42", 0, 1));
        assertEquals(List.of("sh", "-c", "pkill -TERM -s 42 2>/dev/null; kill -s TERM -- -42 2>/dev/null; "
                + "pkill -TERM -s 43 2>/dev/null; kill -s TERM -- -43 2>/dev/null; exit 0"), none.cancelCommand(List.of("42", "43")));
        // "kill -- -1" would signal every process of the user
        for (String bad : List.of("1", "-1", "0", "42; rm -rf ~", "")) {
            assertThrows(IllegalArgumentException.class, () -> none.cancelCommand(List.of(bad)), bad);
        }
    }

    @Test
    void factoryKnowsTheThreeSchedulers() {
        assertEquals("slurm", Schedulers.forName("slurm").name());
        assertEquals("pbs", Schedulers.forName("pbs").name());
        assertEquals("none", Schedulers.forName("none").name());
        assertEquals("unknown scheduler 'lsf': use slurm, pbs, sge or none",
                assertThrows(IllegalArgumentException.class, () -> Schedulers.forName("lsf")).getMessage());
    }
}
