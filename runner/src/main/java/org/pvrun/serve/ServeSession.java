package org.pvrun.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.pvrun.ExitCode;
import org.pvrun.PvrunException;
import org.pvrun.run.Interruption;
import org.pvrun.scheduler.JobResources;
import org.pvrun.scheduler.Scheduler;
import org.pvrun.scheduler.Schedulers;
import org.pvrun.spec.Target;
import org.pvrun.connect.Connection;
import org.pvrun.connect.Transports;

/**
 * One interactive session (docs/serve.md): check the client's and the server's ParaView versions, submit
 * pvserver as a batch job through the target's scheduler, wait until it listens (or, reversed, until it has
 * dialled the client), forward a local port to it through the target's SSH connection, then wait until
 * pvserver exits (its client disconnected) or Ctrl-C. Whatever ends it, the job is cancelled (unless
 * {@code --detach} and Ctrl-C), the forwards are closed and the connection with them.
 *
 * <p>The connection is every command's ({@link Transports#connect}): JSch or the system's OpenSSH client as the
 * target's {@code transport:} says, reconnecting as {@code PVRUN_RECONNECT} allows, the same host-key trust. All
 * cleanup runs on the session's own thread: on Ctrl-C the shutdown hook only sets the flag that the loops check
 * every 100 ms and waits for {@link #run} to finish, so the cancel command never races the closing of the
 * connection it travels on.
 */
public final class ServeSession {
    private final ServeOptions o;
    private final Target target;
    private final Scheduler scheduler;

    public ServeSession(ServeOptions options, Target target) {
        this.o = options;
        this.target = target;
        this.scheduler = Schedulers.forName(target.scheduler());
        try {
            JobResources.of(PvserverJob.resources(target, options.time()));
        } catch (IllegalArgumentException e) {
            throw PvrunException.invalid("target " + target.name() + ": " + e.getMessage());
        }
    }

    /** Runs the session; returns 0 when pvserver ended by itself, 1 when it failed, 130 after Ctrl-C. */
    public int run() {
        Path pvsc = o.pvsc() != null ? o.pvsc() : ServerConfigFile.defaultPath(target.name(), o.env());
        if (o.dryRun()) {
            ServeDryRun.print(o, target, scheduler, pvsc);
            return ExitCode.OK;
        }
        CountDownLatch done = new CountDownLatch(1);
        try (AutoCloseable hook = Interruption.awaitBeforeExit(done)) {
            try (Connection c = Transports.connect(target, o.acceptNewHostKey(), o.env(), o.err())) {
                return new LiveSession(o, target, scheduler, c, pvsc).run();
            }
        } catch (PvrunException e) {
            throw e;
        } catch (IOException e) {
            throw PvrunException.environment("on target " + target.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            done.countDown();
        }
    }
}
