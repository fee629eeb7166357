#!/usr/bin/env python3
"""Times commands in alternation on the same load and prints medians, the ratio to the last
command and each one's peak RSS.  usage: compare.py RUNS -- CMD1 ... -- CMD2 ...

A command may start with --cache=DIR (run it with DEVPORTS_CACHE_DIR=DIR: the owner cache in
DIR) or --fresh-cache=DIR (the same, DIR's files removed before each run, untimed: a first run;
the folder itself stays, as ~/.cache/devports does).

Peak RSS is measured in separate runs under /usr/bin/time: a child forked from Python carries
Python's own peak (about 14 MB) in its ru_maxrss across exec, whatever it runs.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def prepare(cmd):
    """The command's argv and environment, its cache folder emptied when it asks for that."""
    env = dict(os.environ)
    while cmd and cmd[0].startswith(("--cache=", "--fresh-cache=")):
        opt, _, folder = cmd[0].partition("=")
        env["DEVPORTS_CACHE_DIR"] = folder
        if opt == "--fresh-cache" and os.path.isdir(folder):
            for name in os.listdir(folder):
                os.unlink(os.path.join(folder, name))
        cmd = cmd[1:]
    return cmd, env


def label(cmd):
    """The command as printed: its program's last two path elements, the cache as words."""
    words, how = [], ""
    for a in cmd:
        if a.startswith("--fresh-cache="):
            how = " (first run)"
        elif a.startswith("--cache="):
            how = " (cached)"
        else:
            words.append("/".join(a.split("/")[-2:]) if a.startswith("/") else a)
    return " ".join(words) + how


def run_once(cmd):
    cmd, env = prepare(cmd)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"compare: {' '.join(cmd)} failed")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def peak_rss_mb(cmd, runs=3):
    """The largest peak RSS of a few runs, from GNU time, which forks from its own small image."""
    timer = shutil.which("time", path="/usr/bin:/bin")
    if not timer:
        return float("nan")
    peak = 0
    with tempfile.NamedTemporaryFile("r") as out:
        for _ in range(runs):
            argv, env = prepare(cmd)
            subprocess.run([timer, "-f", "%M", "-o", out.name] + argv, check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out.seek(0)
            peak = max(peak, int(out.read().split()[-1]))
    return peak / 1024


def main():
    runs = int(sys.argv[1])
    cmds, cur = [], None
    for arg in sys.argv[2:]:
        if arg == "--":
            cur = []
            cmds.append(cur)
        else:
            cur.append(arg)
    walls = [[] for _ in cmds]
    cpus = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            w, c = run_once(cmd)
            walls[i].append(w)
            cpus[i].append(c)
    rss = [peak_rss_mb(cmd) for cmd in cmds]
    ratios = [statistics.median(a / b for a, b in zip(walls[i], walls[-1])) for i in range(len(cmds))]
    for i, cmd in enumerate(cmds):
        print(f"  {label(cmd)[:48]:48s} median {statistics.median(walls[i]):8.2f} ms wall, "
              f"{statistics.median(cpus[i]):8.2f} ms cpu, peak RSS {rss[i]:6.1f} MB, "
              f"ratio to last {ratios[i]:.2f}x")


main()
