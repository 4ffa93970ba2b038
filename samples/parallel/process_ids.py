"""Parallel sample: show which MPI rank owns which part of the data, and prove
the ranks cooperated.

Wavelet source (split across ranks by the parallel pipeline) -> ProcessIdScalars
(adds point array 'ProcessId' = rank that owns each point), rendered with one
discrete colour per rank.

Params (params.json / pvrun.params), all optional:
  resolution  Wavelet half-extent: grid is (2r+1)^3 points   (default 40 -> 531441)
  width       image width  (default 1280)
  height      image height (default 720)

Outputs:
  ranks.png        the data coloured by owning rank
  partitions.json  written by rank 0 only:
     {"ranks": N,                  # MPI ranks, from the process module
      "process_ids": [0..N-1],     # distinct ProcessId values present in the data
      "process_id_range": [min, max],
      "points_per_rank": {"0": n0, "1": n1, ...},
      "cells_per_rank":  {...},
      "total_points": n, "total_cells": n, "grid_points": (2r+1)^3}
  With N ranks, cooperation is proven by ranks == N and process_ids == [0..N-1],
  every rank owning > 0 points. (Points on the plane between two partitions are
  duplicated, so sum(points_per_rank) == total_points >= grid_points.)

Run:  mpiexec -n 2 pvbatch process_ids.py     (or pvbatch process_ids.py: 1 rank)
"""
try:
    import pvrun
    P = pvrun.params
except ImportError:
    import json
    import os
    P = json.load(open('params.json')) if os.path.exists('params.json') else {}

import json

from paraview import servermanager
from paraview.simple import (
    ColorBy, CreateView, GetColorTransferFunction, GetScalarBar, Outline,
    SaveScreenshot, Show, Text, Threshold, Wavelet)

import paraview.simple as pvs

r = int(P.get('resolution', 40))
width = int(P.get('width', 1280))
height = int(P.get('height', 720))

pm = servermanager.vtkProcessModule.GetProcessModule()
nranks = pm.GetNumberOfLocalPartitions()
rank = pm.GetPartitionId()

# ParaView 5.11's paraview.simple has ProcessIdScalars (newer versions: ProcessIds)
ProcessIdFilter = getattr(pvs, 'ProcessIdScalars', None) or getattr(pvs, 'ProcessIds')

wavelet = Wavelet(WholeExtent=[-r, r, -r, r, -r, r])
pids = ProcessIdFilter(Input=wavelet)
pids.UpdatePipeline()

# --- evidence: gathered over all ranks by the data-information mechanism ------
info = pids.GetDataInformation()
lo, hi = pids.PointData['ProcessId'].GetRange()
points_per_rank, cells_per_rank = {}, {}
for i in range(int(lo), int(hi) + 1):
    only_i = Threshold(Input=pids, Scalars=['POINTS', 'ProcessId'],
                       LowerThreshold=i - 0.5, UpperThreshold=i + 0.5,
                       ThresholdMethod='Between', AllScalars=1)
    only_i.UpdatePipeline()
    # Threshold keeps whole cells; count the points of the ProcessId==i cells
    points_per_rank[str(i)] = only_i.GetDataInformation().GetNumberOfPoints()
    cells_per_rank[str(i)] = only_i.GetDataInformation().GetNumberOfCells()
process_ids = sorted(int(k) for k, n in points_per_rank.items() if n > 0)

# --- image ---------------------------------------------------------------------
view = CreateView('RenderView')
view.ViewSize = [width, height]
view.Background = [0.12, 0.13, 0.17]
try:
    view.UseColorPaletteForBackground = 0
except AttributeError:
    pass

surface = Show(pids, view)
surface.SetRepresentationType('Surface')
ColorBy(surface, ('POINTS', 'ProcessId'))
lut = GetColorTransferFunction('ProcessId')
lut.InterpretValuesAsCategories = 1
ids = list(range(max(nranks, int(hi) + 1)))
lut.Annotations = [x for i in ids for x in (str(i), 'rank %d' % i)]
# one qualitative colour per rank
lut.IndexedColors = [c for i in ids for c in (
    [0.12, 0.47, 0.71], [1.0, 0.5, 0.05], [0.17, 0.63, 0.17], [0.84, 0.15, 0.16],
    [0.58, 0.4, 0.74], [0.55, 0.34, 0.29], [0.89, 0.47, 0.76], [0.5, 0.5, 0.5])[i % 8]]
surface.SetScalarBarVisibility(view, True)
bar = GetScalarBar(lut, view)
bar.Title = 'ProcessId'
bar.ComponentTitle = ''

box = Show(Outline(Input=wavelet), view)
box.AmbientColor = box.DiffuseColor = [0.9, 0.9, 0.9]

label = Show(Text(Text='Wavelet %d^3 points on %d MPI rank%s' % (
    2 * r + 1, nranks, '' if nranks == 1 else 's')), view)
label.WindowLocation = 'Upper Center'
label.FontSize = 26
label.Color = [1, 1, 1]

view.ResetCamera()
camera = view.GetActiveCamera()
camera.Azimuth(40)
camera.Elevation(30)
view.ResetCamera()

SaveScreenshot('ranks.png', view, ImageResolution=[width, height])

# --- rank 0 writes the evidence -------------------------------------------------
if rank == 0:
    report = {
        'ranks': nranks,
        'process_ids': process_ids,
        'process_id_range': [lo, hi],
        'points_per_rank': points_per_rank,
        'cells_per_rank': cells_per_rank,
        'total_points': info.GetNumberOfPoints(),
        'total_cells': info.GetNumberOfCells(),
        'grid_points': (2 * r + 1) ** 3,
    }
    with open('partitions.json', 'w') as f:
        json.dump(report, f, indent=2)
        f.write('\n')
    print('partitions.json:', json.dumps(report))
