"""Library queries on a converted graph: time of each, and the rows of two versions compared
(a figure, not a test).

    python benchmarks/queries.py OUTPUT [--before DIR] [--runs 5] [--served] [--only NAME…]

Loads ``OUTPUT/actions.nt`` with the ontology and vocabularies into the local store (pyoxigraph
in memory, as ``cskg query`` does) and runs every library query with its default parameters
``--runs`` times; prints the median wall and CPU seconds of the answer written as ``cskg query``
writes it (TSV), the rows compared apart, untimed. With ``--before DIR`` (the ``.rq`` files of another
version, for example ``git show main:queries/…``), runs those too on the same store in the same
run and compares the rows (numbers compared as numbers: ``30500`` and ``30500.0`` are one
value). With ``--served``, also through ``cskg serve``'s front server: the oxigraph server in
memory behind it, the first answer (the query runs) and the next ones (kept per data
fingerprint). Prints the load average beside the figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.answer_cache import AnswerCache  # noqa: E402
from converter.endpoint import free_port, serve_files, served_files  # noqa: E402
from converter.files import fingerprint  # noqa: E402
from converter.query import (  # noqa: E402
    _parse,
    bind,
    library,
    local_store,
    results_bytes,
    run_local,
)
from converter.site.server import Site, start_front  # noqa: E402


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def _value(text: str) -> object:
    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return text


def rows(results: object) -> list[tuple[object, ...]]:
    names = [v.value for v in results.variables]  # type: ignore[attr-defined]
    return sorted(
        (tuple(_value(s[n].value) if s[n] is not None else "" for n in names) for s in results),  # type: ignore[attr-defined]
        key=repr,
    )


def timed(run: object, count: int) -> tuple[float, object]:
    times, answer = [], None
    for _ in range(count):
        start = time.perf_counter()
        answer = run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times), answer


def timed_cpu(run: object, count: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``count`` runs: on a loaded machine the CPU seconds of
    this process move less than the wall time, which waits for the other processes."""
    times, cpu = [], []
    for _ in range(count):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu)


def answer_bytes(text: str, store: object) -> bytes:
    """The answer as ``cskg query`` writes it (TSV): what a local query costs, without the
    rows this benchmark builds in Python to compare two versions."""
    return results_bytes(run_local(text, store), "tsv")  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--before", type=Path, help="folder of the .rq files of another version")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--served", action="store_true")
    parser.add_argument("--only", nargs="*", default=[])
    options = parser.parse_args()
    graph = options.output / "actions.nt"
    print(f"# {graph}, load {load()} at start")
    start = time.perf_counter()
    store = local_store([graph])
    print(f"loaded in {time.perf_counter() - start:.1f} s, {len(store):,} triples, load {load()}")
    queries = [q for q in library() if not options.only or q.name in options.only]
    print("\n| query | rows | local s | CPU s | before s | before CPU s | same rows | load |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for query in queries:
        text = bind(query, {})
        seconds, cpu = timed_cpu(lambda t=text: answer_bytes(t, store), options.runs)  # type: ignore[misc]
        answer = rows(run_local(text, store))  # compared apart, not timed
        before, before_cpu, same = "", "", ""
        old = options.before / f"{query.name}.rq" if options.before else None
        if old is not None and old.exists():
            old_text = bind(_parse(query.name, old, old.read_text("utf-8")), {})
            if old_text == text:
                before, same = "(same text)", "yes"
            else:
                old_seconds, old_cpu = timed_cpu(
                    lambda t=old_text: answer_bytes(t, store),  # type: ignore[misc]
                    max(1, options.runs // 2),
                )
                before, before_cpu = f"{old_seconds:.3f}", f"{old_cpu:.3f}"
                same = "yes" if rows(run_local(old_text, store)) == answer else "**NO**"
        count = len(answer)  # type: ignore[arg-type]
        print(
            f"| {query.name} | {count:,} | {seconds:.3f} | {cpu:.3f} | {before} | {before_cpu}"
            f" | {same} | {load()} |"
        )
    if not options.served:
        return
    store.clear()  # its memory, before the server loads the same data
    files = served_files(options.output)
    server, _ = serve_files(files, port=free_port())
    port = free_port()
    front = start_front(
        Site(None),
        upstream=(server.host, server.port),
        port=port,
        answers=AnswerCache(),
        data_fingerprint=fingerprint(files),
    )
    url = f"http://127.0.0.1:{port}/query"

    def post(to: str, text: str) -> bytes:
        request = urllib.request.Request(
            to,
            data=urllib.parse.urlencode({"query": text}).encode(),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            return bytes(response.read())

    def ask(text: str) -> bytes:
        return post(url, text)  # through cskg serve's front server (answers kept)

    def direct(text: str) -> bytes:
        return post(server.query_url, text)  # the oxigraph server itself

    print(
        "\n| query | oxigraph server s (median) | cskg serve first s | cskg serve kept s | load |"
    )
    print("|---|---:|---:|---:|---|")
    try:
        for query in queries:
            text = bind(query, {})
            server_seconds, _ = timed(lambda t=text: direct(t), options.runs)  # type: ignore[misc]
            first, _ = timed(lambda t=text: ask(t), 1)  # type: ignore[misc]
            again, _ = timed(lambda t=text: ask(t), options.runs)  # type: ignore[misc]
            print(f"| {query.name} | {server_seconds:.3f} | {first:.3f} | {again:.4f} | {load()} |")
    finally:
        front.shutdown()
        server.stop()


if __name__ == "__main__":
    main()
