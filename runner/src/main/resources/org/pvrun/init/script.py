"""{{name}}: a starter pvbatch script, written by 'pvrun init {{name}}'.

ParaView's built-in Wavelet source, cut by an isosurface, coloured by which way it faces, saved as
{{name}}.png. Replace the pipeline below with your own; keep the shape: read the params,
build the pipeline, render, save into the current directory (pvrun keeps what matches 'outputs').

Params (pvrun.params, or params.json), all optional:
  isovalue   RTData value of the isosurface   (default 157)
  width      image width in pixels             (default 800)
  height     image height in pixels            (default 600)

Runs under pvrun (pvrun {{name}}.yaml), or bare: pvbatch {{name}}.py (writes into the current directory).
Debian's pvbatch needs an X display even offscreen; pvrun starts a private Xvfb when there is none.
"""
# Under pvrun the params come from the spec; run bare, from params.json beside you, else the defaults.
try:
    import pvrun
    P = pvrun.params
except ImportError:
    import json
    import os
    P = json.load(open('params.json')) if os.path.exists('params.json') else {}

from paraview.simple import (
    ColorBy, Contour, CreateView, GetColorTransferFunction, Outline, SaveScreenshot, Show, Wavelet)

isovalue = float(P.get('isovalue', 157))
width = int(P.get('width', 800))
height = int(P.get('height', 600))

# The data. For a file listed in the spec's 'inputs', open it by its name instead:
#   from paraview.simple import OpenDataFile
#   source = OpenDataFile('wave.vti')
source = Wavelet(WholeExtent=[-10, 10, -10, 10, -10, 10])
surface = Contour(Input=source, ContourBy=['POINTS', 'RTData'], Isosurfaces=[isovalue],
                  ComputeNormals=1)

# A view of its own, sized like the image, so nothing depends on a GUI's layout.
view = CreateView('RenderView')
view.ViewSize = [width, height]
view.Background = [0.12, 0.13, 0.17]
try:                                   # ParaView 5.10+: the colour palette would override Background
    view.UseColorPaletteForBackground = 0
except AttributeError:
    pass

shown = Show(surface, view)
ColorBy(shown, ('POINTS', 'Normals', 'Z'))        # the z component of the surface normal
shown.RescaleTransferFunctionToDataRange(True, False)
GetColorTransferFunction('Normals').ApplyPreset('Cool to Warm', True)
box = Show(Outline(Input=source), view)
box.DiffuseColor = box.AmbientColor = [0.8, 0.8, 0.8]

view.ResetCamera()
camera = view.GetActiveCamera()
camera.Azimuth(35)
camera.Elevation(25)
view.ResetCamera()

# Relative paths land in the task's folder; pvrun keeps the files that match 'outputs'.
SaveScreenshot('{{name}}.png', view, ImageResolution=[width, height])
# Printed lines go to the task's log (results/.../logs/0000.log).
print('{{name}}.png: isovalue=%g, %d triangles, %dx%d' % (
    isovalue, surface.GetDataInformation().GetNumberOfCells(), width, height))
