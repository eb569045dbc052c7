#!/usr/bin/env python3
"""Opens N connections to 127.0.0.1:PORT and drops each abruptly (RST, via
SO_LINGER 0): a third before sending anything, a third in the middle of a
request, a third right after a full request, before the reply is read.
Several are open at once.  Usage: drops.py PORT [N]"""
import socket
import struct
import sys

port = int(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
linger = struct.pack("ii", 1, 0)
payloads = [b"", b"GET /index.html HTTP/1.1\r\nHost: loc", b"GET /data.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"]
batch = []
done = 0
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    if payloads[i % 3]:
        s.sendall(payloads[i % 3])
    batch.append(s)
    if len(batch) == 25:
        for b in batch:
            b.close()
        done += len(batch)
        batch = []
for b in batch:
    b.close()
done += len(batch)
print("dropped %d connections" % done)
