# Catalyst-style extracts: an image extractor and a data extractor, written by SaveExtracts into a folder
# relative to the current directory (with 2 ranks, each rank writes its own piece of the data extract).
from paraview.simple import *

wavelet = Wavelet(WholeExtent=[-8, 8, -8, 8, -8, 8])
contour = Contour(Input=wavelet, ContourBy=['POINTS', 'RTData'], Isosurfaces=[157.0])
view = CreateView('RenderView')
view.ViewSize = [160, 120]
Show(contour, view)
ResetCamera(view)
png = CreateExtractor('PNG', view, registrationName='PNG1')
png.Writer.FileName = 'view_{timestep:06d}.png'
png.Writer.ImageResolution = [160, 120]
vtp = CreateExtractor('VTP', contour, registrationName='VTP1')
vtp.Writer.FileName = 'contour_{timestep:06d}.pvtp'
SaveExtracts(ExtractsOutputDirectory='extracts', FrameWindow=[0, 1])
