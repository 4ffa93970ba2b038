package org.pvrun.transport.openssh;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pvrun.transport.Drain;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Tar;
import org.pvrun.transport.TarPolicy;
import org.pvrun.transport.openssh.OpenSshProcesses.Result;
import org.pvrun.util.Shell;
import org.pvrun.transport.TreeCopy;

/** Many files at once over the OpenSSH transport: rsync or a tar stream down, the local tar piped into the host's up. */
final class OpenSshTrees implements TreeCopy {
    private static final Pattern RSYNC_SKIPPED = Pattern.compile("skipping non-regular file \"([^\"]*)\"");

    private final OpenSshTransport transport;
    private final OpenSshOptions options;
    private final OpenSshMaster master;
    private final OpenSshProcesses processes;
    private Boolean rsync; // guarded by this

    OpenSshTrees(OpenSshTransport transport, OpenSshOptions options, OpenSshMaster master, OpenSshProcesses processes) {
        this.transport = transport;
        this.options = options;
        this.master = master;
        this.processes = processes;
    }

    /**
     * Copies the listed files and directories (recursively), relative to {@code remoteDir}, into {@code localDir}:
     * rsync through the master (each file under a temporary name, renamed when complete; links and special files are
     * skipped, then reported as an error), or a tar stream read by {@link Tar#extract} (which refuses them).
     *
     * @throws IOException if a file is missing (the others are still copied), is a link, or the transfer fails
     */
    @Override
    public void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException, InterruptedException {
        List<String> paths = checked(relativePaths);
        Files.createDirectories(localDir);
        master.ensureMaster();
        if (useRsync()) {
            Result r = rsyncDown(paths, remoteDir, localDir);
            String out = r.stdout() + r.stderr();
            Matcher skipped = RSYNC_SKIPPED.matcher(out);
            if (r.status() == 0 && skipped.find()) {
                throw new IOException("refusing " + skipped.group(1) + " from " + remoteDir + " on " + transport.describe()
                        + ": it is a symbolic link or a special file; only regular files and directories are transferred");
            }
            processes.check(r, "rsync", "cannot copy files from " + remoteDir + " on " + transport.describe());
            return;
        }
        for (List<String> batch : TarPolicy.argumentBatches(paths)) {
            List<String> argv = new ArrayList<>(List.of("tar", "-cf", "-", "-C", remoteDir, "--"));
            argv.addAll(batch);
            String command = Shell.join(argv);
            Result r = processes.run(master.client(command), ProcessBuilder.Redirect.from(OpenSshMaster.DEV_NULL), ProcessBuilder.Redirect.PIPE, p -> {
                try (InputStream in = p.getInputStream()) {
                    Tar.extract(in, localDir, batch);
                    in.transferTo(OutputStream.nullOutputStream()); // tar pads its output to whole records
                }
            }, true);
            processes.check(r, command, "file transfer from " + transport.describe() + " failed");
        }
    }

    /**
     * The reverse of {@link #downloadTree} into {@code remoteDir}, which must exist: the local {@code tar} piped
     * straight into a session running the host's {@code tar -x} (the operating system connects the two, nothing
     * passes through this JVM; the host's tar writes in place, as with the JSch transport; links are followed, as
     * {@code tar -h}). Measured faster than rsync, whose temporary names buy nothing for a new run directory.
     */
    @Override
    public void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException, InterruptedException {
        List<String> paths = checked(relativePaths);
        master.ensureMaster();
        String command = Shell.join(List.of("tar", "-xf", "-", "--no-same-owner", "-C", remoteDir));
        // the names go to the local tar on its stdin (NUL-separated), so no command line limits them
        List<String> tar = List.of("tar", "-c", "-f", "-", "-h", "--null", "-C", localDir.toAbsolutePath().toString(), "-T", "-");
        byte[] list = nulList(paths);
        master.sessions().acquire();
        try {
            List<Process> pipeline = ProcessBuilder.startPipeline(List.of(
                    new ProcessBuilder(tar),
                    new ProcessBuilder(master.client(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD)));
            Process local = pipeline.get(0);
            Process remote = pipeline.get(1);
            Drain localErr = new Drain(local.getErrorStream(), "openssh-tar-stderr");
            Drain remoteErr = new Drain(remote.getErrorStream(), "openssh-stderr");
            try {
                try (OutputStream out = local.getOutputStream()) {
                    out.write(list);
                } catch (IOException e) {
                    // tar ended early; its status and message say why
                }
                int localStatus = local.waitFor();
                int remoteStatus = remote.waitFor();
                localErr.join(OpenSshProcesses.DRAIN_WAIT);
                remoteErr.join(OpenSshProcesses.DRAIN_WAIT);
                if (remoteStatus != 0) {
                    processes.check(new OpenSshProcesses.Result(remoteStatus, "", remoteErr.text(), null), command,
                            "file transfer to " + remoteDir + " on " + transport.describe() + " failed");
                }
                if (localStatus != 0) {
                    throw new IOException("cannot send files of " + localDir + " to " + transport.describe() + ":\n"
                            + new ExecResult(Shell.join(tar), localStatus, "", localErr.text()).evidence());
                }
            } catch (InterruptedException e) {
                pipeline.forEach(Process::destroy);
                throw e;
            } finally {
                pipeline.forEach(p -> {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                });
            }
        } finally {
            master.sessions().release();
        }
    }

    private static byte[] nulList(List<String> paths) {
        return String.join("\0", paths.stream().map(p -> p.isEmpty() ? "." : p).toList()).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * rsync from {@code remoteDir} into {@code localDir} with the list on its stdin ({@code --files-from}, so no
     * command line limit and paths stay relative). The remote rsync starts in {@code remoteDir} ({@code cd DIR && rsync}),
     * which must exist, so no remote path ever passes through a shell but that one quoted word.
     */
    private Result rsyncDown(List<String> paths, String remoteDir, Path localDir) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("rsync", "-r", "-t", "--from0", "--files-from=-"));
        argv.addAll(List.of("-e", master.clientBase().stream().map(Shell::quote).reduce((a, b) -> a + " " + b).orElseThrow(),
                "--rsync-path=cd " + Shell.quote(remoteDir) + " && rsync"));
        String remote = (options.host().contains(":") ? "[" + options.host() + "]" : options.host()) + ":./";
        argv.addAll(List.of(remote, localDir.toAbsolutePath() + "/"));
        byte[] list = nulList(paths);
        return processes.run(argv, ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.PIPE, p -> {
            try (OutputStream out = p.getOutputStream()) {
                out.write(list);
            }
        }, false);
    }

    /** rsync on both sides, for downloads; asked once per transport. */
    private boolean useRsync() throws IOException, InterruptedException {
        switch (options.treeMethod()) {
            case RSYNC:
                return true;
            case TAR:
                return false;
            default:
                break;
        }
        synchronized (this) {
            if (rsync != null) {
                return rsync;
            }
        }
        boolean here = onPath("rsync");
        boolean there = here && transport.exec(List.of("sh", "-c", "command -v rsync"), Duration.ofSeconds(30)).ok();
        synchronized (this) {
            rsync = here && there;
            return rsync;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> checked(List<String> relativePaths) throws IOException {
        List<String> out = new ArrayList<>();
        for (String p : relativePaths) {
            out.add(TarPolicy.checkRelative(p));
        }
        return out;
    }
}
