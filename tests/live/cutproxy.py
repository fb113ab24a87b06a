#!/usr/bin/env python3
"""cutproxy.py - a TCP relay on 127.0.0.1 that goes away after N bytes from the server.

Usage: cutproxy.py LISTEN_PORT TARGET_PORT CUT_BYTES [LIFETIME_SECONDS]

kith's live tests put it between kith and a server started on loopback to play a server
that goes away in the middle of a reply: the bytes are counted over all connections, and
once CUT_BYTES went through, every connection is closed and new ones are closed at once.
It relays only between 127.0.0.1 ports and exits by itself after LIFETIME_SECONDS
(default 60).
"""
import socket
import sys
import threading
import time

LOCK = threading.Lock()
SENT = [0]


def relay_up(client, upstream):
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            upstream.sendall(data)
    except OSError:
        pass
    try:
        upstream.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def relay_down(client, upstream, cut):
    try:
        while True:
            data = upstream.recv(65536)
            if not data:
                break
            with LOCK:
                room = max(0, cut - SENT[0])
                SENT[0] += min(room, len(data))
            if room < len(data):
                client.sendall(data[:room])
                break  # the server "goes away" here
            client.sendall(data)
    except OSError:
        pass
    for s in (client, upstream):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def serve(client, target, cut):
    with LOCK:
        gone = SENT[0] >= cut
    if gone:
        client.close()
        return
    try:
        upstream = socket.create_connection(("127.0.0.1", target), timeout=10)
        upstream.settimeout(None)
    except OSError:
        client.close()
        return
    threading.Thread(target=relay_up, args=(client, upstream), daemon=True).start()
    relay_down(client, upstream, cut)


def main():
    listen_port, target, cut = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    lifetime = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen_port))
    srv.listen(16)
    srv.settimeout(0.5)
    deadline = time.time() + lifetime
    while time.time() < deadline:
        try:
            client, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(client, target, cut), daemon=True).start()
    srv.close()


if __name__ == "__main__":
    main()
