# ParaView test-script style: the output folder comes as -T, options with several values.
import argparse
import os

from paraview.simple import *

parser = argparse.ArgumentParser()
parser.add_argument('-T', dest='temp_dir', required=True)
parser.add_argument('--size', type=int, nargs=2, default=[320, 240])
parser.add_argument('--resolution', type=int, default=8)
args = parser.parse_args()

cone = Cone(Resolution=args.resolution)
view = CreateView('RenderView')
view.ViewSize = args.size
Show(cone, view)
ResetCamera(view)
SaveScreenshot(os.path.join(args.temp_dir, 'cone.png'), view, ImageResolution=args.size)
with open(os.path.join(args.temp_dir, 'args.txt'), 'w') as f:
    f.write(repr(vars(args)) + '\n')
