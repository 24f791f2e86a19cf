#!/usr/bin/python3
"""httpd.py - a small HTTP(S) server for tve's download tests.

Usage: httpd.py DIR PORTFILE [CERT KEY]
Serves the files of DIR on 127.0.0.1 on a free port, which it writes to
PORTFILE once it listens (HTTPS when CERT and KEY are given).  Paths:
  /files/NAME          the file, with Content-Length
  /drop/NAME           Content-Length of the whole file, then closes the
                       connection after half of it
  /slow/NAME?bps=N     the file at about N bytes a second (default 1 MiB/s)
  /nolength/NAME       the file without Content-Length (ends at close)
  /redirect/NAME       302 to /files/NAME
anything else: 404.  Runs until killed.
"""
import http.server
import os
import ssl
import sys
import time
import urllib.parse

CHUNK = 64 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "tve-test-httpd/1"

    def log_message(self, fmt, *args):
        sys.stderr.write("httpd: %s\n" % (fmt % args))

    def _file(self, name):
        if "/" in name or name.startswith("."):
            return None
        path = os.path.join(self.server.root, name)
        return path if os.path.isfile(path) else None

    def _send(self, path, length=True, limit=None, bps=None):
        size = os.path.getsize(path)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if length:
            self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.end_headers()
        sent, start = 0, time.monotonic()
        limit = size if limit is None else limit
        try:
            with open(path, "rb") as f:
                while sent < limit:
                    data = f.read(min(CHUNK, limit - sent))
                    if not data:
                        break
                    self.wfile.write(data)
                    sent += len(data)
                    if bps:
                        self.wfile.flush()
                        ahead = sent / bps - (time.monotonic() - start)
                        if ahead > 0:
                            time.sleep(ahead)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass    # the client went away (cancelled)
        self.close_connection = True

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        parts = url.path.split("/", 2)
        kind, name = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        path = self._file(name)
        if path is None or kind not in ("files", "drop", "slow", "nolength", "redirect"):
            self.send_error(404, "Not Found")
            return
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", "/files/" + name)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "files":
            self._send(path)
        elif kind == "drop":
            self._send(path, limit=os.path.getsize(path) // 2)
        elif kind == "slow":
            self._send(path, bps=int(query.get("bps", [1 << 20])[0]))
        else:
            self._send(path, length=False)


def main():
    if len(sys.argv) not in (3, 5):
        sys.exit(__doc__)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.root = sys.argv[1]
    if len(sys.argv) == 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        # The handshake runs on the request's thread: a client that
        # rejects the certificate does not stall the others.
        server.socket = ctx.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, sys.argv[2])
    server.serve_forever()


if __name__ == "__main__":
    main()
