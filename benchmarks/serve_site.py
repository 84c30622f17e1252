"""Load test of the site served by ``cskg serve`` (a figure, not a test; issue 15).

    python benchmarks/serve_site.py [--actions 100000] [--clients 20] [--seconds 60]
                              [--requests 40000] [--keep DIR]

Generates and converts the fiches (benchmarks/generate.py, or reuses ``--keep DIR/out-N``),
starts the real ``cskg serve`` on a free loopback port (it writes the site with ``cskg site``
into its cache: the time of that first start is printed), then runs ``--clients`` threads, each
on its own keep-alive connection, over a seeded sample of resources. Each resource is asked as
a browser does (its IRI → 303, then the page ``<path>/``) and as a linked-data client does
(its IRI with Accept: text/turtle → 303, then ``<path>.ttl``). Every status is checked. Stops at
``--requests`` requests or ``--seconds``, whichever comes first. Prints the latency
percentiles per kind of request and overall, with the load average.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.endpoint import free_port  # noqa: E402

KINDS = (  # (name, path suffix, Accept, expected status)
    ("IRI, Accept: text/html → 303", "", "text/html,*/*;q=0.8", 303),
    ("page <chemin>/", "/", "text/html,*/*;q=0.8", 200),
    ("IRI, Accept: text/turtle → 303", "", "text/turtle", 303),
    ("<chemin>.ttl", ".ttl", "*/*", 200),
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def resources(site: Path, count: int) -> list[str]:
    """A seeded sample of the resource paths (actions, structures, organisations, concepts)."""
    found = []
    for prefix in ("id", "vocab"):
        for folder, _, files in os.walk(site / prefix):
            if "index.ttl" in files:
                found.append("/" + str(Path(folder).relative_to(site)))
    found.sort()
    return random.Random(1).sample(found, min(count, len(found)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--requests", type=int, default=40_000)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="cskg-site-"))
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"out-{options.actions}"
    if not (out / "actions.ttl").exists():
        source = folder / f"fiches-{options.actions}.txt"
        generate = [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            str(options.actions),
            "-o",
            str(source),
        ]
        subprocess.run(generate, check=True)
        cskg = str(Path(sys.executable).with_name("cskg"))
        subprocess.run([cskg, "convert", str(source), "-o", str(out)], check=False)
    port = free_port()
    started = time.perf_counter()
    log = open(folder / "serve.log", "w+b")  # noqa: SIM115 - read back while the server runs
    server = subprocess.Popen(
        [sys.executable, "-m", "converter", "serve", "--data", str(out), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        while b"Ctrl-C" not in (folder / "serve.log").read_bytes():
            if server.poll() is not None:
                raise SystemExit((folder / "serve.log").read_text())
            time.sleep(0.5)
        ready = time.perf_counter() - started
        lines = (folder / "serve.log").read_text().splitlines()
        site = Path(next(line for line in lines if line.startswith("site ")).split(" : ")[1])
        print(*lines, sep="\n")
        print(f"cskg serve prêt en {ready:.1f} s (site et magasin compris)")
        sample = resources(site, 5_000)
        print(f"{len(sample)} ressources tirées au sort ; {options.clients} clients")
        latencies: dict[str, list[float]] = {kind[0]: [] for kind in KINDS}
        errors: list[str] = []
        lock = threading.Lock()
        budget = [options.requests]
        deadline = time.monotonic() + options.seconds

        def client(offset: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            index = offset
            while time.monotonic() < deadline:
                path = sample[index % len(sample)]
                index += options.clients
                for name, suffix, accept, status in KINDS:
                    with lock:
                        if budget[0] <= 0:
                            return
                        budget[0] -= 1
                    begin = time.perf_counter()
                    try:
                        connection.request("GET", path + suffix, headers={"Accept": accept})
                        response = connection.getresponse()
                        response.read()
                    except (OSError, http.client.HTTPException) as error:
                        connection.close()
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                        with lock:
                            errors.append(f"{path}{suffix}: {error!r}")
                        continue
                    spent = time.perf_counter() - begin
                    with lock:
                        latencies[name].append(spent)
                        if response.status != status:
                            errors.append(f"{path}{suffix}: {response.status} ≠ {status}")

        load_before = os.getloadavg()
        begin = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(options.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - begin
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = [value for values in latencies.values() for value in values]
    print(
        f"\n{len(every)} requêtes en {elapsed:.1f} s ({len(every) / elapsed:.0f}/s), "
        f"{len(errors)} erreurs ; charge moyenne (1 min) {load_before[0]:.2f} avant, "
        f"{load_after[0]:.2f} après"
    )
    for error in errors[:10]:
        print("  erreur :", error)
    print("\n| requête | n | p50 (ms) | p99 (ms) | max (ms) |\n| --- | --- | --- | --- | --- |")
    for name, values in [*latencies.items(), ("toutes", every)]:
        if values:
            print(
                f"| {name} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
                f"{percentile(values, 0.99) * 1000:.1f} | {max(values) * 1000:.1f} |"
            )


if __name__ == "__main__":
    main()
