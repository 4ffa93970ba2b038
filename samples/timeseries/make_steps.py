# Writes a time series for samples/timeseries/timeseries.py: step_000.vti ... step_NNN.vti, a wavelet whose
# maximum grows from step to step (pvpython make_steps.py [STEPS] [HALF_WIDTH]; defaults 120 and 31, 1 MB a step).
import sys

from paraview.simple import *

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 120
half = int(sys.argv[2]) if len(sys.argv) > 2 else 31
for t in range(steps):
    w = Wavelet(WholeExtent=[-half, half] * 3, Maximum=255.0 + 2.0 * t)
    SaveData("step_%03d.vti" % t, proxy=w)
    Delete(w)
