"""Files a task writes outside its folder: never collected, so pvrun names them (docs/runtime.md#outside-writes).

Two sources, as measured (docs/runtime.md): Python's audit hook sees every open() and os.open() for writing
made from Python (the script, numpy, matplotlib), but nothing ParaView writes from C++; wrapping
paraview.simple's save functions and writers' UpdatePipeline sees what ParaView writes (SaveScreenshot,
SaveAnimation, SaveExtracts, SaveState, SaveData and any writer's FileName), which the hook cannot. Both are
needed. Neither sees a file a C++ reader or a subprocess writes by itself.
"""
import os
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class OutsideWrites:
    def __init__(self):
        self.folder = None
        self.own = None
        self.paths = []
        home = os.path.expanduser("~")
        # where programs keep their own state, not results: devices, caches and settings (~/.cache, ~/.config)
        self.ignored = ("/dev/", "/proc/", "/sys/") + ((os.path.realpath(home) + os.sep + ".",)
                                                       if home.startswith("/") else ())
        sys.addaudithook(self._audit)
        self._wrap_paraview()

    def start(self, folder, own=None):
        """Watches from now on; ``own`` is the folder of pvrun's own records of the task (its status folder, where
        a split animation's frame logs are written while the script runs), not the script's writes."""
        self.paths = []
        self.folder = os.path.realpath(folder)
        self.own = os.path.realpath(own) + os.sep if own else None

    def stop(self):
        self.folder = None
        return list(self.paths)

    def note(self, path):
        """A file the task wrote (relative to the current directory); kept when it is outside the folder."""
        if self.folder is None or path is None or isinstance(path, int):
            return
        try:
            p = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError, OSError):
            return
        if p == self.folder or p.startswith(self.folder + os.sep) or p.startswith(self.ignored) \
                or os.sep + "__pycache__" + os.sep in p or (self.own and p.startswith(self.own)):
            return
        if p not in self.paths:
            self.paths.append(p)

    def _audit(self, event, args):
        if self.folder is None or event != "open":
            return
        try:
            path, mode, flags = args
            if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (mode is None and flags & _WRITE_FLAGS):
                self.note(path)
        except Exception:  # an audit hook must never break the call it watches
            pass

    def _wrap_paraview(self):
        try:
            from paraview import servermanager, simple
        except ImportError:
            return
        for name, key, default in (("SaveScreenshot", "filename", None), ("SaveAnimation", "filename", None),
                                   ("SaveState", "filename", None),
                                   ("SaveExtracts", "ExtractsOutputDirectory", "extracts")):
            f = getattr(simple, name, None)
            if f is not None:
                setattr(simple, name, self._noting(f, key, default))
        update = servermanager.SourceProxy.UpdatePipeline
        watch = self

        def UpdatePipeline(proxy, *args, **kwargs):
            # any writer (SaveData and CreateWriter end here too): its FileName is what it writes
            try:
                if proxy.SMProxy.GetXMLGroup() == "writers" and proxy.GetProperty("FileName") is not None:
                    watch.note(proxy.GetProperty("FileName").GetData())
            except Exception:
                pass
            return update(proxy, *args, **kwargs)

        UpdatePipeline.__doc__ = update.__doc__
        servermanager.SourceProxy.UpdatePipeline = UpdatePipeline

    def _noting(self, f, key, default):
        def wrapper(*args, **kwargs):
            self.note(kwargs.get(key, args[0] if args else default))
            return f(*args, **kwargs)

        wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = f.__name__, f.__doc__, f
        return wrapper
