# A script that talks to MPI itself beside ParaView. In pvbatch's default mode only rank 0 runs Python, so
# it writes one file, named with the world's size. (pvbatch 5.11 waits for ever at exit under MPI when
# paraview.simple was never imported, bare as under pvrun: scripts like this one import it.)
from mpi4py import MPI
from paraview.simple import *

comm = MPI.COMM_WORLD
sphere = Sphere()
sphere.UpdatePipeline()
points = sphere.GetDataInformation().GetNumberOfPoints()
with open('rank%d-of-%d.txt' % (comm.Get_rank(), comm.Get_size()), 'w') as f:
    f.write('hello from rank %d; the sphere has %d points\n' % (comm.Get_rank(), points))
