# A time series rendered frame by frame: every step_*.vti in the current folder (make them with
# `pvpython make_steps.py`), contoured and saved with SaveAnimation, one frame per time step. An ordinary
# pvbatch script: run it bare with `pvbatch timeseries.py`; pvrun splits its frames across tasks
# (bench/run animation-split, docs/animations.md).
import glob
import os

from paraview.simple import *

files = sorted(glob.glob("step_*.vti"))
reader = XMLImageDataReader(FileName=files)
contour = Contour(Input=reader, ContourBy=['POINTS', 'RTData'], Isosurfaces=[200.0])
view = GetActiveViewOrCreate('RenderView')
display = Show(contour, view)
ColorBy(display, ('POINTS', 'RTData'))
view.CameraPosition = [90, -110, 70]
view.CameraFocalPoint = [0, 0, 0]
view.CameraViewUp = [0, 0, 1]

scene = GetAnimationScene()
scene.UpdateAnimationUsingDataTimeSteps()
scene.PlayMode = 'Snap To TimeSteps'

os.makedirs('frames', exist_ok=True)
SaveAnimation('frames/ts.png', view, ImageResolution=[640, 480])
