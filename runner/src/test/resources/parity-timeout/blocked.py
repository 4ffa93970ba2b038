# A task stuck inside C for longer than its timeout: Python signal handlers cannot run until system()
# returns, as with a long SaveAnimation or filter update. It writes a file first: outputs written before the
# stop are collected.
import ctypes

with open('before.txt', 'w') as f:
    f.write('written before the long call\n')
ctypes.CDLL(None).system(b'sleep 60')
with open('after.txt', 'w') as f:
    f.write('the call returned\n')
