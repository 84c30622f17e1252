"""Triples to Turtle, N-Triples and JSON-LD, deterministic and written atomically.

Same triples, same bytes: triples are sorted (subjects, then ``rdf:type`` first, predicates,
objects), prefixes are sorted, and no clock time is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from converter.errors import UsageError
from converter.files import write_atomically
from converter.vocab import INSEE_GEO, PREFIXES, RDF_TYPE, SCHEMES, VOCAB, XSD

# Prefixes of the output: the vocabulary namespaces, each concept scheme and INSEE territories.
OUTPUT_PREFIXES: dict[str, str] = dict(
    sorted(
        {
            **PREFIXES,
            **{scheme: f"{VOCAB}{scheme}/" for scheme in SCHEMES},
            "departement": f"{INSEE_GEO}departement/",
            "region": f"{INSEE_GEO}region/",
        }.items()
    )
)
XSD_STRING = XSD + "string"


def sort_key(triple: ox.Triple) -> tuple[str, bool, str, str]:
    """Subjects by IRI (an action before its /budget, /fiche), ``rdf:type`` first."""
    subject = triple.subject
    name = subject.value if isinstance(subject, ox.NamedNode) else str(subject)
    return (name, triple.predicate != RDF_TYPE, triple.predicate.value, str(triple.object))


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return sorted(triples, key=sort_key)


def turtle_bytes(
    triples: Iterable[ox.Triple], *, prefixes: dict[str, str] = OUTPUT_PREFIXES
) -> bytes:
    """Turtle with the prefixes declared (in sorted order), one block per subject."""
    data = ox.serialize(sorted_triples(triples), format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    body = b"".join(
        line for line in data.splitlines(keepends=True) if not line.startswith(b"@prefix ")
    )
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return head.encode("utf-8") + b"\n" + body


def ntriples_bytes(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples, one line per triple, lines sorted."""
    return "".join(sorted(f"{t} .\n" for t in triples)).encode("utf-8")


def compact_iri(iri: str, prefixes: dict[str, str] = OUTPUT_PREFIXES) -> str:
    """``iri`` as ``prefix:local`` when one of ``prefixes`` covers it."""
    for prefix, namespace in prefixes.items():
        local = iri.removeprefix(namespace)
        if local != iri and local and not local.startswith("/"):
            return f"{prefix}:{local}"
    return iri


def _json_object(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prefixes: dict[str, str]
) -> Any:
    if isinstance(term, ox.NamedNode):
        return {"@id": compact_iri(term.value, prefixes)}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compact_iri(term.datatype.value, prefixes)}
    raise TypeError(f"terme inattendu dans le graphe : {term}")


def jsonld_bytes(
    triples: Iterable[ox.Triple], *, prefixes: dict[str, str] = OUTPUT_PREFIXES
) -> bytes:
    """Compact JSON-LD: a context of the prefixes, then one node object per subject."""
    nodes: list[dict[str, Any]] = []
    for subject, group in groupby(sorted_triples(triples), key=lambda t: t.subject):
        assert isinstance(subject, ox.NamedNode), "the mapping mints IRIs only"
        node: dict[str, Any] = {"@id": compact_iri(subject.value, prefixes)}
        for predicate, same in groupby(group, key=lambda t: t.predicate):
            if predicate == RDF_TYPE:
                types = [
                    compact_iri(t.object.value, prefixes)
                    for t in same
                    if isinstance(t.object, ox.NamedNode)
                ]
                node["@type"] = types[0] if len(types) == 1 else types
                continue
            values = [_json_object(t.object, prefixes) for t in same]
            node[compact_iri(predicate.value, prefixes)] = values[0] if len(values) == 1 else values
        nodes.append(node)
    document = {"@context": dict(sorted(prefixes.items())), "@graph": nodes}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    media_type: str
    encode: Callable[[Iterable[ox.Triple]], bytes]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", ".ttl", "text/turtle", turtle_bytes),
        Format("ntriples", ".nt", "application/n-triples", ntriples_bytes),
        Format("jsonld", ".jsonld", "application/ld+json", jsonld_bytes),
    )
}


def get_format(name: str) -> Format:
    """:raises UsageError: ``name`` is not a known format (the message lists them)."""
    if name not in FORMATS:
        raise UsageError(f"format inconnu « {name} » ; formats : {', '.join(FORMATS)}")
    return FORMATS[name]


def write_graph(triples: Iterable[ox.Triple], folder: Path, *, stem: str = "actions") -> list[Path]:
    """Write ``triples`` in every format of ``FORMATS`` into ``folder``; returns the paths."""
    triples = list(triples)
    paths = []
    for f in FORMATS.values():
        path = folder / f"{stem}{f.suffix}"
        write_atomically(path, f.encode(triples))
        paths.append(path)
    return paths
