"""Measure what ``cskg serve`` costs to start without ``--store``: the data loaded into the
in-memory oxigraph server, and the server's peak memory (no assertion: shared, noisy machines).

    python benchmarks/serve_load.py DATA

DATA: a conversion's folder (``cskg convert -o DATA``). Prints the wall time from the server's
start to the end of the load, the server's processor time, its peak RSS (sampled every 0.2 s)
and once loaded, the triples it counts, and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from converter import endpoint

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(") ")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("data", type=Path)
    files = endpoint.served_files(parser.parse_args().data)
    print("load average before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    peak = 0
    start = time.monotonic()
    server = endpoint.start_server(None, port=endpoint.free_port())
    try:
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss_kib(server.process.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            endpoint.load_files(server, files)
        finally:
            done.set()
            sampler.join()
        wall = time.monotonic() - start
        url = f"{server.base}/query?query={urllib.parse.quote(COUNT)}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=600) as answer:
            count = json.load(answer)["results"]["bindings"][0]["n"]["value"]
        print(
            f"loaded in {wall:.1f} s, server CPU {cpu_seconds(server.process.pid):.1f} s, "
            f"peak RSS {peak / 1024:,.0f} MiB, {rss_kib(server.process.pid) / 1024:,.0f} MiB "
            f"once loaded, {int(count):,} triples"
        )
    finally:
        server.stop()
    print("load average after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
