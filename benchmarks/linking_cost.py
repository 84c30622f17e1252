"""What the linking rules cost: ``map_records`` on generated fiches, timed for one or more
checkouts in turn, in the same run (figures are compared as ratios, on one machine).

    python benchmarks/generate.py 5000 --seed 1 -o /tmp/fiches.txt
    python benchmarks/linking_cost.py /tmp/fiches.txt /work/main . [--rounds 2]

Each checkout is timed in its own process (its own ``converter`` package), rounds alternating
between checkouts; prints the elapsed and processor seconds of each round (processor time
depends less on what else the machine runs), triples and organisations per checkout, the
load average before each measure, and the best processor time of each checkout.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from converter.mapping import map_records
from converter.reader import read_inputs
records = read_inputs([sys.argv[2]]).records
start, cpu = time.perf_counter(), time.process_time()
graph = map_records(records)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu, "triples": len(graph.triples),
                  "organisations": graph.organisations}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fiches")
    parser.add_argument("checkouts", nargs="+")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    best: dict[str, dict[str, float]] = {}
    for round_ in range(args.rounds):
        for checkout in args.checkouts:
            root = str(Path(checkout).resolve())
            load = Path("/proc/loadavg").read_text().split()[0]
            done = subprocess.run(
                [sys.executable, "-c", PROBE, root, args.fiches],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            figures = json.loads(done.stdout)
            print(f"round {round_ + 1} {root}: {figures['seconds']:.1f} s "
                  f"({figures['cpu']:.1f} s of processor), "
                  f"{figures['triples']} triples, {figures['organisations']} organisations "
                  f"(load {load})")  # fmt: skip
            if root not in best or figures["cpu"] < best[root]["cpu"]:
                best[root] = figures
    first = next(iter(best.values()))["cpu"]
    for root, figures in best.items():
        print(f"{root}: best {figures['cpu']:.1f} s of processor, {figures['cpu'] / first:.2f}x "
              f"the first")  # fmt: skip


if __name__ == "__main__":
    main()
