"""Runs pipeline tasks inside one pvbatch process.

pvbatch runs this file with one argument, a job file (JSON) that lists the tasks of this job. For each task
the unmodified user script runs as if pvbatch had started it: current directory = the task's own working
directory, sys.argv = [script] + the task's arguments, __name__ == '__main__'. Its stdout and stderr (file
descriptors 1 and 2, so ParaView's C++ messages too) go to the task's log; its exit status goes to the task's
status file, written after its outputs, under a temporary name and then renamed. A failing task does not stop
the tasks after it. Under MPI, pvbatch runs this on rank 0 only; the other ranks execute the ParaView
pipeline in parallel (pvbatch's default, non-symmetric mode) and are moved into each task's directory
through the pipeline (OtherRanks). __file__ is a copy of the script in the task's directory. A task over
its timeout is stopped by a watchdog outside the interpreter (pvrun_ranks). pvbatch's exit status is 0
once every task has run, whatever their verdicts. See docs/runtime.md.
"""
import errno
import gc
import json
import os
import shutil
import signal
import sys
import traceback
import types

import pvrun_frames
import pvrun_outside
import pvrun_ranks
import pvrun_state


class TaskTimeout(BaseException):
    """Raised in the script when its task's time is up (a BaseException: a script's 'except Exception' must
    not swallow it)."""


def _rank():
    for var in ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID", "PALS_RANKID"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var])
    return 0


def _job_file(arg):
    # Array jobs pass a directory; the element picks its own job file.
    if os.path.isdir(arg):
        return os.path.join(arg, "job-%s.json" % os.environ.get("PVRUN_ARRAY_INDEX", "0"))
    return arg


def _write_status(path, code):
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % code)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _link_inputs(task):
    """Each input appears in the task directory under its name, as a link to the staged file."""
    for name, source in sorted(task.get("inputs", {}).items()):
        link = os.path.join(task["dir"], name)
        if not os.path.lexists(link):
            os.makedirs(os.path.dirname(link), exist_ok=True)
            try:
                os.symlink(source, link)
            except FileExistsError:  # another rank made it first
                pass


def _clean(task, keep=()):
    """A task starts in an empty directory but for its params, also when it is run again (retries), and but
    for the files in ``keep``: the frames an earlier attempt of a split animation task finished."""
    if keep:
        keep = set(keep)
        for root, dirs, files in os.walk(task["dir"], topdown=False):
            for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                path = os.path.join(root, name)
                if path not in keep and not (root == task["dir"] and name == "params.json"):
                    os.unlink(path)
            if root != task["dir"] and not os.listdir(root):
                os.rmdir(root)
        return
    for name in os.listdir(task["dir"]):
        if name == "params.json":
            continue
        path = os.path.join(task["dir"], name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def _started_marker(task):
    return _beside_status(task, ".started")


def _beside_status(task, suffix):
    status = task["status"]
    return (status[:-len(".exit")] if status.endswith(".exit") else status) + suffix


def _report_outside(task, paths):
    """Lists the files the task wrote outside its folder in status/NNNN.outside (one path a line), which pvrun
    reads at the end of the run."""
    target = _beside_status(task, ".outside")
    if paths:
        tmp = "%s.tmp-%d" % (target, os.getpid())
        with open(tmp, "w") as f:
            f.write("".join(p.replace("\n", "?") + "\n" for p in paths))
        os.replace(tmp, target)
    elif os.path.exists(target):
        os.unlink(target)  # from an earlier attempt


class OtherRanks:
    """Ranks 1..N-1, which run no Python of their own (pvbatch's non-symmetric mode): they are given Python
    through a ProgrammableSource, whose script runs on every rank when it updates (rank 0 skips it, see
    pvrun_ranks). Measured here: an update costs a few milliseconds. With one rank, nothing is done."""

    def __init__(self):
        # the driver imports paraview.simple at its end anyway, and nearly every script at its start
        try:
            from paraview import servermanager
            self.active = servermanager.vtkProcessModule.GetProcessModule().GetNumberOfLocalPartitions() > 1
        except (ImportError, AttributeError):  # a stand-in ParaView (pvrun's training run, tests)
            self.active = False
        if self.active:
            import paraview.simple  # noqa: F401  (it fills servermanager.sources)
        self.runtime = os.path.dirname(os.path.abspath(__file__))

    def enter(self, directory, timeout):
        self._run("satellite_enter(%r, %r)" % (directory, timeout))

    def leave(self):
        self._run("satellite_leave()")

    def _run(self, call):
        if not self.active:
            return
        from paraview import servermanager
        try:
            source = servermanager.sources.ProgrammableSource()  # not registered: invisible to the script
            source.Script = ("import sys\nif %r not in sys.path: sys.path.insert(0, %r)\nimport pvrun_ranks\n"
                             "pvrun_ranks.%s\n" % (self.runtime, self.runtime, call))
            source.UpdatePipeline()
            del source
        except Exception as exc:  # the task goes on with rank 0 in its folder; the log says why the rest may not be
            print("pvrun: cannot reach the other ranks (%s: %s); they stay in %s" % (type(exc).__name__, exc,
                                                                                    os.getcwd()), file=sys.stderr)
            self.active = False


def _on_alarm(signum, frame):
    raise TaskTimeout()


def _script_copy(task):
    """The script as if it lived in the task folder: a copy there under its own name (a copy, not a link, so
    that Path(__file__).resolve().parent is the task folder too). The collection never takes it as an output."""
    name = os.path.basename(task["script"])
    copy = os.path.join(task["dir"], name)
    if not os.path.lexists(copy):  # an input of that name wins
        shutil.copyfile(task["script"], copy)
    return copy


def run_task(task, rank, others, outside, stop_file=None):
    import pvrun

    animation = task.get("animation")
    done_log = _beside_status(task, pvrun_frames.DONE_SUFFIX)
    kept = pvrun_frames.kept_frames(done_log, task["dir"]) if animation else {}
    _clean(task, kept.values())
    _link_inputs(task)
    script = _script_copy(task)
    pvrun._load(task)
    log_fd = os.open(task["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = (os.dup(1), os.dup(2))
    saved_argv, saved_path, saved_cwd = list(sys.argv), list(sys.path), os.getcwd()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    # pvbatch's sys.stdout and sys.stderr hand text to VTK's output window, which under srun holds it in a
    # buffer of its own until pvbatch exits (by then fd 1 is the job's output again, and a crash loses it):
    # the script writes to the log directly instead
    saved_streams = (sys.stdout, sys.stderr)
    ours = tuple(os.fdopen(os.dup(fd), "w", buffering=1, errors="backslashreplace") for fd in (1, 2))
    sys.stdout, sys.stderr = ours
    if rank == 0:
        # the task has started: a job that dies from here on without the verdict died in this task
        open(_started_marker(task), "w").close()
    code = 0
    split = None
    timeout = task.get("timeout")
    if task.get("attempt", 1) > 1:
        print("---- pvrun: attempt %d ----" % task["attempt"], flush=True)
    try:
        # every rank moves into the task folder, each with a watchdog when there is a timeout
        pvrun_ranks.enter(task["dir"], timeout + pvrun_ranks.GRACE if timeout else None, task["status"],
                          "%ss" % timeout, task["log"])
        others.enter(task["dir"], timeout)
        if timeout:
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, float(timeout))
        # as pvbatch sets them for "pvbatch SCRIPT" run in the task folder
        sys.argv = [os.path.basename(script)] + list(task.get("argv", []))
        sys.path.insert(0, task["dir"])
        if animation:
            # this task renders its window of the script's SaveAnimation (docs/animations.md), frame by frame
            if kept:
                print("pvrun: %d frames done by an earlier attempt are kept" % len(kept), flush=True)
            split = pvrun_frames.Split(animation["part"], animation["parts"],
                                       task["status"] + pvrun_frames.RECORD_SUFFIX if rank == 0 else None,
                                       done_log if rank == 0 else None,
                                       _beside_status(task, pvrun_frames.PROGRESS_SUFFIX), kept, stop_file,
                                       animation.get("times"), animation.get("frames_per_task", 0),
                                       animation.get("count", False))
        outside.start(task["dir"], os.path.dirname(task["status"]))
        if task.get("state") is not None:
            # a state file instead of a script: the copy is the state, rewritten and loaded (docs/state-files.md)
            pvrun_state.render(script, task["dir"], task["state"], split is not None)
        else:
            _run_as_main(script)
    except SystemExit as exc:
        code = _exit_code(exc)
    except pvrun_frames.Counted as exc:
        print("pvrun: counted %s; nothing rendered (the count run of frames_per_task)" % exc, flush=True)
        exc.__traceback__ = None
    except pvrun_frames.WallTime as exc:
        print("pvrun: %s; the rest is submitted again" % exc, file=sys.stderr)
        exc.__traceback__ = None
        code = pvrun_frames.STOPPED
    except TaskTimeout as exc:
        print("pvrun: task timed out after %ss; stopped" % timeout, file=sys.stderr)
        exc.__traceback__ = None
        code = 124  # as coreutils timeout

    except BaseException as exc:  # the task failed; report it and go on with the next one
        if _no_space(exc):
            _failed_for_space(task, exc, os.path.basename(script))
        else:
            _print_script_traceback(exc, os.path.basename(script))
        exc.__traceback__ = None  # its frames hold the script's objects
        code = 1
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
        written_outside = outside.stop()
        if split is not None:
            split.restore()
        for p in written_outside:
            try:
                print("pvrun: wrote %s outside the task folder: not collected" % p, file=sys.stderr)
            except Exception:  # the script closed the stream
                pass
        pvrun_ranks.leave()
        others.leave()
        for stream in ours:
            try:
                stream.close()
            except Exception:  # the script closed it already
                pass
        sys.stdout, sys.stderr = saved_streams
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
    if rank == 0:
        _report_outside(task, written_outside)
        _write_status(task["status"], code)
    return code


def _run_as_main(script):
    """Runs a script as __main__ (what runpy.run_path does), then drops everything it created.

    The script's globals must be gone before the next task and before ParaView shuts down: a render view
    that outlives its session into interpreter exit ends pvbatch with an X error (GLXBadContext) on
    Debian's 5.11 under Xvfb, so the module is cleared and collected here, whatever the script did.
    """
    with open(script, "rb") as f:
        # named as the user named it: a traceback must not point into scratch that is gone after the run
        code = compile(f.read(), os.path.basename(script), "exec")
    module = types.ModuleType("__main__")
    module.__file__ = script
    module.__builtins__ = __builtins__
    saved_main = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules["__main__"] = saved_main
        module.__dict__.clear()
        gc.collect()


def _print_script_traceback(exc, script):
    """The traceback from the script's first frame on: the driver's and runpy's frames say nothing."""
    sys.stderr.write(_script_traceback(exc, script))


def _script_traceback(exc, script):
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    if tb is None and isinstance(exc, SyntaxError):
        return "".join(traceback.format_exception(type(exc), exc, None))  # file, line and caret say it all
    return "".join(traceback.format_exception(type(exc), exc, tb if tb is not None else exc.__traceback__))


def _no_space(exc):
    """Whether the task failed because a disk filled (ENOSPC; EDQUOT, a quota), or of what that caused."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _failed_for_space(task, exc, script):
    """A task whose outputs did not fit. What it wrote is incomplete and holds the space its own traceback and
    verdict need, and the tasks after it: its folder is emptied (as before a retry), its files closed first (the
    frames of the traceback hold them; an open file's space stays taken after its name is gone), then the
    traceback goes to the log, which says what was removed. docs/runtime.md#a-full-disk"""
    text = _script_traceback(exc, script)
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = None
        exc = exc.__cause__ or exc.__context__
    gc.collect()
    count, size = 0, 0
    own = {os.path.join(task["dir"], n) for n in ("params.json", os.path.basename(task["script"]))}
    for root, _, names in os.walk(task["dir"]):
        for name in names:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path) and path not in own:
                count += 1
                size += os.path.getsize(path)
    _clean(task)
    try:
        sys.stderr.write(text)
        print("pvrun: the disk is full: removed the %d files of this task (%d bytes), which cannot be complete, so "
              "that the tasks after it have room" % (count, size), file=sys.stderr)
        sys.stderr.flush()
    except OSError:  # the disk is still full: the verdict comes first
        pass


# Proxy groups a script can fill: everything the next task must not see. The session's own singletons
# (settings, time keeper, animation scene, material library) stay.
_SCRIPT_GROUPS = ("sources", "representations", "views", "layouts", "lookup_tables", "piecewise_functions",
                  "scalar_bars", "extractors", "annotations", "transfer_2d_functions", "implicit_functions",
                  "selection_sources", "lights", "textures")


def _reset_between_tasks(mode):
    """Clears what the last task built, so the next one starts as in a fresh pvbatch.

    "session": paraview.simple.ResetSession() (ParaView 5.11+), a new server-manager session; about 0.25 s.
    "pipeline" (default): unregisters every proxy a script can create (sources, views, layouts, lookup tables,
    representations...) and clears the active objects; the session and its settings stay. About 0.1 s (most of
    it destroying the views), and it spares the next task the cost of a new session. Tested to give
    byte-identical images to a fresh process per task (docs/sweeps.md#isolation).
    """
    simple = sys.modules.get("paraview.simple")
    if simple is None:
        return
    if mode == "session" and hasattr(simple, "ResetSession"):
        simple.ResetSession()
        return
    try:
        from paraview import servermanager
    except ImportError:  # a paraview package without a server manager (pvrun's own stand-in): nothing to clear
        return
    pxm = servermanager.ProxyManager()
    # ParaView's own controller (what paraview.simple.Delete uses): it also takes each view out of the time
    # keeper and the animation scene and drops the proxies' helpers, which would otherwise keep every task's
    # views and render windows alive (about 30 MB and a few per cent of a task's time more per task).
    controller = servermanager.vtkSMParaViewPipelineController()
    for group in _SCRIPT_GROUPS:
        for (name, _), proxy in list(pxm.GetProxiesInGroup(group).items()):
            if pxm.GetProxy(group, name) is not None:  # not gone with a proxy unregistered before it
                controller.UnRegisterProxy(proxy.SMProxy)
    for group in _SCRIPT_GROUPS:  # what the controller leaves (a lookup table's 2D transfer functions)
        for (name, _), proxy in list(pxm.GetProxiesInGroup(group).items()):
            pxm.UnRegisterProxy(group, name, proxy)
    simple.SetActiveSource(None)
    simple.SetActiveView(None)
    gc.collect()


def main():
    # the pvrun accessor module lives beside this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if len(sys.argv) != 2:
        print("usage: pvbatch pvrun_driver.py JOB.json|JOBDIR", file=sys.stderr)
        sys.exit(2)  # nothing rendered yet, so exiting through SystemExit is safe
    job_file = _job_file(sys.argv[1])
    with open(job_file) as f:
        job = json.load(f)
    pvrun_ranks.relaunch_marker = job_file[:-len(".json")] + ".again" if job_file.endswith(".json") else ""
    rank = _rank()
    pvrun_ranks.is_driver = True
    pvrun_frames.listen_for_stop()
    others = OtherRanks()
    outside = pvrun_outside.OutsideWrites()
    ran = 0
    for task in job["tasks"]:
        if os.path.exists(task["status"]):
            continue  # this pvbatch replaces one a timeout ended (pvrun_ranks): the task has its verdict
        if ran > 0:
            _reset_between_tasks(job.get("reset", "pipeline"))
        # the job script leaves this beside the job file when the scheduler's end-of-time signal comes
        run_task(task, rank, others, outside, job_file[:-len(".json")] + ".stop" if job_file.endswith(".json") else None)
        ran += 1
    # A script that used only paraview.servermanager leaves pvbatch 5.11 waiting in MPI_Barrier at exit
    # when paraview.simple was never imported; importing it costs nothing once ParaView is up.
    import paraview.simple  # noqa: F401
    _limit_exit()


def _limit_exit():
    """Ends pvbatch if it has not exited PVRUN_EXIT_GRACE seconds (default 60) after the last task.

    pvrun collects at the last verdict and does not wait for pvbatch to exit, so a pvbatch that never exits
    (a thread the script left running, which Python waits for; MPI's finalisation stuck) would stay on the
    node for good, holding memory and, without a scheduler, a core. An alarm left at its default action ends
    the process even from inside C++ teardown (pvbatch blocks SIGTERM there); a normal exit comes first.
    """
    try:
        grace = int(os.environ.get("PVRUN_EXIT_GRACE", "60"))
    except ValueError:
        grace = 60
    if grace > 0:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(grace)


if __name__ == "__main__":
    # No sys.exit here: pvbatch 5.11 ending through SystemExit tears its render windows down after the X
    # connection and dies of GLXBadContext (exit 1). Task verdicts are in the status files; pvbatch's own
    # exit status only says whether the driver ran to its end.
    main()
