"""What every rank of a task does when the task starts and ends: move into the task's folder, and keep a
watchdog that stops the rank when the task overruns its timeout.

In pvbatch's default (non-symmetric) mode only rank 0 runs Python scripts; ranks 1..N-1 run ParaView's
data server and would keep the current directory they were started in (the run folder), so a reader's
relative FileName or a parallel writer's pieces would miss the task folder. The driver reaches them through
the pipeline itself: a ProgrammableSource's script runs on every rank when the source updates, and that
script calls satellite_enter / satellite_leave here. See docs/runtime.md.
"""
import os
import signal
import subprocess

# Seconds between the task's timeout (when the driver's own alarm asks the script to stop) and the watchdog's
# kill: enough for a C++ call that checks for interrupts to return, short enough that "stopped within a few
# seconds" holds.
GRACE = 2
# The other ranks' watchdogs fire this much later than rank 0's: rank 0's writes the verdict first, and its
# death normally ends the others through the MPI launcher already.
SATELLITE_EXTRA = 3

# A watchdog is a shell outside the interpreter: Python signal handlers do not run while pvbatch is inside a
# long C++ call (a SaveAnimation, a filter update; measured: an alarm due at 2 s ran at 8 s), but a SIGKILL
# from another process always ends it. $1 pid, $2 seconds, $3 status file (empty on the other ranks), $4 the
# timeout as the spec said it, $5 the task's log, $6 the file that asks the job script to start pvbatch again
# for the job's tasks still without a verdict (_body.sh.mustache). SIGTERM (from the driver when the task ended in time)
# ends the watchdog and its sleep. The rank's own children go too (what the script started: a system()
# call's shell and its command), but not the watchdog itself.
_WATCHDOG = r'''
trap 'kill "$pvrun_sleep" 2>/dev/null; exit 0' TERM
pvrun_tree() {
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        [ "$c" = "$$" ] || { pvrun_tree "$c"; printf '%s\n' "$c"; }
    done
}
sleep "$2" & pvrun_sleep=$!
wait "$pvrun_sleep"
kill -0 "$1" 2>/dev/null || exit 0
if [ -n "$3" ]; then
    [ -e "$3" ] && exit 0
    printf '\npvrun: task timed out after %s; stopped\n' "$4" >>"$5"
    printf '124\n' >"$3.tmp-$$" && mv -f "$3.tmp-$$" "$3"
    [ -z "$6" ] || : >"$6"
fi
kill -KILL "$1" $(pvrun_tree "$1") 2>/dev/null
'''

_watchdog = None
# on rank 0: the job's relaunch request (job-I.again beside the job file), see _WATCHDOG
relaunch_marker = ""
# set on the rank that runs the driver, where satellite_* do nothing (it has moved already)
is_driver = False


def enter(directory, seconds=None, status=None, shown=None, log=None):
    """Moves this rank into the task's folder; with a timeout, starts its watchdog."""
    os.chdir(directory)
    leave()
    if seconds:
        _start_watchdog(seconds, status or "", shown or "%ss" % seconds, log or os.devnull)


def leave():
    """The task ended in time: its watchdog goes."""
    global _watchdog
    if _watchdog is not None:
        try:
            _watchdog.send_signal(signal.SIGTERM)
            _watchdog.wait()
        except OSError:
            pass
        _watchdog = None


def satellite_enter(directory, seconds=None):
    if not is_driver:
        enter(directory, seconds + GRACE + SATELLITE_EXTRA if seconds else None)


def satellite_leave():
    if not is_driver:
        leave()


def _start_watchdog(after, status, shown, log):
    global _watchdog
    _watchdog = subprocess.Popen(["sh", "-c", _WATCHDOG, "pvrun-watchdog", str(os.getpid()), str(after), status,
                                  shown, log, relaunch_marker if status else ""], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, close_fds=True)
