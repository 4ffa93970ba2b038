"""One animation split across tasks (docs/animations.md).

With ``animation: {split: N}`` every task runs the unmodified script; when it calls ``SaveAnimation`` this
module renders only the task's window of frames, with the file names a single run gives (``x.0042.png`` is
frame 42 whichever task renders it), so the frames of all tasks together are the frames of one bare run.

The window is computed from the task's part and the animation's frame count, which ParaView's own
SaveAnimation options give for the script's scene and view (Sequence: NumberOfFrames; Snap To TimeSteps:
the time steps), so every task finds the same count. Each frame of the window is then rendered by setting
the scene to that frame's time (as ParaView's players compute it, with the scene's own render on a time
change switched off as SaveAnimation switches it off) and saving a screenshot under the name SaveAnimation
gives it. Not SaveAnimation's own FrameWindow: in ParaView 5.11 a window of several frames
drops frames at its edges ([1, 3] wrote nothing, [2, 4] wrote 2 and 3) and a window of one frame renders the
last frame at a slightly different time; screenshots at the player's times were byte-identical to a bare
run's frames (measured on a 10-frame camera orbit).

Frame by frame: after each frame rank 0 appends its number and file to the task's ``.fdone`` log and rewrites
``.fprog`` (``DONE TOTAL``, read by pvrun's progress line), both beside the task's status file. A later
attempt of the task (a retry, or the rest of a task stopped at its wall time) keeps the frames in the log whose
files are there and renders only the others. When the job's end-of-time signal has come
(Slurm's ``--signal=B:USR1@N``, Grid Engine's ``s_rt``: the job script then leaves ``job-I.stop`` beside the
job file; SIGUSR1 reaching pvbatch itself counts too) the task finishes the frame it is on, and stops with
exit status 75 (EX_TEMPFAIL): pvrun submits its remaining frames again.
"""

import json
import os
import signal

#: extensions SaveAnimation writes as one image per frame; a movie file cannot be split
IMAGE_SERIES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".ppm")
#: beside the task's status file: what the task rendered, read by pvrun when it makes the movie
RECORD_SUFFIX = ".frames"
#: beside the task's status file (without .exit): each frame done, "NUMBER FILE" a line, in the order made
DONE_SUFFIX = ".fdone"
#: beside the task's status file (without .exit): "DONE TOTAL" frames, rewritten after each frame
PROGRESS_SUFFIX = ".fprog"
#: a task stopped at its wall time with frames left (EX_TEMPFAIL): pvrun submits the rest again
STOPPED = 75
#: written in the task folder by the count run of ``frames_per_task:``: the animation's frame count
COUNT_FILE = "pvrun-frames.count"

#: set by SIGUSR1 (the job's end-of-time signal): the frame being rendered is the last
_stop_asked = False


class WallTime(Exception):
    """The task stopped at its wall time after a whole frame; its frames so far are recorded."""


class Counted(BaseException):
    """The count run of ``frames_per_task:``: the frames are counted and written, and the script goes no further
    (what it would do after its SaveAnimation is the render, which the real tasks do)."""


def _counted(total, write):
    """Ends the count run's script; rank 0 (``write``) leaves the count in the task folder."""
    if write:
        tmp = COUNT_FILE + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % total)
        os.replace(tmp, COUNT_FILE)
    raise Counted("%d frames" % total)


def _on_stop_signal(signum, frame):
    global _stop_asked
    _stop_asked = True


def listen_for_stop():
    """Installs the end-of-time signal's handler (once per pvbatch; harmless when no signal comes)."""
    signal.signal(signal.SIGUSR1, _on_stop_signal)


def _all_stop(stop_file):
    """Whether to stop after this frame: rank 0's word, broadcast so every rank stops after the same frame
    (a rank rendering one frame more would wait for the others in the render's collective calls)."""
    stop = 1 if _stop_asked or (stop_file and os.path.exists(stop_file)) else 0
    try:
        from paraview import servermanager
        controller = servermanager.vtkProcessModule.GetProcessModule().GetGlobalController()
    except Exception:
        controller = None
    if controller is not None and controller.GetNumberOfProcesses() > 1:
        from vtkmodules.vtkCommonCore import vtkIntArray
        flag = vtkIntArray()
        flag.SetNumberOfTuples(1)
        flag.SetValue(0, stop)
        controller.Broadcast(flag, 0)
        stop = flag.GetValue(0)
    return bool(stop)


def kept_frames(done_log, task_dir):
    """The frames an earlier attempt recorded done whose files are still in the task folder: number -> path."""
    kept = {}
    try:
        with open(done_log) as f:
            for line in f:
                if not line.endswith("\n"):
                    break  # a line being written when that attempt ended
                number, _, path = line.rstrip("\n").partition(" ")
                full = os.path.normpath(os.path.join(task_dir, path))
                if number.isdigit() and os.path.isfile(full):
                    kept[int(number)] = full
    except FileNotFoundError:
        pass
    return kept


def window(part, parts, frames, per_task=0):
    """The frames [lo, hi) of part ``part`` of ``parts``: contiguous, each frame in exactly one part; shared evenly,
    or with ``per_task`` windows of that many frames (the last part takes what is left: the task count was
    planned from the same frame count)."""
    if parts < 1 or not 0 <= part < parts:
        raise ValueError("part %d of %d" % (part, parts))
    if per_task > 0:
        lo = min(frames, part * per_task)
        return lo, frames if part == parts - 1 else min(frames, lo + per_task)
    return part * frames // parts, (part + 1) * frames // parts


def _full_window(filename, view, scene):
    """[first, last] as SaveAnimation itself would render them for this scene and view."""
    from paraview import servermanager
    controller = servermanager.ParaViewPipelineController()
    options = servermanager.misc.SaveAnimation()
    controller.PreInitializeProxy(options)
    options.AnimationScene = scene
    options.Layout = view if view.IsA("vtkSMViewLayoutProxy") else None
    options.View = view if view.IsA("vtkSMViewProxy") else None
    options.SaveAllViews = True if view.IsA("vtkSMViewLayoutProxy") else False
    options.UpdateDefaultsAndVisibilities(filename)
    controller.PostInitializeProxy(options)
    first, last = list(options.FrameWindow)
    del options
    return int(first), int(last)


def frame_times(scene):
    """The time of each frame, as ParaView's players step through them."""
    mode = scene.PlayMode
    start, end = scene.StartTime, scene.EndTime
    if mode == "Sequence":
        n = int(scene.NumberOfFrames)
        return [start] if n < 2 else [start + k * (end - start) / (n - 1) for k in range(n)]
    if mode == "Snap To TimeSteps":
        steps = [t for t in scene.TimeKeeper.TimestepValues if start <= t <= end]
        return steps if steps else [start]
    raise ValueError("animation: split needs the scene's PlayMode 'Sequence' or 'Snap To TimeSteps', not %r" % mode)


class _StillRenders:
    """The scene's own render on each time change switched off while a window is saved, as SaveAnimation does
    (vtkSMAnimationScene's OverrideStillRender): setting the frame's time would otherwise render every view at
    its own size before the screenshot renders it again at the image's (measured on a 60-frame time series:
    359 renders against SaveAnimation's 301, 13.5 s against 10.7 s; the frames are the same bytes)."""

    def __init__(self, scene):
        self.scene = None
        try:
            scene_object = scene.GetClientSideObject()  # None outside a built-in or symmetric session
            if scene_object is not None and hasattr(scene_object, "SetOverrideStillRender"):
                scene_object.SetOverrideStillRender(1)
                self.scene = scene_object
        except Exception:  # an older ParaView without it renders as before
            self.scene = None

    def restore(self):
        if self.scene is not None:
            self.scene.SetOverrideStillRender(0)


class Split:
    """Installed in paraview.simple for one task; ``restore`` puts ParaView's own SaveAnimation back.

    With ``times="all"`` it is the script's SaveScreenshot that is split instead (a script that loops over the time
    steps itself): call k is frame k; the task renders the calls in its window of T frames, T the time keeper's
    time steps at the first call, and skips the others (True, as ParaView returns), so the files of all tasks
    together are those of a bare run. The record lists the file of each frame, since the script names them."""

    def __init__(self, part, parts, record, done_log=None, progress=None, kept=None, stop_file=None, times=None,
                 per_task=0, count=False):
        import paraview.simple as simple
        self.simple = simple
        self.part = part
        self.parts = parts
        self.per_task = per_task
        self.count = count
        self.record = record
        self.done_log = done_log  # None on ranks other than 0
        self.progress = progress
        self.kept = kept or {}
        self.stop_file = stop_file
        self.done = 0
        self.saved = []
        self.times = times
        self.calls = 0
        self.frames = []  # times "all": [number, file relative to the task folder] of each frame rendered or kept
        if times is None:
            self.original = simple.SaveAnimation
            simple.SaveAnimation = self.save_animation
        elif times == "all":
            self.original = simple.SaveScreenshot
            simple.SaveScreenshot = self.save_screenshot
        else:
            raise ValueError("animation times: %r; only 'all' is known" % (times,))

    def save_animation(self, filename, viewOrLayout=None, scene=None, **params):
        simple = self.simple
        if not filename.lower().endswith(IMAGE_SERIES):
            raise ValueError("animation: split renders image series; SaveAnimation(%r) writes a movie file. "
                             "Save frames (e.g. 'frames/x.png') and let pvrun encode the movie "
                             "(animation: {movie: {file: x.mp4}})" % filename)
        view = viewOrLayout if viewOrLayout else simple.GetActiveView()
        scene = scene if scene else simple.GetAnimationScene()
        first, last = _full_window(filename, view, scene)
        asked = params.pop("FrameWindow", None)
        if asked is not None:
            first, last = max(first, int(asked[0])), min(last, int(asked[1]))
        suffix = params.pop("SuffixFormat", ".%04d")
        params.pop("FrameRate", None)
        times = frame_times(scene)
        total = max(0, last - first + 1)
        if self.count:
            _counted(total, self.record is not None)
        lo, hi = window(self.part, self.parts, total, self.per_task)
        base, ext = os.path.splitext(filename)
        self.saved.append({"file": filename, "first": first, "total": total,
                           "window": [first + lo, first + hi]})
        still = _StillRenders(scene)
        try:
            for k in range(first + lo, first + hi):
                name = base + (suffix % k) + ext
                if k in self.kept and self.kept[k] == os.path.normpath(os.path.abspath(name)):
                    self._frame_done(k, name, total, log=False)  # rendered by an earlier attempt
                    continue
                scene.AnimationTime = times[k]
                simple.SaveScreenshot(name, view, **params)
                self._frame_done(k, name, total)
                if k + 1 < first + hi and _all_stop(self.stop_file):
                    raise WallTime("stopped at the job's wall time after frame %d: %d of the task's %d frames done"
                                   % (k, k + 1 - first - lo, hi - lo))
        finally:
            still.restore()
        return True

    def save_screenshot(self, filename, viewOrLayout=None, **params):
        k = self.calls
        self.calls += 1
        if k == 0:
            total = len(self.simple.GetTimeKeeper().TimestepValues or [])
            if total == 0:
                raise ValueError("animation: {times: all} splits one SaveScreenshot per time step, but the time keeper "
                                 "has no time steps when the script first calls SaveScreenshot(%r): load the time "
                                 "series before the loop, or use SaveAnimation with animation: {split: N}" % filename)
            if self.count:
                _counted(total, self.record is not None)
            lo, hi = window(self.part, self.parts, total, self.per_task)
            self.saved.append({"file": filename, "first": 0, "total": total, "window": [lo, hi], "frames": self.frames})
        entry = self.saved[0]
        total, (lo, hi) = entry["total"], entry["window"]
        if k >= total:
            raise ValueError("animation: {times: all}: SaveScreenshot(%r) is call %d, but there are only %d time steps: "
                             "the script must save one screenshot per time step" % (filename, k + 1, total))
        if not lo <= k < hi:
            return True  # another task's frame
        name = os.path.normpath(os.path.abspath(filename))
        self.frames.append([k, os.path.relpath(name)])
        if k in self.kept and self.kept[k] == name:
            self._frame_done(k, filename, total, log=False)  # rendered by an earlier attempt
            return True
        result = self.original(filename, viewOrLayout, **params)
        self._frame_done(k, filename, total)
        if k + 1 < hi and _all_stop(self.stop_file):
            raise WallTime("stopped at the job's wall time after frame %d: %d of the task's %d frames done"
                           % (k, k + 1 - lo, hi - lo))
        return result

    def _frame_done(self, k, name, total, log=True):
        self.done += 1
        if self.done_log is None:
            return
        if log:
            with open(self.done_log, "a") as f:
                f.write("%d %s\n" % (k, name))
        tmp = self.progress + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d\n" % (self.done, total))
        os.replace(tmp, self.progress)

    def _write_record(self):
        if self.record is None:  # ranks other than 0
            return
        tmp = self.record + ".tmp"
        with open(tmp, "w") as f:
            record = {"part": self.part, "parts": self.parts, "animations": self.saved}
            if self.times is not None:
                record["times"] = self.times
            json.dump(record, f)
        os.replace(tmp, self.record)

    def restore(self):
        """ParaView's own SaveAnimation back, and the record written (after the outside-write watch ended: the
        record lives beside the task's status, not in its folder)."""
        if self.times is None:
            self.simple.SaveAnimation = self.original
        else:
            self.simple.SaveScreenshot = self.original
        if self.saved:
            self._write_record()
