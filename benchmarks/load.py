"""Load test: concurrent clients run the query library against ``cskg serve`` (a figure, not a test).

    python benchmarks/load.py [--actions 100000] [--clients 20] [--seconds 60] [--keep DIR]
                              [--store]

Generates and converts the fiches (or reuses ``--keep DIR/out-N``), loads them into the
oxigraph server as ``cskg serve`` does (in memory, or with ``--store`` in a persistent store), computes every query's expected answer on the local
store, then runs ``--clients`` threads that each loop over the library, on loopback only, for
``--seconds``. Every answer is compared with the expected one. Prints the errors, the wrong
answers, and the latency percentiles per query and overall.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.endpoint import free_port, serve_files, served_files  # noqa: E402
from converter.errors import RemoteError  # noqa: E402
from converter.query import bind, library, local_store, run_local, run_remote  # noqa: E402


def rows(results: object) -> list[tuple[str, ...]]:
    names = [v.value for v in results.variables]  # type: ignore[attr-defined]
    return sorted(tuple(str(s[n]) for n in names) for s in results)  # type: ignore[attr-defined]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--keep", type=Path)
    parser.add_argument(
        "--store", action="store_true", help="serve from a persistent store, not from memory"
    )
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="cskg-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"out-{options.actions}"
    if not (out / "actions.ttl").exists():
        source = folder / f"fiches-{options.actions}.txt"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate.py"),
                str(options.actions),
                "-o",
                str(source),
            ],
            check=True,
        )
        subprocess.run(
            [str(Path(sys.executable).with_name("cskg")), "convert", str(source), "-o", str(out)],
            check=False,
        )
    queries = [(q.name, bind(q, {})) for q in library()]
    store = local_store([out / "actions.ttl"])
    expected = {name: rows(run_local(text, store)) for name, text in queries}
    del store
    store_folder = folder / "store" if options.store else None
    server, _ = serve_files(served_files(out / "actions.ttl"), store=store_folder, port=free_port())
    latencies: dict[str, list[float]] = {name: [] for name, _ in queries}
    errors: list[str] = []
    wrong: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + options.seconds

    def client(offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            name, text = queries[index % len(queries)]
            index += 1
            start = time.perf_counter()
            try:
                answer = rows(run_remote(text, server.query_url, timeout=120))
            except RemoteError as error:  # counted and printed, the load goes on
                with lock:
                    errors.append(f"{name}: {error}")
                continue
            elapsed = time.perf_counter() - start
            with lock:
                latencies[name].append(elapsed)
                if answer != expected[name]:
                    wrong.append(name)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(options.clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
    every = [t for values in latencies.values() for t in values]
    print(
        f"# load: {options.actions:,} actions, {options.clients} clients, {options.seconds:g} s "
        f"on 127.0.0.1, {'persistent store' if options.store else 'in memory'}"
    )
    print(f"requests: {len(every)}, errors: {len(errors)}, wrong answers: {len(wrong)}")
    for message in errors[:5]:
        print(f"  error: {message}")
    print("\n| query | requests | p50 s | p90 s | p99 s | max s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in sorted(latencies.items()):
        if values:
            print(
                f"| {name} | {len(values)} | {statistics.median(values):.3f} | {percentile(values, 0.9):.3f} | "
                f"{percentile(values, 0.99):.3f} | {max(values):.3f} |"
            )
    if every:
        print(
            f"| all | {len(every)} | {statistics.median(every):.3f} | {percentile(every, 0.9):.3f} | "
            f"{percentile(every, 0.99):.3f} | {max(every):.3f} |"
        )


if __name__ == "__main__":
    main()
