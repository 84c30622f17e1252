"""Fuzzing the whole converter: fiches with arbitrary Unicode in every field go through
``convert`` with no error but the documented ones, the output always parses, and every value
is found back in the graph."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from converter.convert import convert
from converter.errors import CskgError
from converter.model import FIELDS, Kind, Record
from converter.reader import render
from tests.test_render_property import records

SKOS_LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
)


def _values(folder: Path) -> tuple[set[str], set[str]]:
    """Every literal of the output, and the labels of the resources it describes or uses."""
    graphs = {
        fmt: {str(q) for q in ox.parse(path=str(folder / name), format=fmt)}
        for name, fmt in (
            ("actions.ttl", ox.RdfFormat.TURTLE),
            ("actions.nt", ox.RdfFormat.N_TRIPLES),
            ("actions.jsonld", ox.RdfFormat.JSON_LD),
        )
    }
    assert len(set(map(frozenset, graphs.values()))) == 1  # the three formats say the same
    literals, labels = set(), set()
    for quad in ox.parse(path=str(folder / "actions.nt"), format=ox.RdfFormat.N_TRIPLES):
        if isinstance(quad.object, ox.Literal):
            literals.add(quad.object.value)
            if quad.predicate.value in SKOS_LABELS:
                labels.add(quad.object.value)
    return literals, labels


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=3))
def test_any_fiche_converts_parses_and_keeps_every_value(generated: list[Record]) -> None:
    from converter.vocab import load_vocabularies

    vocabularies = load_vocabularies()
    text = render(generated)
    assume("\x00" not in text)  # NUL makes the file binary: refused, as tests/data/bad/ shows
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "fiches.txt"
        dump.write_text(text, encoding="utf-8")
        try:
            done = convert([dump], Path(folder) / "out", jobs=1)
        except CskgError as error:  # a documented error is acceptable, nothing else is
            event(f"refused: {type(error).__name__}")
            return
        event("converted")
        assert not done.parsed.rejected
        literals, labels = _values(Path(folder) / "out")
        for record in generated:
            assert record.title in literals
            assert record.structure in labels
            for f in FIELDS:
                value = getattr(record, f.name)
                items = value if isinstance(value, tuple) else ((value,) if value else ())
                for item in items:
                    if f.scheme is not None:  # a concept of the vocabulary, or a new one
                        assert vocabularies.match(f.scheme, item) is not None or item in labels
                    elif f.kind is Kind.ORGANISER:
                        continue
                    elif f.name == "partners":
                        assert item in labels
                    else:
                        assert item in literals, (f.name, item)
