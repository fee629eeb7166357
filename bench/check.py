#!/usr/bin/env python3
"""Checks that `devports --json` (on stdin) reports every listener of the load with every one of
its owner pids.  usage: devports --json | check.py DIR/expected.tsv [WHAT]
Prints one summary line; exits 1 when something is missing."""
import json
import sys


def main():
    what = f" ({sys.argv[2]})" if len(sys.argv) > 2 else ""
    found = set()
    doc = json.load(sys.stdin)
    keys = set()
    for l in doc["listeners"]:
        addr = "::" if l["address"] == "*" else l["address"]  # a dual-stack [::]
        key = (l["proto"], addr, l["port"])
        if key in keys:
            print(f"  check{what}: TWO ROWS for {key}")
            sys.exit(1)
        keys.add(key)
        for p in l["processes"]:  # schema 2: every holder of the row, the lead first
            found.add(key + (p["pid"],))
    want, listeners, missing = 0, 0, []
    with open(sys.argv[1]) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            proto, _family, addr, port, _uid, pids, comm = line.rstrip("\n").split("\t")
            listeners += 1
            for pid in pids.split(","):
                want += 1
                key = (proto, addr, int(port), int(pid))
                if key not in found:
                    missing.append(f"{proto} {addr} {port} pid {pid} ({comm})")
    print(f"  check{what}: {listeners} listeners, {want - len(missing)}/{want} (listener, pid) pairs found "
          f"in {len(doc['listeners'])} rows")
    for m in missing[:10]:
        print(f"  check{what}: MISSING {m}")
    sys.exit(1 if missing else 0)


main()
