"""Compare the two ways pyoxigraph fills an in-memory store with a conversion's graph:
``Store.bulk_load`` and ``Store.load`` (one transaction), each run in a fresh process, the two
alternating, so that a ratio is read within one run (no assertion: shared, noisy machines).

    python benchmarks/store_load.py DATA [--runs 2]

DATA: a conversion's folder (``cskg convert -o DATA``): its Turtle (``outputs.graph_file``, what
the commands load) and its N-Triples are loaded. Prints for each run the wall time,
the processor time, the peak RSS of the process and the triples the store counts, with the
load average before each run; then the ratios of the medians. ``cskg query``, ``cskg
release`` and ``cskg site`` load their store with ``query.local_store``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from converter.outputs import graph_file

CHILD = """
import resource, sys, time
import pyoxigraph as ox
method, path = sys.argv[1], sys.argv[2]
start = time.monotonic()
store = ox.Store()
getattr(store, method)(path=path, format=ox.RdfFormat.from_extension(path.rpartition(".")[2]))
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.monotonic() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, len(store))
"""


def run(method: str, path: Path) -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak RSS KiB, triples) of one load by ``method`` in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, method, str(path)], capture_output=True, text=True, check=True
    )
    wall, cpu, peak, triples = done.stdout.split()
    return float(wall), float(cpu), int(peak), int(triples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--runs", type=int, default=2)
    options = parser.parse_args()
    graph = graph_file(options.data).resolve()
    print(f"{os.cpu_count()} cores")
    for path in (graph, graph.with_suffix(".nt")):
        print(f"{path.name} ({path.stat().st_size / 2**20:,.0f} MiB)")
        compare(path, options.runs)


def compare(path: Path, runs: int) -> None:
    figures: dict[str, list[tuple[float, float, int, int]]] = {"bulk_load": [], "load": []}
    for number in range(runs):
        for method in figures:
            before = os.getloadavg()[0]
            wall, cpu, peak, triples = run(method, path)
            figures[method].append((wall, cpu, peak, triples))
            print(f"run {number + 1} {method:9} wall {wall:6.1f} s  CPU {cpu:6.1f} s  "
                  f"peak {peak / 1024:7,.0f} MiB  {triples:,} triples  load {before:.2f}")  # fmt: skip
    median = {m: [statistics.median(f[i] for f in found) for i in range(3)]
              for m, found in figures.items()}  # fmt: skip
    print(f"load ÷ bulk_load (medians): wall {median['load'][0] / median['bulk_load'][0]:.2f}, "
          f"CPU {median['load'][1] / median['bulk_load'][1]:.2f}, "
          f"peak RSS {median['load'][2] / median['bulk_load'][2]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
