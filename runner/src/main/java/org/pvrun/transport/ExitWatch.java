package org.pvrun.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A watch on a remote host, where there is no inotify to ask from here: one command at a time waits on the host
 * until the number of {@code *.exit} files in a folder changes, or for at most {@code patience}, and prints the
 * number. A thread of its own runs it, so the monitor's thread stays free to notice Ctrl-C; a change wakes
 * {@link #await}. Each check on the host is a glob and a test, built into the shell (no process per check but
 * {@code sleep}), four times a second; with nothing new, one command per {@code patience}. When a command fails
 * (a dropped connection, a host without {@code sh}) the watch stops and {@link #working} says so: it does not
 * retry, so that reconnecting is left to the monitor's thread (a connection is opened under its lock, which a
 * retry from here could hold while the host is dark), and the monitor, which reads the files at its own
 * cadence meanwhile, starts a new watch once its own commands work again.
 */
public final class ExitWatch implements Transport.Watch {
    /**
     * The host's side: {@code $1} the folder, {@code $2} the count last seen ({@code -1} at first, which answers at
     * once), {@code $3} the patience in seconds. A POSIX {@code sleep} may not take fractions; then it checks once a
     * second.
     */
    static final String SCRIPT = "d=$1; last=$2; secs=$3; "
            + "if sleep 0.01 2>/dev/null; then step=0.25; k=4; else step=1; k=1; fi; i=$((secs * k)); "
            + "while :; do set -- \"$d\"/*.exit; if [ -e \"$1\" ]; then n=$#; else n=0; fi; "
            + "if [ \"$n\" != \"$last\" ] || [ \"$i\" -le 0 ]; then echo \"$n\"; exit 0; fi; "
            + "i=$((i - 1)); sleep $step; done";

    private final Transport t;
    private final String dir;
    private final long patienceSeconds;
    private final Thread thread;
    /** At most one permit: there is news since the last {@link #await} that took it. */
    private final Semaphore news = new Semaphore(0);
    private volatile boolean working = true;
    private volatile boolean closed;

    private ExitWatch(Transport t, String dir, Duration patience) {
        this.t = t;
        this.dir = dir;
        this.patienceSeconds = Math.max(1, (patience.toMillis() + 999) / 1000);
        this.thread = new Thread(this::watch, "pvrun-exit-watch");
        thread.setDaemon(true);
    }

    /** Starts watching {@code dir} on the host {@code t} reaches, a command at most every {@code patience}. */
    public static ExitWatch start(Transport t, String dir, Duration patience) {
        ExitWatch w = new ExitWatch(t, dir, patience);
        w.thread.start();
        return w;
    }

    /** The command that waits on the host for a count other than {@code last}. */
    static List<String> command(String dir, int last, long patienceSeconds) {
        return List.of("sh", "-c", SCRIPT, "sh", dir, Integer.toString(last), Long.toString(patienceSeconds));
    }

    /** The count a command printed, or -1 if its output is not one. */
    static int count(String stdout) {
        try {
            return Integer.parseInt(stdout.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void watch() {
        int last = -1;
        Duration timeout = Duration.ofSeconds(patienceSeconds + 60);
        while (!closed) {
            try {
                ExecResult r = t.exec(command(dir, last, patienceSeconds), timeout);
                int n = r.exitStatus() == 0 ? count(r.stdout()) : -1;
                if (n < 0) {
                    working = false;
                    return;
                }
                if (n != last) {
                    signal(); // the first answer too: a job may have ended since the monitor's first read
                }
                last = n;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                working = false;
                return;
            }
        }
    }

    private void signal() {
        if (news.availablePermits() == 0) {
            news.release(); // only this thread releases, so there is never more than one
        }
    }

    @Override
    public boolean await(long millis) throws InterruptedException {
        return news.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean working() {
        return working;
    }

    /** Stops the thread; a command still waiting on the host ends by itself within the patience. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
