#!/usr/bin/env python3
"""Records real NETLINK_SOCK_DIAG replies as seeds for fuzz_sockdiag (one datagram a file).

Run as root: it moves into a new, empty network namespace, opens a few sockets of its own there
(TCP listeners on IPv4, IPv6 and a dual-stack wildcard, an accepted connection, UDP bound and
connected) and asks the kernel for the four dumps devports makes (TCP LISTEN and UDP CLOSE, each
for IPv4 and IPv6), so each reply is small and holds nothing of this machine.

usage: record_sockdiag.py OUTDIR
"""
import os
import socket
import struct
import subprocess
import sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
TCP_LISTEN, TCP_CLOSE = 10, 7


def request(family, proto, states, seq):
    # struct inet_diag_req_v2: family, protocol, ext, pad, states, then a zeroed inet_diag_sockid
    body = struct.pack("=BBBBI", family, proto, 0, 0, states) + bytes(48)
    return struct.pack("=IHHII", 16 + len(body), SOCK_DIAG_BY_FAMILY,
                       NLM_F_REQUEST | NLM_F_DUMP, seq, 0) + body


def dump(family, proto, states, seq):
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
    nl.sendto(request(family, proto, states, seq), (0, 0))
    datagrams = []
    while True:
        data = nl.recv(65536)
        datagrams.append(data)
        # the dump ends with an NLMSG_DONE (type 3) message
        off, done = 0, False
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, off)
            done = done or kind in (2, 3)
            off += (length + 3) & ~3 or len(data)
        if done:
            return datagrams


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if os.environ.get("RECORD_SOCKDIAG_NETNS") != "1":  # not yet in the new namespace
        os.environ["RECORD_SOCKDIAG_NETNS"] = "1"
        os.execvp("unshare", ["unshare", "--net", sys.executable, __file__, out])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    keep = []
    for fam, addr, port, v6only in [(socket.AF_INET, "127.0.0.1", 3000, None),
                                    (socket.AF_INET, "0.0.0.0", 5432, None),
                                    (socket.AF_INET6, "::1", 5173, None),
                                    (socket.AF_INET6, "::", 8080, 0),
                                    (socket.AF_INET6, "::", 8443, 1)]:
        s = socket.socket(fam, socket.SOCK_STREAM)
        if v6only is not None:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        s.bind((addr, port))
        s.listen()
        keep.append(s)
    client = socket.create_connection(("127.0.0.1", 3000))
    keep += [client, keep[0].accept()[0]]
    for fam, addr, port in [(socket.AF_INET, "0.0.0.0", 5353), (socket.AF_INET6, "::", 5353),
                            (socket.AF_INET, "127.0.0.1", 5300)]:
        u = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        u.bind((addr, port))
        keep.append(u)
    connected = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    connected.connect(("127.0.0.1", 5300))
    keep.append(connected)

    seq = 1
    for name, proto, states in [("tcp", socket.IPPROTO_TCP, 1 << TCP_LISTEN),
                                ("udp", socket.IPPROTO_UDP, 1 << TCP_CLOSE)]:
        for fname, fam in [("4", socket.AF_INET), ("6", socket.AF_INET6)]:
            for i, data in enumerate(dump(fam, proto, states, seq)):
                with open(os.path.join(out, f"{name}{fname}-{i}"), "wb") as f:
                    f.write(data)
            seq += 1


if __name__ == "__main__":
    main()
