#!/usr/bin/env python3
"""Clients a device on a network meets, against an HTTP server on loopback.

  hostile.py PORT slow N SECONDS      N slow clients (a header byte every 2 s)
                                      stay open while normal GETs are timed:
                                      each must be answered within 1 s of
                                      its connection
  hostile.py PORT burst N             N connections opened at once, each then
                                      sends a GET: the server must stay up
                                      and answer a normal GET afterwards
  hostile.py PORT files DIR ROUNDS    every file of DIR fetched ROUNDS times,
                                      bytes checked by MD5
  hostile.py PORT limits              an oversized request line gets 414, an
                                      oversized header 431, a head that never
                                      ends is answered 408 or closed
Prints one line per check ('ok ...' or 'FAIL ...'); exit status 1 on any
failure."""
import hashlib
import os
import socket
import sys
import time

HOST = "127.0.0.1"
failures = 0


def report(ok, msg):
    global failures
    print(("ok " if ok else "FAIL ") + msg, flush=True)
    if not ok:
        failures += 1


def get(port, path, timeout=10.0, extra=b"", timings=None):
    """One HTTP/1.1 GET with Connection: close: (status, body) or (None,
    error text).  With [timings] (a list), appends the seconds the connect
    took and those from connected to the end of the reply."""
    try:
        t0 = time.time()
        s = socket.create_connection((HOST, port), timeout=timeout)
        t1 = time.time()
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + b"\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        if timings is not None:
            timings += [t1 - t0, time.time() - t1]
    except OSError as e:
        return None, str(e)
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None, "no status line in %r" % data[:80]
    return status, body


def slow(port, n, seconds):
    clients = []
    for _ in range(n):
        try:
            s = socket.create_connection((HOST, port), timeout=5)
            s.setblocking(False)
            s.send(b"GET / HTTP/1.1\r\n")
            clients.append(s)
        except OSError:
            pass   # refused or backlog full: the server is protecting itself
    report(True, "%d of %d slow clients connected" % (len(clients), n))
    # Timed from the connection made: on an emulated board the connect is
    # QEMU's (its user network accepts on the host with a backlog of one,
    # and a SYN dropped there costs the client a 1 s retransmission).
    worst = worst_connect = 0.0
    served = 0
    end = time.time() + seconds
    while time.time() < end:
        for s in clients:
            try:
                s.send(b"X")
            except OSError:
                pass
        timings = []
        status, _ = get(port, "/index.html", timeout=5, timings=timings)
        if timings:
            worst_connect = max(worst_connect, timings[0])
            worst = max(worst, timings[1])
        if status == 200:
            served += 1
        else:
            report(False, "normal GET during slow clients: %s" % (status,))
        time.sleep(max(0, 2 - sum(timings)))
    report(served > 0 and worst <= 1.0,
           "%d normal GETs answered while slow clients were open, slowest in %.2f s (connect: %.2f s at most)"
           % (served, worst, worst_connect))
    for s in clients:
        s.close()


def burst(port, n):
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((HOST, port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        socks.append(s)
    time.sleep(0.5)
    for s in socks:
        try:
            s.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        except OSError:
            pass
    time.sleep(2)
    for s in socks:
        s.close()
    status, _ = get(port, "/index.html", timeout=30)
    report(status == 200, "%d connections at once, then a GET answered %s" % (len(socks), status))


def files(port, root, rounds):
    names = sorted(os.listdir(root))
    for name in names:
        want = hashlib.md5(open(os.path.join(root, name), "rb").read()).hexdigest()
        good = 0
        bad = []
        for _ in range(rounds):
            status, body = get(port, "/" + name, timeout=30)
            if status == 200 and hashlib.md5(body).hexdigest() == want:
                good += 1
            elif status is None:
                bad.append(body)
            else:
                bad.append("status %s, %d bytes" % (status, len(body)))
        report(good == rounds, "%s: %d of %d fetches with the right bytes%s"
               % (name, good, rounds, "" if not bad else " (first wrong one: %s)" % bad[0]))


def limits(port):
    status, _ = get(port, "/" + "a" * 100000)
    report(status == 414, "a 100 KB request line answered %s (want 414)" % (status,))
    status, _ = get(port, "/", extra=b"X-Big: " + b"b" * 100000 + b"\r\n")
    report(status == 431, "a 100 KB header answered %s (want 431)" % (status,))
    status, _ = get(port, "/", extra=b"".join(b"X-%d: y\r\n" % i for i in range(2000)))
    report(status == 431, "2000 headers answered %s (want 431)" % (status,))
    # A head that never ends: answered 408 or closed, within the timeout.
    t = time.time()
    s = socket.create_connection((HOST, port), timeout=60)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    try:
        data = s.recv(1000)
    except OSError:
        data = b""
    dt = time.time() - t
    report(dt < 30 and (data == b"" or b" 408 " in data.split(b"\r\n")[0]),
           "an unfinished head ended after %.1f s: %r" % (dt, data.split(b"\r\n")[0]))
    s.close()


def main():
    port = int(sys.argv[1])
    cmd = sys.argv[2]
    if cmd == "slow":
        slow(port, int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "burst":
        burst(port, int(sys.argv[3]))
    elif cmd == "files":
        files(port, sys.argv[3], int(sys.argv[4]))
    elif cmd == "limits":
        limits(port)
    else:
        sys.exit(__doc__)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
