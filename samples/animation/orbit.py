# A camera orbit around a contoured wavelet, saved frame by frame with SaveAnimation: an ordinary pvbatch
# script (run it bare with `pvbatch orbit.py`); pipelines/animation.yaml splits its frames across tasks.
import os

from paraview.simple import *

wavelet = Wavelet()
contour = Contour(Input=wavelet, ContourBy=['POINTS', 'RTData'], Isosurfaces=[157.0])
view = GetActiveViewOrCreate('RenderView')
display = Show(contour, view)
ColorBy(display, ('POINTS', 'RTData'))

scene = GetAnimationScene()
scene.PlayMode = 'Sequence'
scene.NumberOfFrames = 24
track = GetCameraTrack(view=view)
start = CameraKeyFrame(KeyTime=0.0, Position=[0, -60, 25], FocalPoint=[0, 0, 0], ViewUp=[0, 0, 1])
end = CameraKeyFrame(KeyTime=1.0, Position=[60, 0, 25], FocalPoint=[0, 0, 0], ViewUp=[0, 0, 1])
track.KeyFrames = [start, end]

os.makedirs('frames', exist_ok=True)  # SaveAnimation does not create it
SaveAnimation('frames/orbit.png', view, ImageResolution=[320, 240])
