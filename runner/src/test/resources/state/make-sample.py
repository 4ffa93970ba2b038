"""Makes sample.pvsm, the state file StateFileTest reads (a real ParaView state, saved by pvpython).

    DISPLAY=:61 pvpython make-sample.py /tmp/pvrun-state-sample/laptop sample.pvsm [keep]

It writes a time series of three .vtu files and one .vti into the data folder, then saves a state with two
render views side by side in one layout: a reader of the series (FileName with three elements) shown in the
first view, and a contour of the image (FileName with one element) in the second. Saved with ParaView 5.11.0
(Debian's paraview package); the data folder is deleted afterwards, so only the state names it (StateFileIT
passes "keep", renders the state bare, then moves the folder away itself).
"""
import os
import shutil
import sys

from paraview.simple import *  # noqa: F401,F403

folder, state = sys.argv[1], sys.argv[2]
os.makedirs(folder, exist_ok=True)
for i in range(3):
    SaveData(os.path.join(folder, "ball_%d.vtu" % i),
             proxy=MergeBlocks(Input=Sphere(ThetaResolution=8 + 4 * i, PhiResolution=8 + 4 * i)))
SaveData(os.path.join(folder, "wave.vti"), proxy=Wavelet())
for proxy in list(GetSources().values()):  # the writers' pipelines: not part of the state
    Delete(proxy)

balls = XMLUnstructuredGridReader(registrationName="balls",
                                  FileName=[os.path.join(folder, "ball_%d.vtu" % i) for i in range(3)])
wave = XMLImageDataReader(registrationName="wave", FileName=[os.path.join(folder, "wave.vti")])
contour = Contour(registrationName="contour", Input=wave, ContourBy=["POINTS", "RTData"], Isosurfaces=[150])

layout = CreateLayout("two views")
left = CreateView("RenderView")
left.ViewSize = [320, 240]
AssignViewToLayout(view=left, layout=layout, hint=0)
Show(balls, left)
ResetCamera(left)
layout.SplitHorizontal(0, 0.5)
right = CreateView("RenderView")
right.ViewSize = [320, 240]
AssignViewToLayout(view=right, layout=layout, hint=2)
Show(contour, right)
ResetCamera(right)
SaveState(state)
if sys.argv[3:] != ["keep"]:
    shutil.rmtree(folder)
