package org.pvrun.bench;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.pvrun.transport.Transport;
import org.pvrun.util.Shell;

/**
 * Transfers: pvrun's two SSH transports against scp, rsync and tar over ssh, on the same sshd. The transports are
 * timed in this JVM on an open connection (as in a run, which opens one per run); the tools as a user runs them, a
 * new process and login each time, and again sharing one OpenSSH master connection ("shared master") so that the
 * OpenSSH transport is compared with the best OpenSSH can do.
 */
final class TransferCases {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final java.time.Duration T = java.time.Duration.ofMinutes(5);

    private TransferCases() {}

    static long bigSize(Bench.Context ctx) {
        return ctx.quickMode() ? 16 * MIB : GIB;
    }

    static int manyCount(Bench.Context ctx) {
        return ctx.quickMode() ? 100 : 2000;
    }

    static String sizeText(long bytes) {
        return bytes >= GIB ? bytes / GIB + " GiB" : bytes / MIB + " MiB";
    }

    /** The ssh/scp/rsync options that reach the login host with the cluster's configuration. */
    static List<String> scp(Bench.Context ctx, boolean shared, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("scp", "-q", "-F", ctx.sshConfig()));
        if (shared) {
            argv.addAll(List.of("-o", ctx.controlPathOption()));
        }
        argv.addAll(List.of(args));
        return argv;
    }

    static String sshCommand(Bench.Context ctx, boolean shared) throws Exception {
        return "ssh -F " + Shell.quote(ctx.sshConfig()) + (shared ? " -o " + Shell.quote(ctx.controlPathOption()) : "");
    }

    static Transport connected(Bench.Context ctx, String target) throws Exception {
        Transport t = ctx.open(target);
        t.exec(List.of("true"), T);
        return t;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 20];
            int n;
            while ((n = in.read(b)) > 0) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static long countFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** {@code count} files of 100 KiB in 20 folders, made on the login host by its own tools. */
    static void makeManyRemote(Bench.Context ctx, String dir, int count) throws Exception {
        int perDir = count / 20;
        ctx.ssh("set -e; mkdir -p " + dir + "; cd " + dir + "; for d in $(seq -w 0 19); do mkdir d$d; "
                + "head -c " + perDir * 102400 + " /dev/urandom | (cd d$d && split -b 102400 -a 3 - f); done");
    }

    // ------------------------------------------------------------------------------------------------ cases

    static final class LargeDownload implements BenchCase {
        @Override
        public String id() {
            return "large-download";
        }

        @Override
        public String title() {
            return "One large file, host to here";
        }

        @Override
        public String description() {
            return "A file of random bytes (1 GiB; 16 MiB with --quick) from the login host. Targets: JSch transport"
                    + " ≤ 1.2 × `scp`; OpenSSH transport ≤ 1.05 × the fastest OpenSSH tool. Every copy's size is checked,"
                    + " and the first copy of each transport against the SHA-256 computed on the host.";
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            long size = bigSize(ctx);
            String remote = ctx.remote() + "/big.bin";
            ctx.ssh("head -c " + size + " /dev/urandom > " + remote);
            String sum = ctx.ssh("sha256sum " + remote).split(" ")[0];
            Path dest = ctx.local().resolve("big.bin");
            String src = ctx.loginAlias() + ":" + remote;
            try (Transport jsch = connected(ctx, "jsch"); Transport openssh = connected(ctx, "openssh")) {
                new Comparison(sizeText(size) + " download")
                        .tool("scp", () -> ctx.run(scp(ctx, false, src, dest.toString())))
                        .tool("scp, shared master", () -> ctx.run(scp(ctx, true, src, dest.toString())))
                        .tool("ssh cat, shared master", () -> ctx.sh(sshCommand(ctx, true) + " " + ctx.loginAlias() + " cat "
                                + remote + " > " + Shell.quote(dest.toString())))
                        .candidate("pvrun JSch `download`", () -> jsch.download(remote, dest), "scp", 1.2)
                        .candidate("pvrun OpenSSH `download`", () -> openssh.download(remote, dest), Comparison.BEST, 1.05)
                        .beforeEach(() -> Files.deleteIfExists(dest))
                        .afterEach((name, warmUp) -> {
                            if (Files.size(dest) != size) {
                                throw new IllegalStateException("copy has " + Files.size(dest) + " bytes, not " + size);
                            }
                            if (warmUp && !sha256(dest).equals(sum)) {
                                throw new IllegalStateException(name + ": the copy's SHA-256 differs from the original's");
                            }
                        })
                        .run(ctx);
                Files.deleteIfExists(dest);
            }
        }
    }

    static final class LargeUpload implements BenchCase {
        @Override
        public String id() {
            return "large-upload";
        }

        @Override
        public String title() {
            return "One large file, here to host";
        }

        @Override
        public String description() {
            return "The same in the other direction, as inputs are staged (1 GiB; 16 MiB with --quick). The remote copy"
                    + " is removed (untimed) before every run. No target in the issue; the download targets are applied.";
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            long size = bigSize(ctx);
            Path src = ctx.local().resolve("big.bin");
            ctx.sh("head -c " + size + " /dev/urandom > " + src);
            String sum = sha256(src);
            String remote = ctx.remote() + "/up.bin";
            String dst = ctx.loginAlias() + ":" + remote;
            try (Transport jsch = connected(ctx, "jsch"); Transport openssh = connected(ctx, "openssh")) {
                new Comparison(sizeText(size) + " upload")
                        .tool("scp", () -> ctx.run(scp(ctx, false, src.toString(), dst)))
                        .tool("ssh cat, shared master", () -> ctx.sh(sshCommand(ctx, true) + " " + ctx.loginAlias() + " 'cat > "
                                + remote + "' < " + Shell.quote(src.toString())))
                        .candidate("pvrun JSch `upload`", () -> jsch.upload(src, remote), "scp", 1.2)
                        .candidate("pvrun OpenSSH `upload`", () -> openssh.upload(src, remote), Comparison.BEST, 1.05)
                        .beforeEach(() -> openssh.exec(List.of("rm", "-f", remote), T))
                        .afterEach((name, warmUp) -> {
                            String n = openssh.exec(List.of("stat", "-c", "%s", remote), T).stdout().strip();
                            if (!n.equals(Long.toString(size))) {
                                throw new IllegalStateException("remote copy has " + n + " bytes, not " + size);
                            }
                            if (warmUp && !openssh.exec(List.of("sha256sum", remote), T).stdout().startsWith(sum)) {
                                throw new IllegalStateException(name + ": the remote copy's SHA-256 differs from the original's");
                            }
                        })
                        .run(ctx);
            }
        }
    }

    static final class ManyDownload implements BenchCase {
        @Override
        public String id() {
            return "many-download";
        }

        @Override
        public String title() {
            return "Many small files, host to here";
        }

        @Override
        public String description() {
            return "2000 files of 100 KiB in 20 folders (100 with --quick), as images and extracts come back."
                    + " Targets: JSch `downloadTree` ≤ 1.4 × `rsync -a`; OpenSSH `downloadTree` ≤ 1.05 × the fastest OpenSSH"
                    + " tool. The OpenSSH transport's tar method (its fallback when a side has no rsync) is shown for"
                    + " comparison. Every copy's file count is checked.";
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            int count = manyCount(ctx);
            makeManyRemote(ctx, ctx.remote() + "/many", count);
            Path dest = ctx.local().resolve("copy");
            String src = ctx.loginAlias() + ":" + ctx.remote() + "/many";
            List<String> wanted = List.of("many");
            try (Transport jsch = connected(ctx, "jsch"); Transport openssh = connected(ctx, "openssh");
                    Transport opensshTar = ctx.openWithTar("openssh")) {
                opensshTar.exec(List.of("true"), T);
                new Comparison(count + " files of 100 KiB, download")
                        .tool("rsync -a", () -> ctx.run(List.of("rsync", "-a", "-e", sshCommand(ctx, false), src, dest + "/")))
                        .tool("scp -r", () -> ctx.run(scp(ctx, false, "-r", src, dest + "/")))
                        .tool("rsync -a, shared master", () -> ctx.run(List.of("rsync", "-a", "-e", sshCommand(ctx, true), src,
                                dest + "/")))
                        .tool("tar \\| ssh \\| tar, shared master", () -> ctx.sh(sshCommand(ctx, true) + " " + ctx.loginAlias()
                                + " tar -cf - -C " + ctx.remote() + " many | tar -xf - -C " + Shell.quote(dest.toString())))
                        .candidate("pvrun JSch `downloadTree`", () -> jsch.downloadTree(ctx.remote(), wanted, dest), "rsync -a", 1.4)
                        .candidate("pvrun OpenSSH `downloadTree`", () -> openssh.downloadTree(ctx.remote(), wanted, dest),
                                Comparison.BEST, 1.05)
                        .candidate("pvrun OpenSSH `downloadTree`, tar method", () -> opensshTar.downloadTree(ctx.remote(), wanted,
                                dest), Comparison.BEST, 0)
                        .beforeEach(() -> {
                            Bench.deleteTree(dest);
                            Files.createDirectories(dest);
                        })
                        .afterEach((name, warmUp) -> {
                            long n = countFiles(dest);
                            if (n != count) {
                                throw new IllegalStateException("the copy has " + n + " files, not " + count);
                            }
                        })
                        .run(ctx);
            }
        }
    }

    static final class ManyUpload implements BenchCase {
        @Override
        public String id() {
            return "many-upload";
        }

        @Override
        public String title() {
            return "Many small files, here to host";
        }

        @Override
        public String description() {
            return "The same 2000 × 100 KiB the other way, as a run directory is staged (`scp -r` left out: it is the"
                    + " slowest by far). The remote copy is removed (untimed) before every run. The download targets are"
                    + " applied. The OpenSSH transport pipes the local tar into the host's (rsync measured slower here).";
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            int count = manyCount(ctx);
            Path src = ctx.local().resolve("src");
            Random random = new Random(1);
            byte[] data = new byte[102400];
            for (int i = 0; i < count; i++) {
                Path f = src.resolve(String.format(Locale.ROOT, "many/d%02d/f%04d", i % 20, i));
                Files.createDirectories(f.getParent());
                random.nextBytes(data);
                try (OutputStream out = Files.newOutputStream(f)) {
                    out.write(data);
                }
            }
            String dir = ctx.remote() + "/up";
            String dst = ctx.loginAlias() + ":" + dir + "/";
            List<String> wanted = List.of("many");
            try (Transport jsch = connected(ctx, "jsch"); Transport openssh = connected(ctx, "openssh")) {
                new Comparison(count + " files of 100 KiB, upload")
                        .tool("rsync -a", () -> ctx.run(List.of("rsync", "-a", "-e", sshCommand(ctx, false), src + "/many", dst)))
                        .tool("rsync -a, shared master", () -> ctx.run(List.of("rsync", "-a", "-e", sshCommand(ctx, true),
                                src + "/many", dst)))
                        .tool("tar \\| ssh \\| tar, shared master", () -> ctx.sh("tar -cf - -C " + Shell.quote(src.toString())
                                + " many | " + sshCommand(ctx, true) + " " + ctx.loginAlias() + " tar -xf - -C " + dir))
                        .candidate("pvrun JSch `uploadTree`", () -> jsch.uploadTree(src, wanted, dir), "rsync -a", 1.4)
                        .candidate("pvrun OpenSSH `uploadTree`", () -> openssh.uploadTree(src, wanted, dir), Comparison.BEST, 1.05)
                        .beforeEach(() -> openssh.exec(List.of("sh", "-c", "rm -rf \"$1\" && mkdir \"$1\"", "sh", dir), T))
                        .afterEach((name, warmUp) -> {
                            String n = openssh.exec(List.of("sh", "-c", "find \"$1\" -type f | wc -l", "sh", dir), T).stdout().strip();
                            if (!n.equals(Integer.toString(count))) {
                                throw new IllegalStateException("the remote copy has " + n + " files, not " + count);
                            }
                        })
                        .run(ctx);
            }
        }
    }

    static final class FetchMemory implements BenchCase {
        @Override
        public String id() {
            return "fetch-memory";
        }

        @Override
        public String title() {
            return "Memory while fetching a large file";
        }

        @Override
        public String description() {
            return "Peak resident set size (VmHWM) of a fresh JVM, started with the `pvrun` launcher's options, that"
                    + " opens a transport and fetches a 1 GiB file (16 MiB with --quick) with `downloadTree`, as results"
                    + " come back. Target ≤ 256 MiB. The probe is `org.pvrun.bench.FetchProbe`; the engine's own fetch adds"
                    + " hashing and its classes, for an end-to-end case to measure.";
        }

        @Override
        public boolean quick() {
            return true;
        }

        @Override
        public void run(Bench.Context ctx) throws Exception {
            long size = bigSize(ctx);
            ctx.ssh("head -c " + size + " /dev/urandom > " + ctx.remote() + "/big.bin");
            Bench.Table table = new Bench.Table(sizeText(size) + " fetched by a fresh JVM",
                    List.of("transport, method", "peak RSS MiB (median)", "max", "seconds (median)", "target"));
            for (String target : List.of("jsch", "openssh")) {
                for (String mode : List.of("tree")) {
                    List<Double> rss = new ArrayList<>();
                    List<Double> secs = new ArrayList<>();
                    for (int i = 0; i < Math.max(1, ctx.reps()); i++) {
                        Path dest = ctx.local().resolve("fetch");
                        Bench.deleteTree(dest);
                        String out = ctx.run(FetchProbe.command(ctx, target, mode, ctx.remote(), "big.bin", dest));
                        String[] f = out.strip().split("\\s+");
                        rss.add(Double.parseDouble(f[1]) / 1024);
                        secs.add(Double.parseDouble(f[3]));
                        if (Files.size(dest.resolve("big.bin")) != size) {
                            throw new IllegalStateException("the probe's copy has the wrong size");
                        }
                        Bench.deleteTree(dest);
                    }
                    Comparison.Stats r = Comparison.Stats.of(rss);
                    Comparison.Stats s = Comparison.Stats.of(secs);
                    boolean met = r.max() <= 256;
                    String name = target + " `" + (mode.equals("file") ? "download" : "downloadTree") + "`";
                    table.row(List.of(name, String.format(Locale.ROOT, "%.0f", r.median()),
                            String.format(Locale.ROOT, "%.0f", r.max()), Comparison.fmt(s.median()), "≤ 256 " + (met ? "✓" : "✗")));
                    ctx.figure("Peak RSS fetching " + sizeText(size) + ": " + name,
                            String.format(Locale.ROOT, "%.0f MiB (largest of %d)", r.max(), r.n()), "≤ 256 MiB", met);
                }
            }
            ctx.table(table);
        }
    }
}
