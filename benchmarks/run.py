"""Measure cskg at scale and print the figures (no assertion: the machines are shared and noisy).

    python benchmarks/run.py [--sizes 1000 10000 100000] [--jobs 2] [--naive-at 10000]
                             [--queries-at 100000] [--keep DIR]

For each size: generate the fiches (benchmarks/generate.py, not timed), then run the streaming
``convert`` in a fresh process writing Turtle and N-Triples, and print fiches/s, triples/s and
the peak RSS end to end (main process and workers), then the same for each stage (seconds of
the process that runs it, and that process's peak RSS).
At ``--naive-at``, the naive pipeline (one rdflib graph, one pyshacl call, rdflib Turtle) runs in
the same way for the ratio. At ``--queries-at``, every library query runs five times on the
graph in the local store and on ``cskg serve``; the median of each is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

CONVERT = """
import json, resource, sys, time
from pathlib import Path
from converter.convert import convert
timings = {}
start = time.perf_counter()
done = convert([sys.argv[1]], Path(sys.argv[2]), jobs=int(sys.argv[3]), formats=("turtle", "ntriples"),
               timings=timings)
wall = time.perf_counter() - start
rss = {who: resource.getrusage(which).ru_maxrss / 1024
       for who, which in (("main", resource.RUSAGE_SELF), ("workers", resource.RUSAGE_CHILDREN))}
print(json.dumps({"wall": wall, "stages": timings, "triples": done.graph.triple_count,
                  "fiches": done.parsed.fiches_found, "violations": len(done.validation.violations),
                  "warnings": len(done.validation.warnings), "rss": rss}))
"""

NAIVE = """
import json, sys, time
import rdflib
from pyshacl import validate
from converter.mapping import map_records
from converter.reader import read_text
from converter.serialise import ntriples_bytes
from converter.validation import schema_graph, shapes_graph
start = time.perf_counter()
records = read_text(sys.argv[1]).records
graph = rdflib.Graph()
graph.parse(data=ntriples_bytes(map_records(records).triples), format="nt")
validate(graph + schema_graph(), shacl_graph=shapes_graph(), inference="none", allow_warnings=True)
graph.serialize(destination=sys.argv[2] + "/naive.ttl", format="turtle")
print(json.dumps({"wall": time.perf_counter() - start, "triples": len(graph)}))
"""


# The stages convert reports, where each runs (see converter.convert.convert).
STAGES = (
    ("parse", "main"),
    ("map", "main"),
    ("validate (workers)", "workers"),
    ("encode (workers)", "workers"),
    ("write", "main"),
    ("wait", "main"),
)


def run_child(code: str, *args: str) -> tuple[dict[str, object], float]:
    """Run ``code`` in a fresh Python; its JSON line and the peak RSS (MiB) of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [PYTHON, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(done.stdout.strip().splitlines()[-1]), max(peak, before) / 1024


def generate(count: int, folder: Path) -> Path:
    path = folder / f"fiches-{count}.txt"
    if not path.exists():
        subprocess.run(
            [
                PYTHON,
                str(ROOT / "benchmarks" / "generate.py"),
                str(count),
                "--seed",
                "1",
                "--broken",
                "0.01",
                "-o",
                str(path),
            ],
            check=True,
        )
    return path


def query_medians(graph: Path, folder: Path) -> list[tuple[str, float, float]]:
    sys.path.insert(0, str(ROOT))
    from converter.endpoint import free_port, serve_files, served_files
    from converter.query import bind, library, local_store, run_local, run_remote

    store = local_store([graph])
    local: dict[str, float] = {}
    for query in library():
        text = bind(query, {})
        times = []
        for _ in range(5):
            start = time.perf_counter()
            results = run_local(text, store)
            list(results) if hasattr(results, "__iter__") else None
            times.append(time.perf_counter() - start)
        local[query.name] = statistics.median(times)
    server, _ = serve_files(served_files(graph), port=free_port())  # in memory, as by default
    served: dict[str, float] = {}
    try:
        for query in library():
            text = bind(query, {})
            times = []
            for _ in range(5):
                start = time.perf_counter()
                run_remote(text, server.query_url, timeout=120)
                times.append(time.perf_counter() - start)
            served[query.name] = statistics.median(times)
    finally:
        server.stop()
    return [(name, local[name], served[name]) for name in local]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--naive-at", type=int, default=10000)
    parser.add_argument(
        "--queries-at",
        type=int,
        default=0,
        help="size for the query timings (default: the largest)",
    )
    parser.add_argument(
        "--keep", type=Path, help="folder for generated files (default: a temporary one)"
    )
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="cskg-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"# cskg benchmark — {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, jobs={options.jobs}"
    )
    per_fiche: dict[int, float] = {}
    print(
        "\n| fiches | triples | wall s | fiches/s | triples/s | peak RSS MiB | parse s | map s | validate s | write s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    runs: dict[int, dict[str, object]] = {}
    for count in options.sizes:
        source = generate(count, folder)
        out = folder / f"out-{count}"
        figures, peak = run_child(CONVERT, str(source), str(out), str(options.jobs))
        runs[count] = figures
        wall, triples = float(figures["wall"]), int(figures["triples"])  # type: ignore[arg-type]
        stages = figures["stages"]
        assert isinstance(stages, dict)
        per_fiche[count] = wall / count
        print(
            f"| {count:,} | {triples:,} | {wall:.1f} | {count / wall:,.0f} | {triples / wall:,.0f} | {peak:,.0f} | "
            + " | ".join(
                f"{stages.get(s, 0):.1f}" for s in ("parse", "map", "validate (workers)", "write")
            )
            + " |"
        )
    print(
        "\nEach stage on its own (seconds of the process that runs it; workers: summed over them):"
    )
    print("\n| fiches | stage | runs in | s | fiches/s | triples/s | peak RSS MiB |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for count, figures in runs.items():
        stages, rss = figures["stages"], figures["rss"]
        assert isinstance(stages, dict) and isinstance(rss, dict)
        triples = int(figures["triples"])  # type: ignore[arg-type]
        for stage, where in STAGES:
            spent = float(stages.get(stage, 0.0))
            name = stage.removesuffix(" (workers)")
            where = where if options.jobs > 1 else "main"
            measured = spent and stage != "wait"  # waiting processes nothing
            rate = f"{count / spent:,.0f} | {triples / spent:,.0f}" if measured else "– | –"
            print(f"| {count:,} | {name} | {where} | {spent:.1f} | {rate} | {rss[where]:,.0f} |")
    if len(per_fiche) > 1:
        small, large = min(per_fiche), max(per_fiche)
        print(
            f"\ntime per fiche at {large:,} / at {small:,}: {per_fiche[large] / per_fiche[small]:.2f}"
        )
        if options.naive_at in per_fiche and options.naive_at != large:
            print(
                f"time per fiche at {large:,} / at {options.naive_at:,}: {per_fiche[large] / per_fiche[options.naive_at]:.2f}"
            )
    if options.naive_at:
        source = generate(options.naive_at, folder)
        figures, peak = run_child(NAIVE, str(source), str(folder))
        naive = float(figures["wall"])  # type: ignore[arg-type]
        ours = per_fiche.get(options.naive_at, 0) * options.naive_at
        ratio = f", cskg {naive / ours:.1f}x faster" if ours else ""
        print(
            f"\nnaive pipeline at {options.naive_at:,} fiches: {naive:.1f} s, peak RSS {peak:,.0f} MiB{ratio}"
        )
    size = options.queries_at or max(options.sizes)
    graph = folder / f"out-{size}" / "actions.ttl"
    if graph.exists():
        print(f"\n| query at {size:,} fiches | local median s | cskg serve median s |")
        print("|---|---:|---:|")
        for name, local, served in query_medians(graph, folder):
            print(f"| {name} | {local:.3f} | {served:.3f} |")


if __name__ == "__main__":
    main()
