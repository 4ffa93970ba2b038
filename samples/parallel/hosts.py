"""Multi-node sample: every MPI rank writes where it ran, and the ranks cooperate on one dataset.

Wavelet source (split across the ranks by the parallel pipeline) -> a Programmable Filter, which runs on
every rank (pvbatch runs this script on rank 0 only; the filters run on all ranks) and writes that rank's
line, then passes its piece through.

Params (params.json / pvrun.params), all optional:
  resolution  Wavelet half-extent: grid is (2r+1)^3 points   (default 20)

Outputs:
  rank-R.txt   one per rank, written by rank R itself: "rank R of N on HOST, P points"
  hosts.json   written by rank 0 after the pipeline ran on all ranks:
     {"ranks": N, "hosts": {"0": HOST0, ...}, "points_per_rank": {"0": P0, ...},
      "total_points": P (a parallel reduction over all ranks), "grid_points": (2r+1)^3}
  Ranks cooperated when ranks == N, there are N rank files, and every rank owns > 0 points
  (independent one-rank copies would each be "rank 0 of 1" and own the whole grid).

Run:  mpiexec -n 2 pvbatch hosts.py
"""
try:
    import pvrun
    P = pvrun.params
except ImportError:
    import json
    import os
    P = json.load(open('params.json')) if os.path.exists('params.json') else {}

import json
import os

from paraview import servermanager
from paraview.simple import ProgrammableFilter, Wavelet

r = int(P.get('resolution', 20))
nranks = servermanager.vtkProcessModule.GetProcessModule().GetNumberOfLocalPartitions()
# the satellite ranks do not share rank 0's working directory (pvrun changes it in Python on rank 0 only):
# they get the absolute folder
here = os.getcwd()

per_rank = ProgrammableFilter(Input=Wavelet(WholeExtent=[-r, r, -r, r, -r, r]))
per_rank.Script = '''
import socket
from vtkmodules.vtkParallelCore import vtkMultiProcessController
c = vtkMultiProcessController.GetGlobalController()
piece = self.GetInputDataObject(0, 0)
with open(FOLDER + '/rank-%d.txt' % c.GetLocalProcessId(), 'w') as f:
    f.write('rank %d of %d on %s, %d points\\n' % (c.GetLocalProcessId(), c.GetNumberOfProcesses(),
            socket.gethostname(), piece.GetNumberOfPoints()))
self.GetOutputDataObject(0).ShallowCopy(piece)
'''.replace('FOLDER', repr(here))
per_rank.UpdatePipeline()
# gathered over all ranks: only complete once every rank has run the filter
total_points = per_rank.GetDataInformation().GetNumberOfPoints()

hosts, points = {}, {}
for rank in range(nranks):
    with open('rank-%d.txt' % rank) as f:
        words = f.read().split()     # rank R of N on HOST, P points
    hosts[str(rank)] = words[5].rstrip(',')
    points[str(rank)] = int(words[6])
report = {'ranks': nranks, 'hosts': hosts, 'points_per_rank': points, 'total_points': total_points,
          'grid_points': (2 * r + 1) ** 3}
with open('hosts.json', 'w') as f:
    json.dump(report, f, indent=2)
    f.write('\n')
print('hosts.json:', json.dumps(report))
