# A script that talks to MPI itself. In pvbatch's default mode only rank 0 runs Python, so it writes one
# file, named with the world's size.
from mpi4py import MPI

comm = MPI.COMM_WORLD
with open('rank%d-of-%d.txt' % (comm.Get_rank(), comm.Get_size()), 'w') as f:
    f.write('hello from rank %d\n' % comm.Get_rank())
