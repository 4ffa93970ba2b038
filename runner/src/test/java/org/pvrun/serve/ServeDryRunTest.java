package org.pvrun.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pvrun.testing.Cli;

/** {@code pvrun serve --dry-run} and bad options: the real command line, nothing contacted or written. */
class ServeDryRunTest {
    @TempDir
    Path dir;
    Path targets;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        // hosts under .invalid (RFC 2606): a dry run that tried to connect would fail loudly
        targets = Files.writeString(dir.resolve("targets.yaml"), "targets:\n"
                + "  hopper:\n"
                + "    host: login.hopper.invalid\n"
                + "    port: 2222\n"
                + "    user: jdoe\n"
                + "    jump: [jdoe@bastion.invalid]\n"
                + "    scheduler: slurm\n"
                + "    workdir: /scratch/jdoe/pvrun\n"
                + "    setup: [\"module load paraview/5.11.0\"]\n"
                + "    display: xvfb\n"
                + "    resources: {partition: viz, time: \"00:30:00\"}\n"
                + "  pbs:\n"
                + "    host: pbs.invalid\n"
                + "    scheduler: pbs\n"
                + "    launcher: mpirun -np {ranks}\n"
                + "    pvbatch: /opt/pv/bin/pvbatch\n");
        env = Map.of("XDG_CONFIG_HOME", dir.resolve("cfg").toString(), "PVRUN_SSH_CONFIG",
                Files.writeString(dir.resolve("ssh_config"), "").toString());
    }

    Cli.Result serve(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "serve";
        all[1] = "--targets";
        all[2] = targets.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return Cli.run(env, all);
    }

    @Test
    void forwardPlanAndJobScript() {
        Cli.Result r = serve("-t", "hopper", "--ranks", "4", "--time", "02:00:00", "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("server:    srun -n 4 pvserver --server-port=0  (4 ranks, display xvfb)"), out);
        assertTrue(out.contains("remote:    /scratch/jdoe/pvrun/serve/SESSION-ID"), out);
        assertTrue(out.contains("submit:    sbatch --parsable /scratch/jdoe/pvrun/serve/SESSION-ID/jobs/job.sh"), out);
        assertTrue(out.contains("'Accepting connection(s): NODE:PORT'"), out);
        assertTrue(out.contains("forward:   localhost:11111 (or the first free port above) -> NODE:PORT, through the SSH"
                + " session to jdoe@login.hopper.invalid:2222 via jdoe@bastion.invalid:22"), out);
        assertTrue(out.contains("connect:   ParaView client to localhost:11111"), out);
        assertTrue(out.contains("pvsc:      " + dir.resolve("cfg/pvrun/serve/hopper.pvsc")), out);
        assertTrue(out.contains("end:       Ctrl-C or pvserver exiting (client disconnected): scancel JOB-ID"), out);
        // the job script is the target's own: directives, setup line, Xvfb, pvserver under srun, exit file
        assertTrue(out.contains("  | #SBATCH --ntasks=4"), out);
        assertTrue(out.contains("  | #SBATCH --time=02:00:00"), out);
        assertTrue(out.contains("  | #SBATCH --partition=viz"), out);
        assertTrue(out.contains("  | #SBATCH --job-name=pvrun-serve"), out);
        assertTrue(out.contains("  | pvrun_setup 1 'module load paraview/5.11.0'"), out);
        assertTrue(out.contains("  | pvrun_start_xvfb"), out);
        assertTrue(out.contains("  |     srun -n 4 pvserver --server-port=0\n"), out);
        assertTrue(out.contains("  | pvrun_finish \"$pvrun_rc\""), out);
        assertFalse(out.contains("--force-offscreen-rendering"), "pvserver aborts with it under GLX:\n" + out);
        assertTrue(out.endsWith("(dry run: nothing was run, sent or written)\n"), out);
        assertFalse(Files.exists(dir.resolve("cfg")), "a dry run wrote the .pvsc");
    }

    @Test
    void reversePlan() {
        Cli.Result r = serve("-t", "hopper", "--reverse", "--port", "12000", "--client-host", "login1-ib", "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        String out = r.out();
        assertTrue(out.contains("server:    srun -n 1 pvserver --rc --client-host=login1-ib --server-port=RPORT"), out);
        assertTrue(out.contains("client:    listens on localhost:12000"), out);
        assertTrue(out.contains("forward:   remote login1-ib:RPORT on the SSH host (RPORT chosen by sshd) -> localhost:12000"),
                out);
        assertTrue(out.contains("'Client connected.'"), out);
        assertTrue(out.contains("  |     srun -n 1 pvserver --rc --client-host=login1-ib --server-port=RPORT\n"), out);
    }

    @Test
    void launcherTemplateAndPvserverBesidePvbatch() {
        Cli.Result r = serve("-t", "pbs", "--ranks", "3", "--dry-run", "--ignore-version", "--detach");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("  |     mpirun -np 3 /opt/pv/bin/pvserver --server-port=0\n"), r.out());
        assertTrue(r.out().contains("remote:    /HOME/pvrun/serve/SESSION-ID  (HOME: the remote home directory)"), r.out());
        assertTrue(r.out().contains("version:   not checked (--ignore-version)"), r.out());
        assertTrue(r.out().contains("qdel JOB-ID, forwards closed; with --detach Ctrl-C leaves the job running"), r.out());
        assertTrue(r.out().contains("  | #PBS "), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--ranks 0                 | --ranks must be at least 1",
        "--time 2h                 | --time must be HH:MM:SS",
        "--time 01:99:00           | --time must be HH:MM:SS",
        "--port 70000              | --port must be 1-65535",
        "--client-host a;b         | --client-host must be a host name",
        "-t nowhere                | unknown target 'nowhere'",
    })
    void badOptionsExit2(String args, String message) {
        String[] a = args.strip().split("\\s+");
        String[] all = new String[a.length + 3];
        System.arraycopy(a, 0, all, 0, a.length);
        all[a.length] = "--dry-run";
        all[a.length + 1] = a[0].equals("-t") ? "--ignore-version" : "-t";
        all[a.length + 2] = a[0].equals("-t") ? "--quiet" : "hopper";
        Cli.Result r = serve(all);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(message), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    /** serve connects as every command does: the reconnection budget is read (and a bad one refused) first. */
    @Test
    void theConnectionIsEveryCommandsReconnectionIncluded() {
        Map<String, String> bad = new java.util.HashMap<>(env);
        bad.put("PVRUN_RECONNECT", "whenever");
        Cli.Result r = Cli.run(bad, "serve", "--targets", targets.toString(), "-t", "hopper", "--ignore-version");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("PVRUN_RECONNECT: "), r.toString());
        assertFalse(Files.exists(dir.resolve("cfg")), "a refused session wrote the .pvsc");
    }

    @Test
    void anOpenSshTargetForwardsThroughItsMaster() throws IOException {
        Files.writeString(targets, Files.readString(targets) + "  viz:\n    host: viz.invalid\n    transport: openssh\n"
                + "    scheduler: slurm\n");
        Cli.Result r = serve("-t", "viz", "--dry-run");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("-> NODE:PORT, through the SSH session to viz.invalid (the system's ssh: ssh -O"
                + " forward over its master connection)"), r.out());
    }

    @Test
    void targetIsRequired() {
        Cli.Result r = serve("--dry-run");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Missing required option: '--target=TARGET'"), r.toString());
    }
}
