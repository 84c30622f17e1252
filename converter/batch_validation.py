"""Validation of a graph that streams through ``cskg convert`` batch by batch.

Each batch is validated with the shared resources it refers to (and the ontology and
vocabularies), keeping only the results about its own nodes; the shared resources are
validated once, at the end. Shapes only look at a node and its neighbours, so the union equals
the validation of the whole graph at once (``tests/test_scale.py`` checks it).
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor

import pyoxigraph as ox
import rdflib

from converter.errors import UsageError
from converter.shacl import validate_fast
from converter.validation import ShaclResult, ValidationReport, validate_graph

# The validators: the compiled one (default) and pyshacl, the reference it is tested against.
VALIDATORS = ("rapide", "pyshacl")


def validate_part(
    ntriples: bytes, focus: frozenset[str] | None = None, validator: str = "rapide"
) -> list[ShaclResult]:
    """Validate a part of a graph given as N-Triples, keeping the results about ``focus``
    nodes only (all when None). A top-level function, so that worker processes can run it."""
    if validator == "pyshacl":
        graph = rdflib.Graph()
        graph.parse(data=ntriples, format="nt")
        results = validate_graph(graph).results
    else:
        results = validate_fast(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)).results
    return [r for r in results if focus is None or r.focus in focus]


class BatchValidator:
    """Validates batches in order, in ``jobs`` worker processes when more than one."""

    def __init__(self, jobs: int = 1, validator: str = "rapide") -> None:
        if validator not in VALIDATORS:
            raise UsageError(
                f"validateur inconnu « {validator} » ; validateurs : {', '.join(VALIDATORS)}"
            )
        self.jobs = jobs
        self.validator = validator
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[Future[list[ShaclResult]]] = []
        self.results: list[ShaclResult] = []

    def submit(self, ntriples: bytes, focus: frozenset[str] | None) -> None:
        """Validate a part of the graph given as N-Triples, keeping the results about ``focus``."""
        if self.jobs <= 1:
            self.results += validate_part(ntriples, focus, self.validator)
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.jobs)
        self.pending.append(self.pool.submit(validate_part, ntriples, focus, self.validator))
        while len(self.pending) > 2 * self.jobs:  # bound the memory held by queued batches
            self.results += self.pending.pop(0).result()

    def report(self) -> ValidationReport:
        try:
            for future in self.pending:
                self.results += future.result()
        finally:
            if self.pool is not None:
                self.pool.shutdown()
        return ValidationReport(sorted(set(self.results)))
