"""Generate samples/data/wavelet-32.vti, the small data file shipped with the
slice-extracts sample.

    cd samples/data && pvpython make_data.py     # or: pvbatch make_data.py

Writes a 32x32x32 image (32768 points) with two point arrays:
  RTData  - the Wavelet source's scalar field (float)
  Radius  - distance from the grid centre (float)
"""
import os
import sys

from paraview.simple import Calculator, SaveData, Wavelet

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'wavelet-32.vti')

wavelet = Wavelet(WholeExtent=[-16, 15, -16, 15, -16, 15])
radius = Calculator(Input=wavelet, ResultArrayName='Radius', ResultArrayType='Float',
                    Function='sqrt(coordsX^2+coordsY^2+coordsZ^2)')
SaveData(out, proxy=radius, CompressorType='ZLib')
print('wrote %s (%d bytes)' % (out, os.path.getsize(out)))
