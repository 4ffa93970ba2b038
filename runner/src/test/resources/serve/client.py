"""A real ParaView client for ServeClusterIT, run by pvpython (which needs a display, as the GUI would).

    pvpython client.py forward|reverse PORT OUT.png hold|leave

Connects to localhost:PORT (forward) or waits there for pvserver's reverse connection, builds
Wavelet -> ProcessIdScalars -> Contour coloured by the rank that computed each piece, renders it on the
server (remote render threshold 0: the server renders and ships the image) and saves a screenshot.
It prints what proves the work ran on the server: the connection is remote, the server's number of
partitions, and the distinct ProcessId values the server's ranks stamped on the data.
With 'hold' it then stays connected until its stdin closes; with 'leave' it disconnects at once.
"""
import sys

from paraview import servermanager
import paraview.simple as pvs

mode, port, out, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if mode == 'reverse':
    pvs.ReverseConnect(str(port))
else:
    pvs.Connect('localhost', port, timeout=30)
conn = servermanager.ActiveConnection
print('remote=%s partitions=%d' % (conn.IsRemote(), conn.GetNumberOfDataPartitions()), flush=True)

pvs.GetSettingsProxy('RenderViewSettings').RemoteRenderThreshold = 0.0

# ParaView 5.11's paraview.simple has ProcessIdScalars (newer versions: ProcessIds)
ProcessIdFilter = getattr(pvs, 'ProcessIdScalars', None) or getattr(pvs, 'ProcessIds')
wavelet = pvs.Wavelet()
pids = ProcessIdFilter(Input=wavelet)
contour = pvs.Contour(Input=pids, ContourBy=['POINTS', 'RTData'], Isosurfaces=[157.0])
contour.UpdatePipeline()
lo, hi = contour.PointData['ProcessId'].GetRange()
print('process_ids=%d-%d' % (lo, hi), flush=True)

view = pvs.CreateView('RenderView')
view.ViewSize = [640, 480]
shown = pvs.Show(contour, view)
pvs.ColorBy(shown, ('POINTS', 'ProcessId'))
view.ResetCamera()
pvs.Render(view)
pvs.SaveScreenshot(out, view, ImageResolution=[640, 480])
print('RENDERED', flush=True)

if after == 'hold':
    sys.stdin.readline()
pvs.Disconnect()
print('DISCONNECTED', flush=True)
