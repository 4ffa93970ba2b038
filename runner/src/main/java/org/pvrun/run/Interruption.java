package org.pvrun.run;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and SIGTERM: the JVM runs its shutdown hooks and ends with 128+signal (130 for SIGINT).
 * The hook stops every process pvrun started (whole trees: mpiexec and its ranks, Xvfb) and waits for the
 * running engine, whose own thread cancels the jobs through the connection it owns, asks the scheduler what
 * became of them, collects the tasks that had finished and records the rest as cancelled.
 */
public final class Interruption {
    private static final List<Runnable> STOPPERS = new CopyOnWriteArrayList<>();
    private static final List<CountDownLatch> FINISHERS = new CopyOnWriteArrayList<>();
    /**
     * How long the hook waits for the engine: cancelling waits up to 15 s for the queue to confirm, then the
     * finished tasks are fetched.
     */
    private static final long RECORD_WAIT_SECONDS = 90;
    private static volatile boolean interrupted;
    private static volatile boolean installed;

    private Interruption() {}

    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Runtime.getRuntime().addShutdownHook(new Thread(Interruption::onShutdown, "pvrun-shutdown"));
    }

    public static boolean interrupted() {
        return interrupted;
    }

    /** Registers an action that stops something pvrun started; returns a handle to deregister it. */
    public static AutoCloseable onInterrupt(Runnable stopper) {
        STOPPERS.add(stopper);
        return () -> STOPPERS.remove(stopper);
    }

    /** The engine counts this down once it has recorded the run; the hook waits for it. */
    public static AutoCloseable awaitBeforeExit(CountDownLatch done) {
        FINISHERS.add(done);
        return () -> FINISHERS.remove(done);
    }

    /** Destroys a process and all its descendants: SIGTERM first, SIGKILL after a grace period. */
    public static void destroyTree(ProcessHandle root, long graceMillis) {
        List<ProcessHandle> all = new java.util.ArrayList<>(root.descendants().toList());
        all.add(root);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.currentTimeMillis() + graceMillis;
        for (ProcessHandle h : all) {
            long left = deadline - System.currentTimeMillis();
            try {
                h.onExit().get(Math.max(1, left), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private static void onShutdown() {
        if (STOPPERS.isEmpty() && FINISHERS.isEmpty()) {
            return;
        }
        interrupted = true;
        for (Runnable r : STOPPERS) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // best effort: keep stopping the rest
            }
        }
        for (CountDownLatch l : FINISHERS) {
            try {
                l.await(RECORD_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
