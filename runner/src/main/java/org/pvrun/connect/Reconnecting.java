package org.pvrun.connect;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.pvrun.PvrunException;
import org.pvrun.spec.Durations;
import org.pvrun.transport.ConnectionLostException;
import org.pvrun.transport.ExecResult;
import org.pvrun.transport.Transport;

/**
 * Repeats an operation whose connection dropped, after reconnecting with exponential backoff (1 s, 2 s, 4 s ...
 * at most 30 s apart; the last one shortened to end with the budget) until the waits add up to a budget ({@value #ENV}, default 2 minutes, {@code 0} to never
 * retry). Every operation of {@link Transport} may be repeated: commands pvrun runs through {@link #exec} are
 * queries or idempotent (mkdir -p, rm -f, tar into place), uploads and downloads write temporary names and
 * rename. {@link #execOnce} is for the one kind that is not (a job submission): repeated only when the
 * connection was down before the command was sent.
 */
public final class Reconnecting implements Transport {
    public static final String ENV = "PVRUN_RECONNECT";
    static final Duration DEFAULT_BUDGET = Duration.ofMinutes(2);
    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final Transport inner;
    private final Duration budget;
    private final PrintStream notes;
    private final Duration firstWait;

    public Reconnecting(Transport inner, Duration budget, PrintStream notes) {
        this(inner, budget, notes, FIRST_WAIT);
    }

    Reconnecting(Transport inner, Duration budget, PrintStream notes, Duration firstWait) {
        this.inner = inner;
        this.budget = budget;
        this.notes = notes;
        this.firstWait = firstWait;
    }

    /** The budget {@value #ENV} sets: a duration such as 90s or 5m, or 0; exit 2 for anything else. */
    public static Duration budget(Map<String, String> env) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            return DEFAULT_BUDGET;
        }
        if (v.strip().equals("0")) {
            return Duration.ZERO;
        }
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid(ENV + ": " + e.getMessage());
        }
    }

    private interface Op<T> {
        T run() throws IOException, InterruptedException;
    }

    private interface VoidOp {
        void run() throws IOException, InterruptedException;
    }

    /** {@link #retry} for an operation that returns nothing; all of them may be repeated. */
    private void retry(String what, VoidOp op) throws IOException, InterruptedException {
        retry(what, true, () -> {
            op.run();
            return null;
        });
    }

    private <T> T retry(String what, boolean repeatable, Op<T> op) throws IOException, InterruptedException {
        // the budget counts the waits only: a long transfer cut near its end still gets its retries
        Duration waited = Duration.ZERO;
        Duration wait = firstWait;
        for (int attempt = 1; ; attempt++) {
            try {
                return op.run();
            } catch (ConnectionLostException e) {
                if (!repeatable && e.mayHaveRun()) {
                    throw new ConnectionLostException("the connection to " + inner.describe() + " dropped while it ran "
                            + what + "; it may or may not have taken effect, so it was not repeated: " + e.getMessage(), e, true);
                }
                if (waited.compareTo(budget) >= 0) {
                    throw new ConnectionLostException("lost the connection to " + inner.describe() + " and gave up after "
                            + attempt + " attempt" + (attempt == 1 ? "" : "s") + " and " + shown(waited) + " of waiting ("
                            + ENV + "=" + Durations.human(budget) + "): " + e.getMessage(), e, e.mayHaveRun());
                }
                Duration left = budget.minus(waited);
                Duration pause = wait.compareTo(left) > 0 ? left : wait; // the last wait ends with the budget
                notes.printf("pvrun: lost the connection to %s (%s); reconnecting in %s%n", inner.describe(),
                        firstLine(e.getMessage()), shown(pause));
                notes.flush();
                Thread.sleep(Math.max(1, pause.toMillis()));
                waited = waited.plus(pause);
                wait = wait.multipliedBy(2).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.multipliedBy(2);
            }
        }
    }

    /** Whole seconds from a second on (a wait cut to the budget's rest is about as long), else milliseconds. */
    private static String shown(Duration d) {
        return Durations.human(d.toMillis() >= 1000 ? Duration.ofSeconds(Math.round(d.toMillis() / 1000.0))
                : Duration.ofMillis(d.toMillis()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public ExecResult exec(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        return retry(String.join(" ", argv), true, () -> inner.exec(argv, timeout));
    }

    @Override
    public ExecResult execOnce(List<String> argv, Duration timeout) throws IOException, InterruptedException {
        return retry(String.join(" ", argv), false, () -> inner.execOnce(argv, timeout));
    }

    @Override
    public void mkdirs(String remoteDir, int mode) throws IOException, InterruptedException {
        retry("mkdir", () -> inner.mkdirs(remoteDir, mode));
    }

    @Override
    public void upload(Path local, String remotePath) throws IOException, InterruptedException {
        retry("upload", () -> inner.upload(local, remotePath));
    }

    @Override
    public void download(String remotePath, Path local) throws IOException, InterruptedException {
        retry("download", () -> inner.download(remotePath, local));
    }

    @Override
    public void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException, InterruptedException {
        retry("download", () -> inner.downloadTree(remoteDir, relativePaths, localDir));
    }

    @Override
    public void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException, InterruptedException {
        retry("upload", () -> inner.uploadTree(localDir, relativePaths, remoteDir));
    }

    /** The inner transport's watch, not repeated: a monitor without one polls. */
    @Override
    public Watch watch(List<String> dirs) throws IOException {
        return inner.watch(dirs);
    }

    /**
     * The inner transport's, not repeated here: a failed command stops the watch, and the monitor polls on its own
     * (its commands reconnect) and starts another once they work again.
     */
    @Override
    public Watch watchExits(String dir, Duration patience) throws IOException {
        return inner.watchExits(dir, patience);
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
