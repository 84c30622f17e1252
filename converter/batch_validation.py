"""Validation of a graph that streams through ``cskg convert`` batch by batch.

Each batch is validated with the shared resources it refers to (and the ontology and
vocabularies), keeping only the results about its own nodes; the shared resources are
validated once, at the end. Shapes only look at a node and its neighbours, so the union equals
the validation of the whole graph at once (``tests/test_scale.py`` checks it).

The worker processes that validate a batch also encode it in the output formats other than
N-Triples: they have parsed it already, and the main process, which maps, is the bottleneck.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

import pyoxigraph as ox
import rdflib

from converter.errors import UsageError
from converter.serialise import FORMATS, Statements
from converter.shacl import read_lines, validate_terms
from converter.validation import ShaclResult, ValidationReport, validate_graph

# The validators: the compiled one (default) and pyshacl, the reference it is tested against.
VALIDATORS = ("rapide", "pyshacl")
# a batch's validation results, its bodies by format name, and the seconds of each step
Checked = tuple[list[ShaclResult], dict[str, bytes], dict[str, float]]
K = TypeVar("K")  # what the caller keeps with a call
T = TypeVar("T")  # what the call returns


def check_validator(name: str) -> str:
    """:raises UsageError: ``name`` is not one of ``VALIDATORS``."""
    if name not in VALIDATORS:
        raise UsageError(f"validateur inconnu « {name} » ; validateurs : {', '.join(VALIDATORS)}")
    return name


def check_and_encode(
    own: bytes,
    context: bytes,
    focus: frozenset[str] | None,
    validator: str,
    formats: Iterable[str],
    prefixes: dict[str, str],
) -> Checked:
    """Validate a part of a graph given as N-Triples (its own triples and those of the
    resources it refers to), keeping the results about ``focus`` nodes only (all when None);
    and the body of ``own`` in each of ``formats`` other than N-Triples; with the seconds each
    took. A top-level function, so that worker processes can run it."""
    start = time.perf_counter()
    encoded = [FORMATS[name] for name in formats if name != "ntriples"]
    parsed = ox.parse(own, format=ox.RdfFormat.N_TRIPLES)
    # parsed once for all formats; a single format streams them
    statements: Statements = list(parsed) if len(encoded) > 1 else parsed
    bodies = {fmt.name: fmt.body(statements, prefixes) for fmt in encoded}
    middle = time.perf_counter()
    if validator == "pyshacl":
        graph = rdflib.Graph()
        graph.parse(data=own + context, format="nt")
        results = validate_graph(graph).results
    else:
        results = validate_terms(itertools.chain(read_lines(own), read_lines(context))).results
    kept = [r for r in results if focus is None or r.focus in focus]
    seconds = {"encode": middle - start, "validate": time.perf_counter() - middle}
    return kept, bodies, seconds


class OrderedWork(Generic[K, T]):
    """Calls run in worker processes (in this one when there is no pool) and their results
    come back in the order of the calls, each with what the caller kept for it, at most
    ``ahead`` of them pending."""

    def __init__(self, pool: ProcessPoolExecutor | None, ahead: int) -> None:
        self.pool = pool
        self.ahead = ahead
        self.pending: deque[tuple[K, Future[T]]] = deque()

    def submit(self, kept: K, function: Callable[..., T], *args: Any) -> list[tuple[K, T]]:
        """Start ``function(*args)``; returns the (kept, result) of the calls, this one or
        earlier ones, taken now to keep at most ``ahead`` pending."""
        if self.pool is None:
            return [(kept, function(*args))]
        self.pending.append((kept, self.pool.submit(function, *args)))
        done = []
        while len(self.pending) > self.ahead:
            done.append(self._next())
        return done

    def drain(self) -> list[tuple[K, T]]:
        """The results of every pending call, in order."""
        done = []
        while self.pending:
            done.append(self._next())
        return done

    def _next(self) -> tuple[K, T]:
        kept, future = self.pending.popleft()
        return kept, future.result()


def merge_results(parts: Iterable[list[ShaclResult]]) -> ValidationReport:
    """One report from the results of every part (a result found twice counts once)."""
    return ValidationReport(sorted({r for part in parts for r in part}))
