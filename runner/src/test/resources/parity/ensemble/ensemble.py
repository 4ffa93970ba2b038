# An ensemble member picked by index from an index file that lists the members' data by absolute path, as
# ensemble post-processing scripts do (the first run makes the members and the index).
import argparse
import json
import os

from paraview.simple import *

parser = argparse.ArgumentParser()
parser.add_argument('--member', type=int, required=True)
args = parser.parse_args()

root = '/tmp/pvrun-parity-ensemble'
index = os.path.join(root, 'index.json')
if not os.path.exists(index):
    os.makedirs(root, exist_ok=True)
    members = []
    for i in range(4):
        path = os.path.join(root, 'member_%d.vti' % i)
        wavelet = Wavelet(Maximum=150 + 40 * i)
        SaveData(path, proxy=wavelet)
        Delete(wavelet)
        members.append(path)
    with open(index + '.%d.tmp' % os.getpid(), 'w') as f:
        json.dump(members, f)
    os.replace(index + '.%d.tmp' % os.getpid(), index)
with open(index) as f:
    members = json.load(f)
reader = XMLImageDataReader(FileName=[members[args.member]])
contour = Contour(Input=reader, ContourBy=['POINTS', 'RTData'], Isosurfaces=[140.0])
Show(contour)
Render()
SaveScreenshot('member_%d.png' % args.member, ImageResolution=[160, 120])
