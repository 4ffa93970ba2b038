# Every rank reads the same file by a relative path, and a parallel writer makes one piece per rank
# (rank r writes pieces/pieces_r.vtp relative to its own current directory).
from paraview.simple import *

reader = XMLImageDataReader(FileName=['channel.vti'])
contour = Contour(Input=reader, ContourBy=['POINTS', 's'], Isosurfaces=[0.5])
SaveData('pieces.pvtp', proxy=contour)
