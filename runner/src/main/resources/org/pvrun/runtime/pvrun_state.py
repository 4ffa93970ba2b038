"""A ParaView state file rendered headless (docs/state-files.md).

With ``state: x.pvsm`` in the spec the task loads the state instead of running a script: its copy in the task
folder is rewritten so that every data file it names is the file pvrun matched for it in the task folder (an
input or a data link, by base name or by the spec's state_files), then loaded, and each view (``view-N.png``)
or each layout (``layout-N.png``) is saved; N counts from 0 in the order the state lists them. With
``animation:`` the state's own animation scene is saved through SaveAnimation instead
(``frames/view-N.0000.png`` ...), which pvrun_frames splits across tasks as it does a script's.

Why not ``LoadState(path, data_directory=..., restrict_to_data_directory=True)``: in ParaView 5.11 it finds
a file only directly in the data directory under its base name (an input under ``data/`` was not found), and
a file it does not find is not an error: the reader gets an empty file name and the state loads all the same
(measured). Rewriting the paths in the state's XML works the same in every ParaView that reads the state
(5.9 to 5.11), with names in sub-folders and renamed files too; pvrun has checked before queueing that every
file has its match.
"""

import os
import xml.etree.ElementTree as ET

#: a reader's properties that hold its data files (as pvrun's StateFile reads them)
FILE_PROPERTIES = ("FileName", "FileNames")


def remap(xml_bytes, files, folder):
    """The state with each data path in ``files`` (as the state names it) replaced by its name's path in
    ``folder``; other values as they were. Returns (bytes, the paths it replaced)."""
    root = ET.fromstring(xml_bytes)
    state = root if root.tag == "ServerManagerState" else root.find("ServerManagerState")
    replaced = []
    for proxy in state.findall("Proxy"):
        if proxy.get("group") != "sources":
            continue
        for prop in proxy.findall("Property"):
            if prop.get("name") not in FILE_PROPERTIES:
                continue
            for element in prop.findall("Element"):
                value = element.get("value")
                if value in files:
                    element.set("value", os.path.join(folder, files[value]))
                    replaced.append(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), replaced


def _listed(path, collection):
    """The registration names of a collection (views, layouts) in the order the state lists them."""
    state = ET.parse(path).getroot()
    state = state if state.tag == "ServerManagerState" else state.find("ServerManagerState")
    for c in state.findall("ProxyCollection"):
        if c.get("name") == collection:
            return [item.get("name") for item in c.findall("Item")]
    return []


def render(state_copy, folder, options, animated):
    """Loads the state (its copy in the task folder, rewritten in place) and saves its images.

    ``options``: {"files": {state path: name in the folder}, "views": "all"|"layout", "resolution": [w, h]}.
    """
    with open(state_copy, "rb") as f:
        text, replaced = remap(f.read(), options.get("files", {}), folder)
    with open(state_copy, "wb") as f:
        f.write(text)
    print("pvrun: state %s: %d data path%s remapped to %s" % (os.path.basename(state_copy), len(replaced),
                                                            "" if len(replaced) == 1 else "s", folder), flush=True)
    import paraview.simple as simple
    from paraview import servermanager
    simple.LoadState(state_copy)
    pxm = servermanager.ProxyManager()
    layouts = options.get("views") == "layout"
    group, stem = ("layouts", "layout") if layouts else ("views", "view")
    names = _listed(state_copy, group)
    extra = {}
    if options.get("resolution"):
        extra["ImageResolution"] = list(options["resolution"])
    if animated:
        os.makedirs("frames", exist_ok=True)
    for n, name in enumerate(names):
        proxy = pxm.GetProxy(group, name)
        if proxy is None:
            raise RuntimeError("the state lists %s '%s', but ParaView did not load it" % (stem, name))
        target = servermanager._getPyProxy(proxy)
        if animated:
            # simple.SaveAnimation is pvrun_frames' split while the task runs: this task's window only
            simple.SaveAnimation(os.path.join("frames", "%s-%d.png" % (stem, n)), target, **extra)
        else:
            simple.SaveScreenshot("%s-%d.png" % (stem, n), target, **extra)
