"""Generate samples/state/wavelet.pvsm, the state file of the state sample (pipelines/state.yaml), as the
ParaView GUI would save it on a laptop: its data file named by an absolute path of that machine.

    cd samples/state && pvpython make_state.py      # needs an X display, as pvpython does (Xvfb: samples/README.md)

It copies ../data/wavelet-32.vti to /tmp/pvrun-laptop/sim/ (the "laptop" folder), opens it there, shows an
isosurface of RTData coloured by Radius and the data's outline in one 640x480 render view, saves the state,
and deletes the laptop folder again: only the state names it. pvrun finds the file among the spec's inputs
by its base name (docs/state-files.md).
"""
import os
import shutil
import sys

from paraview.simple import (ColorBy, Contour, GetActiveViewOrCreate, Outline, ResetCamera, SaveState, Show,
                             XMLImageDataReader)

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "wavelet.pvsm")
laptop = "/tmp/pvrun-laptop/sim"
os.makedirs(laptop, exist_ok=True)
data = shutil.copy(os.path.join(here, "..", "data", "wavelet-32.vti"), os.path.join(laptop, "wavelet-32.vti"))

reader = XMLImageDataReader(registrationName="wavelet-32.vti", FileName=[data])
contour = Contour(registrationName="isosurface", Input=reader, ContourBy=["POINTS", "RTData"],
                  Isosurfaces=[157.0], ComputeScalars=1)
view = GetActiveViewOrCreate("RenderView")
view.ViewSize = [640, 480]
view.OrientationAxesVisibility = 0
surface = Show(contour, view)
ColorBy(surface, ("POINTS", "Radius"))
surface.RescaleTransferFunctionToDataRange(True)
Show(Outline(registrationName="outline", Input=reader), view)
ResetCamera(view)
view.CameraPosition = [60.0, 40.0, 50.0]
ResetCamera(view)
SaveState(out)
shutil.rmtree(os.path.dirname(laptop))
print("wrote %s (%d bytes)" % (out, os.path.getsize(out)))
