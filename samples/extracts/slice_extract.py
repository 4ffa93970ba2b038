"""Extracts sample: slices through a shipped .vti file, saved as data as well
as an image. Configured by its own command line (argparse), so it shows how a
pvrun spec's `args:` with {param} substitution reaches a script.

usage: slice_extract.py [--input FILE] [--field NAME] [--slices N]
                        [--out DIR] [--width W] [--height H]

  --input   image data to read               (default wavelet-32.vti, in the cwd)
  --field   point array to colour / sample   (default RTData; the shipped file
                                              also has Radius)
  --slices  number of z-normal slices        (default 3)
  --out     directory for the data extracts  (default extracts)
  --width/--height  image size               (default 1280x720)

Outputs (cwd):
  slices.png            the slices coloured by FIELD, with the data's outline
  OUT/slices.vtp        all slices as one polydata (points carry every array)
  OUT/line.csv          all point arrays + arc_length sampled along the volume's diagonal (PlotOverLine)

Bare run: cp samples/data/wavelet-32.vti into an empty dir, then
  pvbatch slice_extract.py --field RTData --slices 3 --out extracts
"""
import argparse
import os
import sys

from paraview.simple import (
    ColorBy, CreateView, GetColorTransferFunction, GetScalarBar, Outline,
    PlotOverLine, SaveData, SaveScreenshot, Show, Slice, Text,
    XMLImageDataReader)

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('--input', default='wavelet-32.vti')
parser.add_argument('--field', default='RTData')
parser.add_argument('--slices', type=int, default=3)
parser.add_argument('--out', default='extracts')
parser.add_argument('--width', type=int, default=1280)
parser.add_argument('--height', type=int, default=720)
args = parser.parse_args(sys.argv[1:])
if args.slices < 1:
    parser.error('--slices must be >= 1')

reader = XMLImageDataReader(FileName=[args.input])
reader.UpdatePipeline()
if args.field not in reader.PointData.keys():
    parser.error('--field %s: not a point array of %s (has: %s)' % (
        args.field, args.input, ', '.join(reader.PointData.keys())))
x0, x1, y0, y1, z0, z1 = reader.GetDataInformation().GetBounds()
lo, hi = reader.PointData[args.field].GetRange()

# N evenly spaced z-normal slices strictly inside the volume
zc = 0.5 * (z0 + z1)
offsets = [z0 + (z1 - z0) * (i + 1) / (args.slices + 1) - zc for i in range(args.slices)]
slices = Slice(Input=reader)
slices.SliceType = 'Plane'
slices.SliceType.Origin = [0.5 * (x0 + x1), 0.5 * (y0 + y1), zc]
slices.SliceType.Normal = [0, 0, 1]
slices.SliceOffsetValues = offsets

line = PlotOverLine(Input=reader, Point1=[x0, y0, z0], Point2=[x1, y1, z1],
                    Resolution=200)

# --- data extracts -----------------------------------------------------------------
os.makedirs(args.out, exist_ok=True)          # SaveData does not create directories
vtp = os.path.join(args.out, 'slices.vtp')
csv = os.path.join(args.out, 'line.csv')
SaveData(vtp, proxy=slices, CompressorType='ZLib')
SaveData(csv, proxy=line, Precision=6)

# --- image ---------------------------------------------------------------------------
view = CreateView('RenderView')
view.ViewSize = [args.width, args.height]
view.Background = [0.12, 0.13, 0.17]
try:
    view.UseColorPaletteForBackground = 0
except AttributeError:
    pass

shown = Show(slices, view)
ColorBy(shown, ('POINTS', args.field))
lut = GetColorTransferFunction(args.field)
lut.ApplyPreset('Cool to Warm', True)
lut.RescaleTransferFunction(lo, hi)
shown.SetScalarBarVisibility(view, True)
bar = GetScalarBar(lut, view)
bar.Title = args.field
bar.ComponentTitle = ''
bar.RangeLabelFormat = '%-#.1f'

box = Show(Outline(Input=reader), view)
box.AmbientColor = box.DiffuseColor = [0.9, 0.9, 0.9]
diag = Show(line, view)
diag.AmbientColor = diag.DiffuseColor = [1.0, 1.0, 0.3]
diag.LineWidth = 3
ColorBy(diag, None)

label = Show(Text(Text='%s: %d slice%s of %s' % (
    os.path.basename(args.input), args.slices, '' if args.slices == 1 else 's',
    args.field)), view)
label.WindowLocation = 'Upper Center'
label.FontSize = 26
label.Color = [1, 1, 1]

# oblique view from the front-right, z up, so the stack of slices reads clearly
view.CameraFocalPoint = [0.5 * (x0 + x1), 0.5 * (y0 + y1), zc]
view.CameraPosition = [0.5 * (x0 + x1) + 1.0, 0.5 * (y0 + y1) - 1.6, zc + 0.9]
view.CameraViewUp = [0, 0, 1]
view.ResetCamera()
view.GetActiveCamera().Dolly(1.1)

SaveScreenshot('slices.png', view, ImageResolution=[args.width, args.height])
print('wrote slices.png, %s (%d points), %s' % (
    vtp, slices.GetDataInformation().GetNumberOfPoints(), csv))
