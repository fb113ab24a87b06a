#!/usr/bin/env python3
"""davfilter.py - an HTTP relay on 127.0.0.1 to a CalDAV server that hides RFC 6578.

Usage: davfilter.py LISTEN_PORT TARGET_PORT [LIFETIME_SECONDS [https]]

Every request goes on to 127.0.0.1:TARGET_PORT unchanged, except a sync-collection REPORT,
which is answered 403 with a DAV:supported-report error, as a server without RFC 6578 does.
kith's live tests use it to check the calendar-query fallback. It exits by itself after
LIFETIME_SECONDS (default 60). With "https" it speaks TLS to the server (whose certificate,
made by the test, is not checked: both ends are on this machine).
"""
import http.client
import http.server
import ssl
import sys
import threading
import time

TARGET = 0
HTTPS = False
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
       "proxy-authorization", "proxy-authenticate", "content-length", "host"}
NO_SYNC = (b'<?xml version="1.0" encoding="utf-8"?>\n'
           b'<D:error xmlns:D="DAV:"><D:supported-report/></D:error>')


class Relay(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, headers, body):
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP:
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def relay(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.command == "REPORT" and b"sync-collection" in body:
            self.reply(403, [("Content-Type", "application/xml; charset=utf-8")], NO_SYNC)
            return
        if HTTPS:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection("127.0.0.1", TARGET, timeout=30, context=ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", TARGET, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        self.reply(r.status, r.getheaders(), data)

    do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = do_MKCALENDAR = relay
    do_MKCOL = do_PROPPATCH = do_HEAD = do_POST = relay


def main():
    global TARGET, HTTPS
    port, TARGET = int(sys.argv[1]), int(sys.argv[2])
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    HTTPS = len(sys.argv) > 4 and sys.argv[4] == "https"
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Relay)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    time.sleep(lifetime)
    srv.shutdown()


if __name__ == "__main__":
    main()
