"""Peak memory of one command and of all its processes together (no assertion: figures only).

    python benchmarks/memory.py [--label TEXT] -- COMMAND [ARGUMENT...]

Runs COMMAND and prints one JSON line: wall and CPU seconds (the command and the children it
reaped, ``os.wait4``), the peak RSS of its largest process (``ru_maxrss``), the peaks of the sums
of the RSS and of the PSS of the command and all its descendants (read from /proc every 50 ms,
so a peak shorter than that may be missed; the RSS sum counts the pages that forked workers share
with their parent once per process, the PSS sum shares them out), its exit status and the load
average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import threading
import time
from pathlib import Path


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _tree_memory(root: int) -> tuple[int, int]:
    """Bytes resident (RSS, PSS) in ``root`` and every process descending from it, now."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    rss = pss = 0
    seen: set[int] = set()
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        todo += [child for child, parent in parents.items() if parent == pid]
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        kib = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:]}
        rss += kib.get("Rss", 0) * 1024
        pss += kib.get("Pss", 0) * 1024
    return rss, pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    load_before = _load()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss, pss = _tree_memory(process.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
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
        "all_processes_rss_mib": round(peak_rss / 2**20),
        "all_processes_pss_mib": round(peak_pss / 2**20),
        "load": [load_before, _load()],
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
