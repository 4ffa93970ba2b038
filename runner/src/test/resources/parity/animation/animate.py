# SaveAnimation of a few frames into a folder the script makes (5.11 does not create it).
import os

from paraview.simple import *

sphere = Sphere(ThetaResolution=24, PhiResolution=24)
view = GetActiveViewOrCreate('RenderView')
view.ViewSize = [160, 120]
Show(sphere, view)
ResetCamera(view)
track = GetAnimationTrack('Radius', index=0, proxy=sphere)
track.KeyFrames = [CompositeKeyFrame(KeyTime=0.0, KeyValues=[0.3]), CompositeKeyFrame(KeyTime=1.0, KeyValues=[0.6])]
scene = GetAnimationScene()
scene.PlayMode = 'Sequence'
scene.NumberOfFrames = 4
os.makedirs('frames', exist_ok=True)
SaveAnimation('frames/grow.png', view, ImageResolution=[160, 120], FrameWindow=[0, 3])
