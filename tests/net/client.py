#!/usr/bin/env python3
"""Host-side clients of the network tests (tests/net/run.sh), on 127.0.0.1
only.  Each command prints one line and exits 0 on success, 1 on failure.

  client.py wait-tcp PORT SECONDS        until a server holds connections on PORT
  client.py http PORT PATH STATUS [BODYFILE] [HEADER:VALUE...]
                                         one GET: status, body, headers
  client.py burst PORT N                 N concurrent GETs of /, each under 2 s
  client.py http-seq PORT N              N sequential GETs of /, each a new
                                         connection, each under 2 s
  client.py resets PORT N                N connections reset abruptly (RST)
                                         mid-request, then one GET must work
  client.py tcp-echo PORT BYTES          BYTES of random data echoed intact
  client.py udp-echo PORT COUNT          COUNT datagrams echoed intact
"""
import os
import socket
import struct
import sys
import time

HOST = "127.0.0.1"


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def connect(port, timeout=10):
    s = socket.create_connection((HOST, port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def wait_tcp(port, secs):
    # QEMU's forward accepts on the host side before the board listens, then
    # closes when the board refuses: a connection that stays open is the
    # server's.
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            s = connect(port, timeout=2)
            s.settimeout(0.5)
            try:
                closed = s.recv(1) == b""
            except socket.timeout:
                closed = False
            s.close()
            if not closed:
                print("ok: port %d served" % port)
                return
        except OSError:
            pass
        time.sleep(0.2)
    fail("port %d never served a connection" % port)


def burst(port, n):
    """N GETs of / at once, each answered within 2 s."""
    import threading
    errors = []

    def one(i):
        t = time.time()
        try:
            st, _, _ = get(port, "/")
            if st != 200:
                errors.append("request %d: status %d" % (i, st))
            elif time.time() - t > 2.0:
                errors.append("request %d took %.2f s" % (i, time.time() - t))
        except (OSError, SystemExit) as e:
            errors.append("request %d: %s" % (i, e))
    threads = [threading.Thread(target=one, args=(i,)) for i in range(int(n))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        fail("; ".join(errors))
    print("ok: %s concurrent requests answered" % n)


def read_response(s):
    """One HTTP/1.1 response: (status, headers dict, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            fail("connection closed before the response headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(body) < n:
            chunk = s.recv(65536)
            if not chunk:
                fail("connection closed in the body")
            body += chunk
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while not body.endswith(b"0\r\n\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        out, rest = b"", body
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2:]
        body = out
    return status, headers, body


def get(port, path, close=True):
    s = connect(port)
    req = "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n" % (
        path, HOST, port, "Connection: close\r\n" if close else "")
    s.sendall(req.encode())
    r = read_response(s)
    s.close()
    return r


def http(port, path, status, bodyfile=None, *headers):
    st, hd, body = get(port, path)
    if st != int(status):
        fail("GET %s: status %d, expected %s" % (path, st, status))
    if bodyfile:
        want = open(bodyfile, "rb").read()
        if body != want:
            fail("GET %s: body of %d bytes differs from %s (%d bytes)"
                 % (path, len(body), bodyfile, len(want)))
    for h in headers:
        k, _, v = h.partition(":")
        if hd.get(k.lower()) != v:
            fail("GET %s: header %s is %r, expected %r" % (path, k, hd.get(k.lower()), v))
    print("ok: GET %s -> %d, %d bytes" % (path, st, len(body)))


def http_seq(port, n):
    worst = 0.0
    for i in range(int(n)):
        t = time.time()
        try:
            st, _, _ = get(port, "/")
        except OSError as e:
            fail("request %d: %s" % (i + 1, e))
        dt = time.time() - t
        worst = max(worst, dt)
        if st != 200:
            fail("request %d: status %d" % (i + 1, st))
        # QEMU's user network retransmits a lost frame only after >= 1 s:
        # a request this slow means the board lost one.
        if dt > 2.0:
            fail("request %d took %.2f s (stall)" % (i + 1, dt))
    print("ok: %s sequential requests, slowest %.0f ms" % (n, worst * 1000))


def resets(port, n):
    for i in range(int(n)):
        s = connect(port)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")   # half a request
        # QEMU's forward listens with a backlog of 1 and accepts from its
        # main loop: connecting back to back overflows the host kernel's
        # queue, whose dropped SYNs cost the client 1 s each.  A few ms let
        # each connection reach the board.
        time.sleep(0.005)
        # SO_LINGER 0: close() sends RST instead of FIN.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    time.sleep(0.5)
    st, _, _ = get(port, "/")
    if st != 200:
        fail("after %s resets: status %d" % (n, st))
    print("ok: %s connections reset, server still answers" % n)


def tcp_echo(port, nbytes):
    nbytes = int(nbytes)
    data = os.urandom(nbytes)
    s = connect(port, timeout=20)
    s.setblocking(False)
    sent, got = 0, bytearray()
    end = time.time() + 60
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    while len(got) < nbytes:
        if time.time() > end:
            fail("tcp echo: %d of %d bytes back after 60 s" % (len(got), nbytes))
        for key, ev in sel.select(timeout=1):
            if ev & selectors.EVENT_WRITE and sent < nbytes:
                try:
                    sent += s.send(data[sent:sent + 65536])
                except BlockingIOError:
                    pass
                if sent == nbytes:
                    sel.modify(s, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    chunk = s.recv(65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    fail("tcp echo: closed after %d bytes" % len(got))
                got += chunk
    s.close()
    if bytes(got) != data:
        fail("tcp echo: data corrupted")
    print("ok: tcp echo of %d bytes intact" % nbytes)


def udp_echo(port, count):
    count = int(count)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    for i in range(count):
        msg = struct.pack(">I", i) + os.urandom(4 + i % 1000)
        # One at a time: a lost datagram is a failure, not congestion.
        s.sendto(msg, (HOST, int(port)))
        try:
            back = s.recv(2048)
        except socket.timeout:
            fail("udp echo: datagram %d lost" % i)
        if back != msg:
            fail("udp echo: datagram %d corrupted" % i)
    print("ok: %d udp datagrams echoed intact" % count)


def main():
    cmds = {"wait-tcp": wait_tcp, "burst": burst, "http": http, "http-seq": http_seq, "resets": resets,
            "tcp-echo": tcp_echo, "udp-echo": udp_echo}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        print(__doc__)
        sys.exit(2)
    try:
        cmds[sys.argv[1]](int(sys.argv[2]), *sys.argv[3:])
    except (OSError, ValueError) as e:
        fail("%s: %s" % (sys.argv[1], e))


if __name__ == "__main__":
    main()
