"""``model.FIELDS`` is the one declaration of the fiche fields: the shapes and the README's
field table are tested against it (issue 12, point 11), so that changing a field's
cardinality, kind of value or requirement in one place fails until the others follow."""

from __future__ import annotations

import pytest
import rdflib

from converter.model import FIELDS, FicheField, Kind, Value
from converter.validation import shapes_graph
from converter.vocab import VOCAB, curie
from tests.conftest import ROOT

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
CSKG = rdflib.Namespace("https://w3id.org/cskg/def#")
ACTION_SHAPE = rdflib.URIRef("https://w3id.org/cskg/shapes#Action")
# What the shapes say of an action's properties that no fiche section gives
NOT_FROM_A_SECTION = {"dct:title", "cskg:budget", "cskg:fundingContribution", "cskg:staffCount",
                      "dct:source", "prov:qualifiedAssociation"}  # fmt: skip


def _iri(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(str(curie(name))[1:-1])


def _action_shapes(graph: rdflib.Graph, predicate: rdflib.URIRef) -> list[rdflib.term.Node]:
    return [
        shape
        for shape in graph.objects(ACTION_SHAPE, SH.property)
        if graph.value(shape, SH.path) == predicate
    ]


def _violations(graph: rdflib.Graph, f: FicheField) -> list[rdflib.term.Node]:
    shapes = _action_shapes(graph, _iri(f.predicate))
    return [s for s in shapes if graph.value(s, SH.severity) == SH.Violation]


@pytest.mark.parametrize("f", FIELDS, ids=lambda f: f.name)
def test_each_field_has_the_shapes_its_declaration_says(f: FicheField) -> None:
    graph = shapes_graph()
    violations = _violations(graph, f)
    assert violations, f"{f.predicate}: no shape"
    max_counts = {graph.value(s, SH.maxCount) for s in violations} - {None}
    min_counts = {graph.value(s, SH.minCount) for s in violations} - {None}
    if f.single:
        assert max_counts == {rdflib.Literal(1)}, f"{f.name}: single-valued → sh:maxCount 1"
    else:
        assert not max_counts, f"{f.name}: a list → no sh:maxCount"
    if f.required:
        assert min_counts == {rdflib.Literal(1)}, f"{f.name}: required → sh:minCount 1"
    else:
        assert not min_counts, f"{f.name}: optional → no violation for its absence"
    said = {(p, o) for s in violations for p, o in graph.predicate_objects(s)}
    if f.value is Value.TEXT:
        languages = [graph.value(s, SH.languageIn) for s in violations]
        assert any(
            lang is not None
            and list(rdflib.collection.Collection(graph, lang)) == [rdflib.Literal("fr")]
            for lang in languages
        ), f'{f.name}: French text → sh:languageIn ("fr")'
    elif f.value is Value.CONCEPT:
        nodes = [o for p, o in said if p == SH.node]
        schemes = {
            graph.value(prop, SH.hasValue)
            for node in nodes
            for prop in graph.objects(node, SH.property)
        }
        assert schemes == {rdflib.URIRef(VOCAB + str(f.scheme))}, f"{f.name}: its scheme's shape"
    elif f.value is Value.STRUCTURE:
        assert (SH["class"], CSKG.Structure) in said
    elif f.value is Value.ORGANISATION:
        assert (SH["class"], rdflib.URIRef("http://www.w3.org/ns/org#Organization")) in said
    elif f.value is Value.FILE_NAME:
        assert (SH.datatype, rdflib.XSD.string) in said


def test_every_property_the_action_shape_checks_is_a_field_or_known() -> None:
    graph = shapes_graph()
    paths = {graph.value(s, SH.path) for s in graph.objects(ACTION_SHAPE, SH.property)}
    declared = {_iri(f.predicate) for f in FIELDS} | {_iri(n) for n in NOT_FROM_A_SECTION}
    assert paths == declared


def test_scheme_and_concept_go_together() -> None:
    for f in FIELDS:
        assert (f.scheme is not None) == (f.value is Value.CONCEPT), f.name
        assert (f.kind is Kind.ORGANISER) == (f.value is Value.STRUCTURE), f.name


def _kind(f: FicheField) -> str:
    return {Kind.LINE: "value", Kind.LIST: "list", Kind.TEXT: "free text",
            Kind.ORGANISER: "`NAME - Département`"}[f.kind]  # fmt: skip


def _graph(f: FicheField) -> str:
    what = {Value.TEXT: "French text", Value.CONCEPT: f"concept of `{f.scheme}`",
            Value.STRUCTURE: "structure", Value.ORGANISATION: "organisation",
            Value.FILE_NAME: "file name"}[f.value]  # fmt: skip
    how_many = "one" if f.single else "any number"
    return f"`{f.predicate}`: {how_many}, {what}" + (", required" if f.required else "")


def field_rows() -> list[str]:
    """The README's field table, one row per field, as FIELDS declares it."""
    rows = ["| column | header in the fiche | English label | kind | in the graph |",
            "|---|---|---|---|---|"]  # fmt: skip
    for f in FIELDS:
        column = "`structure`, `departement`" if f.kind is Kind.ORGANISER else f"`{f.name}`"
        header = " / ".join((f.header, *f.aliases))
        times = " (twice)" if f.name == "territory_scales" else ""
        rows.append(f"| {column} | {header}{times} | {f.label_en} | {_kind(f)} | {_graph(f)} |")
    return rows


def test_the_readme_field_table_is_the_declaration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = "\n".join(field_rows())
    assert table in readme, "README.md's field table differs from FIELDS:\n" + table
