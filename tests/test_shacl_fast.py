"""The compiled validator reports exactly what pyshacl reports, on every case we have."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from converter.mapping import map_records
from converter.model import ParseResult
from converter.shacl import (
    UnsupportedShape,
    compiled_shapes,
    read_lines,
    validate_fast,
    validate_terms,
)
from converter.validation import validate_graph, validate_triples
from tests import test_shapes


def _triples(graph: rdflib.Graph) -> list[ox.Triple]:
    def term(node: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(node, rdflib.URIRef):
            return ox.NamedNode(str(node))
        if isinstance(node, rdflib.BNode):
            return ox.BlankNode(str(node))
        assert isinstance(node, rdflib.Literal)
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or rdflib.XSD.string)))

    return [ox.Triple(term(s), ox.NamedNode(str(p)), term(o)) for s, p, o in graph]  # type: ignore[arg-type]


def test_same_results_as_pyshacl_on_the_seed(seed: ParseResult) -> None:
    triples = map_records(seed.records).triples
    assert validate_fast(triples).results == validate_triples(triples).results


@pytest.mark.parametrize(
    "update",
    [""] + [c[3] for c in test_shapes.CASES],
    ids=["valid"] + [f"{c[0]}-{c[2]}" for c in test_shapes.CASES],
)
def test_same_results_as_pyshacl_on_every_broken_graph(update: str) -> None:
    graph = test_shapes._graph(update)
    expected = validate_graph(graph).results
    assert validate_fast(_triples(graph)).results == expected
    # as convert feeds it: N-Triples lines split without a parser
    lines = ox.serialize(_triples(graph), format=ox.RdfFormat.N_TRIPLES)
    assert validate_terms(read_lines(lines)).results == expected
    assert expected or not update


def test_a_shape_with_an_unknown_component_is_refused(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .\n",
        encoding="utf-8",
    )
    with pytest.raises(UnsupportedShape, match="uniqueLang"):
        compiled_shapes(shapes)
