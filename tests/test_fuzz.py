"""Fuzzing the whole converter: fiches with arbitrary Unicode in every field go through
``convert``, the output always parses, and every value is found back in the graph.

The generated fiches all have a title and an organiser, so the reader has nothing to reject;
the one refusal such input can meet is a NUL character, which makes the file binary
(``InputError`` « octet nul », as ``tests/data/bad/nul-bytes.txt`` shows). Any other error, and
any rejected fiche, fails the test."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.convert import convert
from converter.errors import InputError
from converter.model import COLUMNS, FIELDS, Kind, Record
from converter.reader import render
from converter.validation import ShaclResult
from tests.test_render_property import records

SHAPES = "https://w3id.org/cskg/shapes#"
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


def _check_violations(violations: list[ShaclResult], generated: list[Record]) -> None:
    """The graph breaks a shape only where the fiche lacks a required value: a status, or the
    département of its organiser (the report says so; the fiche is still converted)."""
    by_shape: dict[str, list[ShaclResult]] = {}
    for result in violations:
        assert result.component == "MinCount", result
        by_shape.setdefault(result.shape.removeprefix(SHAPES), []).append(result)
    assert set(by_shape) <= {"Action-status", "Structure-departementLabel"}, by_shape
    without_status = {tuple(r.values().items()) for r in generated if not r.status}
    assert len(by_shape.get("Action-status", [])) == len(without_status)
    without_departement = [r for r in generated if not r.departement]
    assert bool(by_shape.get("Structure-departementLabel")) == bool(without_departement)
    for result in by_shape.get("Structure-departementLabel", []):
        assert "/structure/sans-departement/" in result.focus, result


def _without_nul(record: Record) -> Record:
    """``record`` with NUL written as U+0001, another control character the format keeps."""

    def clean(value: object) -> object:
        if isinstance(value, str):
            return value.replace("\x00", "\x01")
        if isinstance(value, tuple):
            return tuple(dict.fromkeys(v.replace("\x00", "\x01") for v in value))
        return value

    return replace(record, **{name: clean(getattr(record, name)) for name in COLUMNS})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records().map(_without_nul), min_size=1, max_size=3))
def test_any_fiche_converts_parses_and_keeps_every_value(generated: list[Record]) -> None:
    from converter.vocab import load_vocabularies

    vocabularies = load_vocabularies()
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "fiches.txt"
        dump.write_text(render(generated), encoding="utf-8")
        done = convert([dump], Path(folder) / "out", jobs=1)  # no error is acceptable here
        assert done.parsed.fiches_found == len(generated)
        assert done.parsed.rejected == []
        assert done.graph.actions + done.graph.duplicates == len(generated)
        assert done.graph.duplicates == len(generated) - len(
            {tuple(r.values().items()) for r in generated}
        )
        _check_violations(done.validation.violations, generated)
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


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records().map(_without_nul), st.data())
def test_a_nul_anywhere_is_the_named_refusal_and_writes_nothing(
    record: Record, data: st.DataObject
) -> None:
    """A NUL character makes the file binary: ``InputError`` « octet nul » with its line."""
    text = render([record])
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    text = text[:at] + "\x00" + text[at:]
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "fiches.txt"
        dump.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match="octet nul") as caught:
            convert([dump], Path(folder) / "out", jobs=1)
        assert caught.value.path == str(dump)
        assert caught.value.line == text[:at].count("\n") + 1
        assert not (Path(folder) / "out").exists()
