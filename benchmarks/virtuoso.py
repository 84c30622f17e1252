"""Publish and query at scale on both tested servers, oxigraph and Virtuoso (issue 14); prints
figures, no assertion (the machines are shared and noisy).

    python benchmarks/virtuoso.py [--actions 100000] [--runs 3] [--via graph-store|update]
                                  [--virtuoso-memory 4000] [--keep DIR] [--skip QUERY…]
                                  [--servers oxigraph virtuoso]

Generates the fiches (benchmarks/generate.py) and converts them (not part of the figures), starts
an in-memory oxigraph server and a Virtuoso with a throwaway database (tests/virtuoso.py), then
on each: ``cskg publish`` (staging graph, counts, MOVE, count; timed whole, twice: the second
replaces the first), then every library query ``--runs`` times on the published graph (median),
checking that both servers give the same rows (with ``--keep``, a server not run this time
is compared through the rows its last run saved there). The load average is printed at the start and
the end: figures taken on a busy machine say so.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.convert import convert  # noqa: E402
from converter.endpoint import free_port, start_server  # noqa: E402
from converter.errors import RemoteError  # noqa: E402
from converter.publish import Endpoint, publish  # noqa: E402
from converter.query import LibraryQuery, bind, library, load_query, run_remote  # noqa: E402
from converter.reader import render  # noqa: E402
from tests import virtuoso  # noqa: E402

GRAPH = "https://w3id.org/cskg/graph/actions"

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rows(results: object) -> list[tuple[str, ...]]:
    names = [v.value for v in results.variables]  # type: ignore[attr-defined]
    return sorted(
        tuple(str(s[n]) if s[n] is not None else "" for n in names)
        for s in results  # type: ignore[attr-defined]
    )


def chosen(options: argparse.Namespace) -> list[tuple[str, LibraryQuery]]:
    """The library queries to run, each followed by its other version (``--before``)."""
    found = []
    for query in library():
        if query.name in options.skip or (options.only and query.name not in options.only):
            continue
        found.append((query.name, query))
        old = options.before / f"{query.name}.rq" if options.before else None
        if old is not None and old.exists() and old.read_text("utf-8") != query.text:
            found.append((f"{query.name}@before", load_query(str(old))))
    return found


def parameters(options: argparse.Namespace, name: str) -> dict[str, str]:
    values = {}
    for given in options.param:
        query, _, pair = given.partition(":")
        if query == name:
            key, _, value = pair.partition("=")
            values[key] = value
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actions", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--query-timeout", type=float, default=600, help="seconds a query may take, then noted"
    )
    parser.add_argument("--via", choices=["graph-store", "update"], default="graph-store")
    parser.add_argument("--virtuoso-memory", type=int, default=4000, help="MiB of buffers")
    parser.add_argument(
        "--servers", nargs="+", choices=["oxigraph", "virtuoso"], default=["oxigraph", "virtuoso"]
    )
    parser.add_argument("--keep", type=Path, help="folder kept for the fiches and output")
    parser.add_argument("--skip", nargs="*", default=[], help="library queries not run")
    parser.add_argument("--only", nargs="*", default=[], help="the library queries run")
    parser.add_argument(
        "--before", type=Path, help="folder of another version's .rq files, run as NAME@before"
    )
    parser.add_argument(
        "--param", action="append", default=[], help="QUERY:NAME=VALUE, a parameter of QUERY"
    )
    parser.add_argument(
        "--publish-once", action="store_true", help="publish once, not a second time"
    )
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop both servers on the way out
    work = options.keep or Path(tempfile.mkdtemp(prefix="cskg-virtuoso-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {load()} ({os.cpu_count()} cores)", flush=True)

    fiches = work / f"fiches-{options.actions}.txt"
    out = work / f"out-{options.actions}"
    if not (out / "actions.nt").exists():
        with fiches.open("w", encoding="utf-8") as stream:
            stream.write("Les actions des centres sociaux\n")
            for record in generate.fiches(options.actions, options.seed):
                stream.write(render([record], banner=False))
        start = time.perf_counter()
        convert([fiches], out)
        print(f"convert {options.actions} fiches: {time.perf_counter() - start:.1f} s", flush=True)

    oxigraph = start_server(None, port=free_port())
    try:
        vt = virtuoso.start(work / "virtuoso-db", memory_mb=options.virtuoso_memory, wait=300)
    except BaseException:
        oxigraph.stop()
        raise
    update_only = options.via == "update"
    servers = {
        "oxigraph": (
            oxigraph.query_url,
            Endpoint(
                oxigraph.query_url,
                oxigraph.base + "/update",
                None if update_only else oxigraph.base + "/store",
                timeout=7200,
            ),
        ),
        "virtuoso": (
            vt.sparql,
            Endpoint(
                vt.sparql,
                vt.sparql,
                None if update_only else vt.base + "/sparql-graph-crud",
                timeout=7200,
            ),
        ),
    }
    figures: dict[str, dict[str, float]] = {}
    answers: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    try:
        for name, (url, target) in servers.items():
            if name not in options.servers:
                continue
            figures[name] = {}
            for run in ("publish",) if options.publish_once else ("publish", "republish"):
                start = time.perf_counter()
                done = publish(out, target, GRAPH)
                figures[name][run] = time.perf_counter() - start
                print(
                    f"{name} {run}: {done.triples} triples ({done.method}) in "
                    f"{figures[name][run]:.1f} s, load {load()}",
                    flush=True,
                )
            answers[name] = {}
            for label, query in chosen(options):
                text = bind(query, parameters(options, query.name))
                times = []
                for _ in range(options.runs):
                    start = time.perf_counter()
                    try:
                        result = run_remote(text, url, graph=GRAPH, timeout=options.query_timeout)
                    except RemoteError as error:
                        print(f"{name} {label}: no answer ({error})", flush=True)
                        times = [float("inf")]
                        answers[name][label] = [("(no answer)",)]
                        break
                    answers[name][label] = rows(result)
                    times.append(time.perf_counter() - start)
                    if times[-1] > 30:
                        break  # one run of a slow query is enough
                figures[name][label] = statistics.median(times)
                print(
                    f"{name} {label}: {figures[name][label]:.3f} s "
                    f"({len(answers[name][label])} rows, {len(times)} run(s)), load {load()}",
                    flush=True,
                )
                before = label.removesuffix("@before")
                if before != label and before in answers[name]:
                    same = answers[name][before] == answers[name][label]
                    print(f"{name} {before}: same rows as before: {same}", flush=True)
    finally:
        oxigraph.stop()
        vt.stop()
    for name in ("oxigraph", "virtuoso"):  # the other server's rows, from an earlier --keep run
        kept = work / f"rows-{name}-{options.actions}.json"
        if name not in answers and kept.exists():
            answers[name] = {
                q: [tuple(r) for r in rows]
                for q, rows in json.loads(kept.read_text("utf-8")).items()
            }
            print(f"rows of {name} read from {kept}")
    both = len(answers) == 2
    different = [
        q
        for q in answers.get("virtuoso", {})
        if both and answers["oxigraph"].get(q) != answers["virtuoso"][q]
    ]
    figures = {k: {q: round(v, 3) for q, v in f.items()} for k, f in figures.items()}
    if both:
        print(f"queries whose rows differ between the servers: {different or 'none'}")
    for name in figures:  # the servers run now
        found = answers.get(name, {})
        (work / f"rows-{name}-{options.actions}.json").write_text(json.dumps(found), "utf-8")
    print(f"load average at end: {load()}")
    print(json.dumps({"actions": options.actions, "via": options.via, "figures": figures}))


if __name__ == "__main__":
    main()
