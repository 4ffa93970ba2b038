"""Quickstart: Wavelet source -> isosurface, coloured by height (y), with a title.

Params (params.json / pvrun.params), all optional:
  isovalue   RTData value of the isosurface        (default 157)
  width      image width in pixels                 (default 1280)
  height     image height in pixels                (default 720)
  resolution Wavelet half-extent: grid is 2r+1 ^3   (default 10 -> 21^3)
  colormap   ParaView colour preset name           (default "Viridis (matplotlib)")
  title      title text                            (default "Wavelet isosurface RTData = <isovalue>")

Output: contour.png

Runs under pvrun, or bare:  pvbatch contour.py   (in any directory; writes there)
"""
try:
    import pvrun
    P = pvrun.params
except ImportError:
    import json
    import os
    P = json.load(open('params.json')) if os.path.exists('params.json') else {}

from paraview.simple import (
    ColorBy, Contour, CreateView, Elevation, GetColorTransferFunction,
    GetScalarBar, Outline, SaveScreenshot, Show, Text, Wavelet)

isovalue = float(P.get('isovalue', 157))
width = int(P.get('width', 1280))
height = int(P.get('height', 720))
r = int(P.get('resolution', 10))
preset = P.get('colormap', 'Viridis (matplotlib)')
title = P.get('title', 'Wavelet isosurface  RTData = %g' % isovalue)

wavelet = Wavelet(WholeExtent=[-r, r, -r, r, -r, r])
contour = Contour(Input=wavelet, ContourBy=['POINTS', 'RTData'],
                  Isosurfaces=[isovalue], ComputeNormals=1)
# colour the surface by height (y, the view-up axis) so its shape reads well
height_field = Elevation(Input=contour, LowPoint=[0, -r, 0], HighPoint=[0, r, 0],
                         ScalarRange=[0, 1])

view = CreateView('RenderView')
view.ViewSize = [width, height]
view.OrientationAxesVisibility = 1
view.Background = [0.12, 0.13, 0.17]
try:                                   # 5.10+: the palette would override Background
    view.UseColorPaletteForBackground = 0
except AttributeError:
    pass

surface = Show(height_field, view)
ColorBy(surface, ('POINTS', 'Elevation'))
lut = GetColorTransferFunction('Elevation')
lut.ApplyPreset(preset, True)
lut.RescaleTransferFunction(0.0, 1.0)
surface.Specular = 0.3
surface.SetScalarBarVisibility(view, True)
bar = GetScalarBar(lut, view)
bar.Title = 'height (y)'
bar.RangeLabelFormat = '%-#.1f'
bar.ComponentTitle = ''

box = Show(Outline(Input=wavelet), view)
box.AmbientColor = box.DiffuseColor = [0.8, 0.8, 0.8]

label = Show(Text(Text=title), view)
label.WindowLocation = 'Upper Center'
label.FontSize = 28
label.Color = [1, 1, 1]

view.ResetCamera()
camera = view.GetActiveCamera()
camera.Azimuth(35)
camera.Elevation(25)
view.ResetCamera()
camera.Dolly(1.15)

SaveScreenshot('contour.png', view, ImageResolution=[width, height])
print('contour.png: isovalue=%g, %d triangles, %dx%d' % (
    isovalue, contour.GetDataInformation().GetNumberOfCells(), width, height))
