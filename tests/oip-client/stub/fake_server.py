#!/usr/bin/python3
"""Loopback HTTP front for oip_stub (see oip_stub.cc), so oip_client.py can be run against the
real smlapi_oip code before the service exists. Usage: fake_server.py STUB_BINARY PORT_FILE.
Writes the bound port to PORT_FILE, serves until SIGTERM."""

import signal
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "stub-token"
STUB = sys.argv[1]


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        flags = [
            "1" if self.headers.get("Authorization") == f"Bearer {TOKEN}" else "0",
            "1" if (self.headers.get("Content-Type") or "").startswith("application/json") else "0",
            "1" if self.headers.get("Inference-Header-Content-Length") is not None else "0",
        ]
        out = subprocess.run([STUB, self.command, self.path, *flags], input=body,
                             capture_output=True, check=True, timeout=10).stdout
        status, allow, payload = out.split(b"\n", 2)
        self.send_response(int(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if allow:
            self.send_header("Allow", allow.decode())
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_HEAD = do_DELETE = answer

    def log_message(self, *args):  # keep test output readable
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[2], "w", encoding="ascii") as port_file:
    port_file.write(str(server.server_address[1]))
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
server.serve_forever()
