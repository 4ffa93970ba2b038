"""Runs pipeline tasks inside one pvbatch process (on every MPI rank).

pvbatch runs this file with one argument, a job file (JSON) that lists the tasks of this job. For each task
the unmodified user script runs as if pvbatch had started it: current directory = the task's own working
directory, sys.argv = [script] + the task's arguments, __name__ == '__main__'. Its stdout and stderr (file
descriptors 1 and 2, so ParaView's C++ messages too) go to the task's log; its exit status goes to the task's
status file, written after its outputs, under a temporary name and then renamed. A failing task does not stop
the tasks after it. See docs/runtime.md.
"""
import json
import os
import runpy
import sys
import traceback


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


def run_task(task, rank):
    import pvrun

    pvrun._load(task)
    log_fd = os.open(task["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = (os.dup(1), os.dup(2))
    saved_argv, saved_path, saved_cwd = list(sys.argv), list(sys.path), os.getcwd()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    code = 0
    try:
        os.chdir(task["dir"])
        script = task["script"]
        sys.argv = [script] + list(task.get("argv", []))
        sys.path.insert(0, os.path.dirname(script))
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException as exc:  # the task failed; report it and go on with the next one
        _print_script_traceback(exc, task["script"])
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
    if rank == 0:
        _write_status(task["status"], code)
    return code


def _print_script_traceback(exc, script):
    """The traceback from the script's first frame on: the driver's and runpy's frames say nothing."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    if tb is None and isinstance(exc, SyntaxError):
        traceback.print_exception(type(exc), exc, None)  # file, line and caret say it all
        return
    traceback.print_exception(type(exc), exc, tb if tb is not None else exc.__traceback__)


def _reset_session():
    simple = sys.modules.get("paraview.simple")
    if simple is not None and hasattr(simple, "ResetSession"):
        simple.ResetSession()


def main():
    if len(sys.argv) != 2:
        print("usage: pvbatch pvrun_driver.py JOB.json|JOBDIR", file=sys.stderr)
        return 2
    with open(_job_file(sys.argv[1])) as f:
        job = json.load(f)
    rank = _rank()
    failed = 0
    for i, task in enumerate(job["tasks"]):
        if i > 0:
            _reset_session()
        if run_task(task, rank) != 0:
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
