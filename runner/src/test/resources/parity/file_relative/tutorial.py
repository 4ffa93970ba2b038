# Tutorial style: data beside the script, results in an output folder beside the script.
from pathlib import Path

from paraview.simple import *

here = Path(__file__).resolve().parent
out = here / 'output'
out.mkdir(exist_ok=True)
radius = float((here / 'radius.txt').read_text().split()[0])
sphere = Sphere(Radius=radius, ThetaResolution=16, PhiResolution=16)
view = GetActiveViewOrCreate('RenderView')
view.ViewSize = [200, 150]
Show(sphere, view)
ResetCamera(view)
SaveScreenshot(str(out / 'sphere.png'), view, ImageResolution=[200, 150])
SaveData(str(Path(__file__).parent / 'output' / 'sphere.pvtp'), proxy=sphere)  # .vtp has no writer with 2 ranks
# and the tutorial's animation: its frames into output/frames beside the script (5.11 does not create the folder)
(out / 'frames').mkdir(exist_ok=True)
GetAnimationScene().NumberOfFrames = 3
SaveAnimation(str(out / 'frames' / 'turn.png'), view, ImageResolution=[200, 150])
