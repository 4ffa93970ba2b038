# Packed tasks on two ranks: each task's ranks read the input by a relative path and write their pieces in
# the task's folder; task n == 1 then blocks in C past its timeout, which ends its pvbatch, so the task
# after it runs in a new one.
import ctypes

import pvrun
from paraview.simple import *

reader = XMLImageDataReader(FileName=['channel.vti'])
contour = Contour(Input=reader, ContourBy=['POINTS', 's'], Isosurfaces=[0.5])
SaveData('pieces.pvtp', proxy=contour)
if pvrun.param('n') == 1:
    ctypes.CDLL(None).system(b'sleep 60')
