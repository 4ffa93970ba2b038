"""pvrun's accessor for pvbatch scripts: the parameters of the task being run.

    import pvrun
    iso = pvrun.param("isovalue", 157)     # one parameter, with a default
    pvrun.params                            # all of them, a dict
    pvrun.task_index                        # 0, 1, ... within the run

The same values are in params.json in the task's working directory, so a script can also read that file
and run without pvrun. See docs/runtime.md.
"""
import json
import os

params = {}
task_index = 0
run_dir = None


def param(name, default=None):
    """The value of one parameter, or default when the spec does not set it."""
    return params.get(name, default)


def _load(task):
    global params, task_index, run_dir
    params.clear()
    with open(os.path.join(task["dir"], "params.json")) as f:
        params.update(json.load(f))
    task_index = task.get("index", 0)
    run_dir = task.get("run_dir")


if not params and os.path.exists("params.json"):
    # imported by a script run without the driver (plain pvbatch in a task directory)
    with open("params.json") as f:
        params.update(json.load(f))
