"""SHACL validation with pyshacl, reported as typed results.

The shapes are ``shapes/cskg.shapes.ttl``. The ontology and the vocabularies are added to a
copy of the data before validation (pyshacl's own ``ont_graph`` copies class axioms only, not
the concepts), so the concepts the data refers to are known, and checked too. Warnings never
make a graph non-conforming: only violations do.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib.collection
from pyshacl import validate
from rdflib.namespace import SH

from converter.errors import InputError
from converter.paths import ONTOLOGY_FILE, SHAPES_FILE
from converter.serialise import ntriples_bytes
from converter.vocab import vocabulary_files

SEVERITIES: dict[rdflib.term.Node | None, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}


@dataclass(frozen=True, order=True)
class ShaclResult:
    """One SHACL result: where (focus node, path), how bad (severity) and why (message)."""

    focus: str
    path: str
    severity: str
    message: str
    value: str = ""
    shape: str = ""
    component: str = ""  # the SHACL constraint component, e.g. "MinCount"


@dataclass
class ValidationReport:
    results: list[ShaclResult] = field(default_factory=list)

    @property
    def violations(self) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ShaclResult]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def parse_rdf(path: Path) -> rdflib.Graph:
    """Read an RDF file, its format guessed from its suffix.

    :raises InputError: the file is missing or is not valid RDF.
    """
    graph = rdflib.Graph()
    try:
        graph.parse(path, format=rdflib.util.guess_format(str(path)) or "turtle")
    except FileNotFoundError:
        raise InputError("fichier introuvable", path=str(path)) from None
    except Exception as error:  # noqa: BLE001 - rdflib's parsers raise many unrelated types
        raise InputError(
            f"RDF illisible ({type(error).__name__} : {error})", path=str(path)
        ) from None
    return graph


@functools.cache
def schema_graph() -> rdflib.Graph:
    """The ontology and every vocabulary, in one graph."""
    graph = rdflib.Graph()
    for path in (ONTOLOGY_FILE, *vocabulary_files()):
        graph += parse_rdf(path)
    return graph


@functools.cache
def shapes_graph(path: Path = SHAPES_FILE) -> rdflib.Graph:
    return parse_rdf(path)


def to_rdflib(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=ntriples_bytes(triples), format="nt")
    return graph


def _text(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    return "" if node is None else str(node)


def _path(graph: rdflib.Graph, node: rdflib.term.Node | None) -> str:
    """A result path as text: an IRI, or a sequence path written ``a/b`` (never a blank node)."""
    if isinstance(node, rdflib.URIRef):
        return str(node)
    if isinstance(node, rdflib.BNode) and (node, rdflib.RDF.first, None) in graph:
        return "/".join(str(item) for item in rdflib.collection.Collection(graph, node))
    return ""


def _iri(node: rdflib.term.Node | None) -> str:
    """Named shapes only: blank node labels change from run to run."""
    return str(node) if isinstance(node, rdflib.URIRef) else ""


def _message(graph: rdflib.Graph, result: rdflib.term.Node) -> str:
    messages = sorted(
        graph.objects(result, SH.resultMessage),
        key=lambda m: (getattr(m, "language", "") != "fr", str(m)),
    )
    return str(messages[0]) if messages else ""


def validate_graph(data: rdflib.Graph, *, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate ``data`` against the shapes, with the ontology and vocabularies loaded.

    :raises InputError: the shapes cannot be used (a broken SPARQL constraint, say).
    """
    try:
        _, results_graph, _ = validate(
            data + schema_graph(),
            shacl_graph=shapes if shapes is not None else shapes_graph(),
            inference="none",
            allow_warnings=True,
            abort_on_first=False,
        )
    except Exception as error:  # noqa: BLE001 - pyshacl reports bad shapes with many types
        raise InputError(f"formes SHACL inutilisables ({type(error).__name__} : {error})") from None
    assert isinstance(results_graph, rdflib.Graph)
    report = ValidationReport()
    # top-level results only: those nested under sh:detail explain a sh:node failure
    for result in results_graph.objects(None, SH.result):
        report.results.append(
            ShaclResult(
                focus=_text(results_graph, results_graph.value(result, SH.focusNode)),
                path=_path(results_graph, results_graph.value(result, SH.resultPath)),
                severity=SEVERITIES.get(results_graph.value(result, SH.resultSeverity), "Info"),
                message=_message(results_graph, result),
                value=_text(results_graph, results_graph.value(result, SH.value)),
                shape=_iri(results_graph.value(result, SH.sourceShape)),
                component=str(results_graph.value(result, SH.sourceConstraintComponent) or "")
                .removeprefix(str(SH))
                .removesuffix("ConstraintComponent"),
            )
        )
    report.results.sort()
    return report


def validate_triples(triples: Iterable[ox.Triple]) -> ValidationReport:
    return validate_graph(to_rdflib(triples))
