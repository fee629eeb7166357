#!/usr/bin/env python3
"""fake_engine.py SOCKET MODE [PORT] - a container engine's API on a unix socket, for tests.

Answers GET /containers/json (and /vX.Y/containers/json) the way Docker's Engine API and
Podman's compatible API do ("ContainerList": Id, Names, Image, Ports with IP, PrivatePort,
PublicPort, Type). Prints PORT once it accepts connections. MODE:
  ok         three containers: "web" (nginx:1.25) publishing PORT (default 8080) -> 80/tcp on
             0.0.0.0 and ::, "db" publishing PORT+1 -> 5432/tcp, an unnamed one exposing 9000
  hostile    "web" named with terminal escapes and an image with a bidi override
  malformed  an answer that is not JSON
  wrongtype  valid JSON of the wrong shape (Ports is a string)
  huge       valid JSON larger than 4 MiB
  stall      accepts, reads the request and never answers
  error      HTTP 500
"""
import json
import os
import socket
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler

SOCK, MODE = sys.argv[1], sys.argv[2]
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 8080


def containers():
    web = {"Id": "4f2a9c1e" + "0" * 56, "Names": ["/web"], "Image": "nginx:1.25",
           "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": PORT, "Type": "tcp"},
                     {"IP": "::", "PrivatePort": 80, "PublicPort": PORT, "Type": "tcp"}],
           "State": "running", "Status": "Up 2 hours"}
    db = {"Id": "0b1c" + "1" * 60, "Names": ["/db"], "Image": "postgres:16",
          "Ports": [{"IP": "0.0.0.0", "PrivatePort": 5432, "PublicPort": PORT + 1,
                     "Type": "tcp"}]}
    unnamed = {"Id": "77" + "2" * 62, "Names": [], "Image": "busybox",
               "Ports": [{"PrivatePort": 9000, "Type": "tcp"}]}
    if MODE == "hostile":
        web["Names"] = ["/we\x1b]0;owned\x07b"]
        web["Image"] = "ngi\u202enx"
    return [web, db, unnamed]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def address_string(self):
        return "unix"

    def send(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        if parts and parts[0].startswith("v") and parts[0][1:2].isdigit():
            parts = parts[1:]
        if parts != ["containers", "json"]:
            self.send(404, b'{"message":"page not found"}')
            return
        if MODE == "stall":
            time.sleep(3600)
            return
        if MODE == "error":
            self.send(500, b'{"message":"server error"}')
        elif MODE == "malformed":
            self.send(200, b'[{"Id": "abc", "Names": ["/web"],')
        elif MODE == "wrongtype":
            self.send(200, json.dumps([{"Id": "abc", "Names": ["/web"],
                                        "Ports": "8080->80/tcp"}]).encode())
        elif MODE == "huge":
            pad = "x" * (5 * 1024 * 1024)
            self.send(200, json.dumps([{"Id": "abc", "Names": ["/web"], "Image": pad}]).encode())
        else:
            self.send(200, json.dumps(containers()).encode())


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if os.path.exists(SOCK):
    os.unlink(SOCK)
server = Server(SOCK, Handler)
print(PORT, flush=True)  # "ready": tests read this line
try:
    server.serve_forever()
finally:
    try:
        os.unlink(SOCK)
    except OSError:
        pass
