"""The main job: fiches in, a validated graph and its report out (``cskg convert``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from converter.batch_validation import (
    Checked,
    OrderedWork,
    check_and_encode,
    check_validator,
    merge_results,
)
from converter.collector import collect_less, collecting_less
from converter.errors import NothingConverted, UsageError
from converter.files import AtomicFile, OutputSet, json_bytes, write_atomically
from converter.mapping import MappedGraph, Mapper, check_base_iri
from converter.model import ParseResult, Record
from converter.outputs import (
    PARSE_REPORT_NAME,
    REFUSED_REPORT_NAME,
    REPORT_NAME,
    TABLE_NAMES,
    remember,
)
from converter.paths import COG_DIR
from converter.reader import BATCH, iter_inputs
from converter.serialise import (
    GraphWriter,
    NtTriple,
    get_format,
    ntriples_lines,
    ntriples_parts,
    split_ntriples,
)
from converter.statistics import Statistics, data_set_lines
from converter.tabular import csv_bytes, jsonl_bytes
from converter.territory import load_cog
from converter.validation import ShaclResult, ValidationReport
from converter.vocab import DEFAULT_BASE_IRI, load_vocabularies


@dataclass
class Conversion:
    parsed: ParseResult
    graph: MappedGraph
    validation: ValidationReport
    written: list[Path]
    cog_year: int

    @property
    def ok(self) -> bool:
        """True when every fiche became an action and the graph has no SHACL violation."""
        return not self.parsed.rejected and self.validation.conforms

    def report(self) -> dict[str, Any]:
        """What ``report.json`` holds."""
        warnings = self.parsed.warnings + self.graph.warnings
        return {
            "cog_year": self.cog_year,
            "fiches_found": self.parsed.fiches_found,
            "actions": self.graph.actions,
            "duplicates": self.graph.duplicates,
            "structures": self.graph.structures,
            "organisations": self.graph.organisations,
            "unreviewed_concepts": self.graph.unreviewed_concepts,
            "linked": {
                level: self.graph.linked(level) for level in ("departement", "region", "commune")
            },
            "rejected": [d.as_dict("reason") for d in self.parsed.rejected],
            "warnings": [d.as_dict() for d in warnings],
            "territories": self.graph.territories,
            "triples": self.graph.triple_count,
            "shacl": {
                "conforms": self.validation.conforms,
                "violations": len(self.validation.violations),
                "warnings": len(self.validation.warnings),
                "results": [vars(r) for r in self.validation.results],
            },
        }


@dataclass
class Parsed:
    """What ``cskg parse`` keeps of what it read: the records go to the tables as they come,
    the diagnostics and counts stay."""

    found: ParseResult = field(default_factory=ParseResult)  # without its records
    records: int = 0

    def add(self, part: ParseResult) -> None:
        self.found.extend(replace(part, records=[]))
        self.records += len(part.records)

    def report(self) -> dict[str, Any]:
        """What ``parse-report.json`` holds."""
        return {
            "fiches_found": self.found.fiches_found,
            "parsed": self.records,
            "rejected": [d.as_dict("reason") for d in self.found.rejected],
            "warnings": [d.as_dict() for d in self.found.warnings],
        }


def parse(
    inputs: Iterable[str | Path], output: Path, *, batch: int = BATCH
) -> tuple[Parsed, list[Path]]:
    """Read fiches and write ``actions.jsonl``, ``actions.csv`` and ``parse-report.json``.

    The fiches stream through in batches of ``batch``: memory holds one batch, whatever the
    inputs' size.
    Each table is written into a temporary file, renamed over the previous one at the end.

    :raises InputError: an input cannot be read at all (the previous tables are kept).
    :raises NothingConverted: no fiche was found, or every one was rejected (nothing written
        but ``refused-report.json``).
    :raises OutputError: ``output`` cannot be written.
    """
    parts = iter_inputs(inputs, batch=batch)
    part = next(parts, None)  # unreadable first input: fails before any writing
    parsed = Parsed()
    paths = [output / name for name in TABLE_NAMES]
    jsonl, table = tables = [AtomicFile(path) for path in paths]
    try:
        table.write(csv_bytes([]))  # the header row
        while part is not None:
            jsonl.write(jsonl_bytes(part.records))
            table.write(csv_bytes(part.records, header=False))
            parsed.add(part)
            part = next(parts, None)
        if not parsed.records:
            _refuse(output, parsed.report(), parsed.found)
        for done in tables:
            done.commit()
    except BaseException:
        for dropped in tables:
            dropped.abort()
        raise
    write_atomically(output / PARSE_REPORT_NAME, json_bytes(parsed.report()))
    return parsed, [*paths, output / PARSE_REPORT_NAME]


def _refuse(output: Path, report: dict[str, Any], parsed: ParseResult) -> None:
    """No fiche became a record: keep the previous output, write why beside it, and stop.

    :raises NothingConverted: always.
    """
    refused = output / REFUSED_REPORT_NAME
    write_atomically(refused, json_bytes(report))
    raise NothingConverted(parsed, refused)


T = TypeVar("T")


class _Stopwatch:
    """Adds the time of each call to its stage in ``timings`` (when there is one)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings

    def add(self, stage: str, seconds: float) -> None:
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + seconds

    def run(self, stage: str, function: Callable[..., T], *args: Any) -> T:
        if self.timings is None:
            return function(*args)
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            self.add(stage, time.perf_counter() - start)


# The shared resources and the derived statistics are validated and encoded in parts of this
# many triples per fiche of a batch: about the size of a batch of actions (82 triples a fiche)
SHARED_PART = 80

# a batch's validation results, bodies and seconds, and its derived statistics when counted
Counted = tuple[Checked, Statistics | None]


def check_and_count(base_iri: str | None, own: bytes, *arguments: Any) -> Counted:
    """``check_and_encode`` of a batch and, when ``base_iri`` is given, its derived
    statistics (merged in the main process, in input order): a worker's job, which the main
    process, that maps, no longer does."""
    checked = check_and_encode(own, *arguments)
    if base_iri is None:
        return checked, None
    start = time.perf_counter()
    counted = Statistics(base_iri)
    counted.add(own)
    checked[2]["count"] = time.perf_counter() - start
    return checked, counted


def _map(mapper: Mapper, records: Iterable[Record]) -> list[NtTriple]:
    for record in records:
        mapper.map(record)
    return mapper.take_batch()


@collecting_less
def convert(
    inputs: Iterable[str | Path],
    output: Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    cog_dir: Path = COG_DIR,
    jobs: int = 1,
    batch: int = BATCH,
    validator: str = "rapide",
    formats: Iterable[str] = ("turtle", "ntriples", "jsonld"),
    timings: dict[str, float] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Conversion:
    """Read, map, validate and write ``actions.ttl``, ``.nt``, ``.jsonld`` and ``report.json``.

    Fiches stream through in batches of ``batch``: only one batch of records and triples is in
    memory at a time, with the resources actions share. Each batch is validated and encoded in
    Turtle and JSON-LD in one of ``jobs`` worker processes (in this one when ``jobs`` is 1).
    ``timings``, when given, receives the seconds spent in each stage: "parse", "map" (mapping
    and N-Triples encoding), "wait" (for the workers; validating and encoding itself when there
    are none) and "write" in this process; "validate", "encode" (Turtle, JSON-LD) and "count"
    (the derived statistics) in the workers, suffixed " (workers)".
    The output is written action after action in input order, then the shared resources.

    :raises InputError: an input or the COG tables cannot be read at all.
    :raises UsageError: ``base_iri`` cannot prefix IRIs, or ``jobs`` is below 1.
    :raises NothingConverted: no fiche was found, or every one was rejected: the previous
        output is kept, and ``refused-report.json`` says why.
    :raises OutputError: ``output`` cannot be written.
    """
    if jobs < 1:
        raise UsageError(f"--jobs : au moins 1 processus, pas {jobs}")
    cog = load_cog(cog_dir)
    mapper = Mapper(check_base_iri(base_iri), load_vocabularies(), cog)
    parsed = ParseResult()
    check_validator(validator)
    chosen = [get_format(name) for name in formats]
    names = tuple(f.name for f in chosen)
    clock = _Stopwatch(timings)
    parts = iter_inputs(inputs, batch=batch)
    part = clock.run("parse", next, parts, None)  # unreadable input: fails before any writing
    outputs = OutputSet(output, [f"actions{f.suffix}" for f in chosen] + [REPORT_NAME])
    writer = GraphWriter(outputs.staging, formats=chosen)
    pool = ProcessPoolExecutor(jobs, initializer=collect_less) if jobs > 1 else None
    # each batch is validated, encoded and counted in a worker, then written here in input order
    # a call running in each worker and one waiting: twice as many held 30 MiB more of batches
    # at 20,000 fiches, no faster
    work: OrderedWork[bytes, Counted] = OrderedWork(pool, jobs + 1)
    results: list[list[ShaclResult]] = []
    derive = Statistics(mapper.base)  # derived statistics, written after the shared resources

    def settle(done: list[tuple[bytes, Counted]]) -> None:
        for lines, ((found, bodies, seconds), counted) in done:
            results.append(found)
            if counted is not None:
                derive.merge(counted)
            for step, spent in seconds.items():
                clock.add(f"{step} (workers)", spent)
            clock.run("write", writer.write, lines, bodies)

    def send(lines: bytes, context: bytes, focus: frozenset[str] | None, count: bool) -> None:
        arguments = (lines, context, focus, validator, names, writer.prefixes)
        base = mapper.base if count else None
        settle(clock.run("wait", work.submit, lines, check_and_count, base, *arguments))

    try:
        while part is not None:
            parsed.extend(replace(part, records=[]))
            triples = clock.run("map", _map, mapper, part.records)
            own = frozenset(subject[1:-1] for subject, _, _ in triples)
            lines = clock.run("map", ntriples_lines, triples)
            send(lines, clock.run("map", ntriples_lines, mapper.referenced(triples)), own, True)
            if progress is not None:
                progress(parsed.fiches_found)
            part = clock.run("parse", next, parts, None)
        settle(clock.run("wait", work.drain))  # every batch counted
        # then the shared resources and the derived statistics, in parts of about a batch's
        # size, each with the resources it refers to
        size, first = SHARED_PART * batch, True

        def send_part(lines: bytes, triples: list[NtTriple], known: bytes = b"") -> None:
            nonlocal first
            context = known + clock.run("map", ntriples_lines, mapper.referenced(triples))
            # the first part keeps every result: those about the ontology's and vocabularies'
            # own nodes too
            own = None if first else frozenset(subject[1:-1] for subject, _, _ in triples)
            send(lines, context, own, False)
            first = False

        resources = mapper.shared_parts(size)
        while (shared := clock.run("map", next, resources, None)) is not None:
            lines = clock.run("map", ntriples_lines, shared)
            clock.run("map", derive.add, lines)  # the organisations' types
            send_part(lines, shared)
        data_sets = derive.data_sets()
        while (derived := clock.run("map", next, data_sets, None)) is not None:
            mapper.graph.triple_count += derived.count(b"\n")
            known = data_set_lines(derived)  # what observations refer to: their data set…
            for lines in ntriples_parts(derived, size):
                send_part(lines, list(split_ntriples(lines)), known)
        settle(clock.run("wait", work.drain))
        validation = merge_results(results)
        conversion = Conversion(parsed, mapper.graph, validation, [], cog.year)
        if not mapper.graph.actions:
            _refuse(output, conversion.report(), parsed)
        clock.run("write", writer.close)
        write_atomically(outputs.path(REPORT_NAME), json_bytes(conversion.report()))
        conversion.written = outputs.commit()
    except BaseException:
        writer.abort()
        outputs.abort()
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    remember(output)
    return conversion
