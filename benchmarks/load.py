"""Load test: concurrent clients run the query library against ``cskg serve`` (a figure, not a test).

    python benchmarks/load.py [--actions 100000] [--clients 20] [--seconds 60] [--keep DIR]
                              [--store] [--via serve|oxigraph]

Generates and converts the fiches (or reuses ``--keep DIR/out-N``), computes every query's
expected answer on the local store, then starts ``cskg serve`` on them (``--via serve``, the
default: its front server, which keeps answers per data fingerprint, and the oxigraph server
behind it, in memory or with ``--store`` in a persistent store; no site pages, ``--site`` an
empty folder) or the oxigraph server alone (``--via oxigraph``), and runs ``--clients`` threads
that each loop over the library, on loopback only, for ``--seconds``. Every answer is compared
with the expected one. Prints the errors, the wrong answers, the latency percentiles per query
and overall, those of each query's first answer (when it runs), and the load average.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.endpoint import free_port, serve_files, served_files  # noqa: E402
from converter.errors import RemoteError  # noqa: E402
from converter.query import bind, library, local_store, run_local, run_remote  # noqa: E402


def rows(results: object) -> list[tuple[str, ...]]:
    names = [v.value for v in results.variables]  # type: ignore[attr-defined]
    return sorted(tuple(str(s[n]) for n in names) for s in results)  # type: ignore[attr-defined]


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def start_serve(out: Path, store: Path | None) -> tuple[str, Callable[[], None]]:
    """``cskg serve`` on ``out`` (no site pages) on a free port: its /query URL and a stop."""
    port = free_port()
    empty = Path(tempfile.mkdtemp(prefix="cskg-load-site-"))
    command = [str(Path(sys.executable).with_name("cskg")), "serve", "--data", str(out)]
    command += ["--site", str(empty), "--port", str(port)]
    if store is not None:
        command += ["--store", str(store)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:  # it prints the SPARQL endpoint once the store is loaded
        if "point d'accès SPARQL" in line:
            break
    else:
        raise SystemExit(f"cskg serve stopped: status {process.wait()}")

    def stop() -> None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)

    return f"http://127.0.0.1:{port}/query", stop


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
    parser.add_argument("--via", choices=["serve", "oxigraph"], default="serve")
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
    print(f"# load average {load()} before the server starts")
    if options.via == "serve":
        url, stop = start_serve(out, store_folder)
    else:
        server, _ = serve_files(
            served_files(out / "actions.ttl"), store=store_folder, port=free_port()
        )
        url, stop = server.query_url, server.stop
    print(f"# load average {load()} when the clients start")
    latencies: dict[str, list[float]] = {name: [] for name, _ in queries}
    first: dict[str, float] = {}
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
                results = run_remote(text, url, timeout=600)
            except RemoteError as error:  # counted and printed, the load goes on
                with lock:
                    errors.append(f"{name}: {error}")
                continue
            elapsed = time.perf_counter() - start  # the answer received and parsed
            answer = rows(results)  # compared, not timed: Python threads share one core
            with lock:
                if not latencies[name]:
                    first[name] = elapsed
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
        stop()
    every = [t for values in latencies.values() for t in values]
    print(
        f"# load: {options.actions:,} actions, {options.clients} clients, {options.seconds:g} s "
        f"on 127.0.0.1, {'persistent store' if options.store else 'in memory'}, "
        f"via {options.via}; load average {load()} at the end"
    )
    print(f"requests: {len(every)}, errors: {len(errors)}, wrong answers: {len(wrong)}")
    for message in errors[:5]:
        print(f"  error: {message}")
    print("\n| query | requests | first s | p50 s | p90 s | p99 s | max s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, values in sorted(latencies.items()):
        if values:
            print(
                f"| {name} | {len(values)} | {first[name]:.3f} | {statistics.median(values):.3f} | "
                f"{percentile(values, 0.9):.3f} | {percentile(values, 0.99):.3f} | {max(values):.3f} |"
            )
    if every:
        print(
            f"| all | {len(every)} | {max(first.values()):.3f} | {statistics.median(every):.3f} | "
            f"{percentile(every, 0.9):.3f} | "
            f"{percentile(every, 0.99):.3f} | {max(every):.3f} |"
        )


if __name__ == "__main__":
    main()
