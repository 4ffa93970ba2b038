"""pvrun doctor's render check: a sphere split over the MPI ranks, each rank's part in its own colour.

Writes doctor.png and doctor.json ({"ranks": N, "process_ids": [...]}) so pvrun can tell that offscreen
rendering made an image and that the ranks cooperated.
"""
import json

from paraview import servermanager
from paraview.simple import ColorBy, CreateView, ProcessIdScalars, SaveScreenshot, Show, Sphere

ranks = servermanager.vtkProcessModule.GetProcessModule().GetNumberOfLocalPartitions()
sphere = Sphere(ThetaResolution=64, PhiResolution=64)
ids = ProcessIdScalars(Input=sphere)
view = CreateView('RenderView')
view.ViewSize = [320, 240]
rep = Show(ids, view)
ColorBy(rep, ('POINTS', 'ProcessId'))
view.ResetCamera()
SaveScreenshot('doctor.png', view, ImageResolution=[320, 240])
lo, hi = ids.PointData['ProcessId'].GetRange()
json.dump({"ranks": ranks, "process_ids": list(range(int(lo), int(hi) + 1))}, open('doctor.json', 'w'))
