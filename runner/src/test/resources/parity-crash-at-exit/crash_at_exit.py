# Writes its image, then crashes while the interpreter exits (a library's atexit handler dereferencing NULL),
# as some scripts with native extensions do: the image is good, the process dies of SIGSEGV.
import atexit
import ctypes

from paraview.simple import *

Show(Sphere())
Render()
SaveScreenshot('sphere.png', ImageResolution=[160, 120])
atexit.register(lambda: ctypes.string_at(0))
