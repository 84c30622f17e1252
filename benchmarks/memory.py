"""Peak memory of one command and of all its processes together (no assertion: figures only).

    python benchmarks/memory.py [--label TEXT] -- COMMAND [ARGUMENT...]

Runs COMMAND and prints one JSON line: wall and CPU seconds (the command and the children it
reaped, ``os.wait4``), the peak RSS of its largest process (``ru_maxrss``), the peak of the sum
of the RSS of the command and all its descendants (read from /proc every 50 ms, so a peak shorter
than that may be missed), its exit status and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import threading
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and every process descending from it, now."""
    parents: dict[int, int] = {}
    resident: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        resident[int(entry.name)] = pages * PAGE
    total, seen, todo = 0, set(), [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += resident.get(pid, 0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    load_before = _load()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    figures = {
        "label": args.label,
        "status": os.waitstatus_to_exitcode(status),
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "largest_process_mib": round(usage.ru_maxrss / 1024),
        "all_processes_mib": round(peak / 2**20),
        "load": [load_before, _load()],
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
