"""SHACL validation with pyshacl, reported as typed results.

The shapes are ``shapes/cskg.shapes.ttl``. The ontology and the vocabularies are added to a
copy of the data before validation (pyshacl's own ``ont_graph`` copies class axioms only, not
the concepts), so the concepts the data refers to are known, and checked too. Warnings never
make a graph non-conforming: only violations do.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib.collection
from pyparsing import ParseException
from pyshacl import validate
from pyshacl.errors import ReportableRuntimeError
from rdflib.namespace import SH

from converter.errors import InputError
from converter.paths import ONTOLOGY_FILE, SHAPES_FILE
from converter.serialise import ntriples_bytes, reading_rdf
from converter.vocab import vocabulary_files

# rdflib logs a traceback for each literal it cannot read as its datatype ("30 500 €" as a
# decimal); the shapes report that value as a violation, in French: the log says nothing more.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

SEVERITIES: dict[rdflib.term.Node | None, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}


# The SHACL constraint components the shapes use, named in French for the reports.
COMPONENTS_FR = {
    "Class": "classe",
    "Datatype": "type de donnée",
    "NodeKind": "sorte de nœud",
    "MinCount": "nombre minimal",
    "MaxCount": "nombre maximal",
    "MinInclusive": "valeur minimale",
    "MaxInclusive": "valeur maximale",
    "MinExclusive": "valeur minimale (exclue)",
    "MinLength": "longueur minimale",
    "MaxLength": "longueur maximale",
    "Pattern": "motif",
    "LanguageIn": "langue",
    "UniqueLang": "une valeur par langue",
    "In": "valeurs permises",
    "HasValue": "valeur attendue",
    "Node": "forme",
    "Sparql": "règle SPARQL",
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

    @property
    def constraint(self) -> str:
        """The constraint broken, in French ("nombre minimal")."""
        return COMPONENTS_FR.get(self.component, self.component)


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
    """Read an RDF file, its format named by its suffix (``serialise.READ_FORMATS``).

    pyoxigraph parses it, so that a syntax error is told with its line, as for every other
    command; the triples then go to rdflib for pyshacl.

    :raises InputError: the file is missing, a folder, or is not valid RDF.
    """
    with reading_rdf(path) as fmt:
        quads = list(ox.parse(path=str(path), format=fmt))
    return to_rdflib(ox.Triple(q.subject, q.predicate, q.object) for q in quads)


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
    except (ReportableRuntimeError, ParseException, ValueError) as error:
        # bad shapes: pyshacl's own errors, or a SPARQL constraint that does not parse
        raise InputError(f"formes SHACL inutilisables ({error})") from None
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
