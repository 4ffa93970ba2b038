# A script that writes where it was told, not in its current directory: with an absolute folder those files
# are outside the task folder, never collected, and pvrun names them. One file inside is collected as usual.
import os
import sys

from paraview.simple import *

where = sys.argv[1]
with open(os.path.join(where, 'note.txt'), 'w') as f:
    f.write('written by open()\n')
cone = Cone()
view = CreateView('RenderView')
view.ViewSize = [120, 90]
Show(cone, view)
SaveScreenshot(os.path.join(where, 'cone.png'), view, ImageResolution=[120, 90])
SaveData(os.path.join(where, 'cone.vtp'), proxy=cone)
SaveScreenshot('inside.png', view, ImageResolution=[120, 90])
