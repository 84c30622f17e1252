"""The mapping writes N-Triples terms itself (``serialise.nt_literal``, ``ntriples_lines``): they
must be exactly what pyoxigraph writes, so that the output stays byte-identical and parses."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from converter.serialise import (
    LANG_STRING,
    XSD_STRING,
    nt_literal,
    ntriples_lines,
    ntriples_parts,
    parse_nt_literal,
    read_ntriples,
    sort_key,
    sorted_by_subject,
    sorted_nt,
    split_ntriples,
)

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
AWKWARD = [
    "",
    "plain",
    'guillemets « » et "droits"',
    "ligne\nautre\r\nfin\ttab",
    "anti\\slash \\n pas une fin de ligne",
    "contrôles \x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
    "\u2028\u0085\ufeff😀 é€",
    '\\"\n',
]


@pytest.mark.parametrize("text", AWKWARD)
@pytest.mark.parametrize("language", [None, "fr"])
def test_literal_is_written_as_pyoxigraph_writes_it(text: str, language: str | None) -> None:
    expected = ox.Literal(text, language=language) if language else ox.Literal(text)
    assert nt_literal(text, language) == str(expected)


@given(st.text())
def test_any_text_literal_is_written_as_pyoxigraph_writes_it_and_read_back(text: str) -> None:
    assert nt_literal(text) == str(ox.Literal(text))
    assert nt_literal(text, "fr") == str(ox.Literal(text, language="fr"))
    assert parse_nt_literal(nt_literal(text)) == (text, "", XSD_STRING)
    assert parse_nt_literal(nt_literal(text, "fr")) == (text, "fr", LANG_STRING)


def test_literals_are_normalised_as_pyoxigraph_does() -> None:
    assert nt_literal("x", "FR") == str(ox.Literal("x", language="FR")) == '"x"@fr'
    string = "http://www.w3.org/2001/XMLSchema#string"
    assert nt_literal("x", datatype=f"<{string}>") == str(
        ox.Literal("x", datatype=ox.NamedNode(string))
    )


def test_lines_that_are_not_n_triples_lines_are_refused() -> None:
    lines = b'<http://x/a> <http://x/p> "v a l . u e" .\n<http://x/a> <http://x/p> <http://x/b> .\n'
    assert list(split_ntriples(lines))[0] == ("<http://x/a>", "<http://x/p>", '"v a l . u e"')
    with pytest.raises(ValueError):
        list(split_ntriples(b'<http://x/a> <http://x/p> "v" .\r\n'))
    with pytest.raises(ValueError):
        parse_nt_literal('"\\q"')


def test_typed_literal_and_lines_read_back_as_the_same_triples() -> None:
    typed = nt_literal("42", datatype=f"<{XSD_INTEGER}>")
    assert typed == str(ox.Literal("42", datatype=ox.NamedNode(XSD_INTEGER)))
    triples = [("<http://x/a>", "<http://x/p>", nt_literal(t, "fr")) for t in AWKWARD]
    triples.append(("<http://x/a>", "<http://x/n>", typed))
    back = read_ntriples(ntriples_lines(triples))
    assert [str(t.object) for t in back] == [o for _, _, o in triples]
    assert [t.object.value for t in back[:-1]] == AWKWARD  # type: ignore[union-attr]


def test_sorted_nt_orders_as_sorted_triples() -> None:
    triples = [
        ("<http://x/a/budget>", "<http://x/p>", '"1"'),
        ("<http://x/a>", "<http://x/q>", '"2"'),
        ("<http://x/a>", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://x/C>"),
        ("<http://x/a>", "<http://x/p>", '"b"'),
        ("<http://x/a>", "<http://x/p>", '"a"'),
        ("<http://x/a-2>", "<http://x/p>", '"3"'),
    ]
    library = sorted(read_ntriples(ntriples_lines(triples)), key=sort_key)
    assert [" ".join(t) for t in sorted_nt(triples)] == [
        f"{t.subject} {t.predicate} {t.object}" for t in library
    ]


_TERMS = st.sampled_from(["<http://x/a>", "<http://x/a-2>", "<http://x/a/b>", "<http://x/b>"])
_PREDICATES = st.sampled_from(
    ["<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "<http://x/p>", "<http://x/q>"]
)
_TRIPLES = st.lists(
    st.tuples(_TERMS, _PREDICATES, st.sampled_from(['"1"', '"a"@fr', "<http://x/C>"]))
)


@given(_TRIPLES)
def test_sorted_by_subject_orders_as_sorted_nt(triples: list[tuple[str, str, str]]) -> None:
    resources: dict[str, set[tuple[str, str, str]]] = {}
    for triple in triples:
        resources.setdefault(triple[0], set()).add(triple)
    flat = [t for part in sorted_by_subject(resources) for t in part]
    assert flat == sorted_nt(set(triples))


@given(_TRIPLES, st.integers(min_value=1, max_value=6))
def test_ntriples_parts_cut_between_subjects_only(
    triples: list[tuple[str, str, str]], size: int
) -> None:
    lines = ntriples_lines(sorted_nt(set(triples)))
    parts = list(ntriples_parts(lines, size))
    assert b"".join(parts) == lines
    subjects = [{line.split(b" ")[0] for line in part.splitlines()} for part in parts]
    for before, after in itertools.pairwise(subjects):
        assert not before & after  # no subject split between two parts
    for part in parts[:-1]:
        assert len(part.splitlines()) >= size
