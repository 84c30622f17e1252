"""Triples to Turtle, N-Triples and JSON-LD, deterministic and written atomically.

Same triples, same bytes: triples are sorted (subjects, then ``rdf:type`` first, predicates,
objects), prefixes are sorted, and no clock time is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from converter.errors import OutputError, UsageError
from converter.files import UMASK
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


def _turtle_head(prefixes: dict[str, str]) -> bytes:
    lines = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    return (lines + "\n").encode("utf-8")


def _turtle_body(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    if not triples:
        return b""
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return b"".join(
        line for line in data.splitlines(keepends=True) if not line.startswith(b"@prefix ")
    )


def ntriples_body(triples: list[ox.Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """N-Triples lines of ``triples`` in the order given (no prefixes in this format)."""
    return "".join(f"{t} .\n" for t in triples).encode("utf-8")


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


def _jsonld_head(prefixes: dict[str, str]) -> bytes:
    context = json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False, indent=2)
    return ('{\n  "@context": ' + context.replace("\n", "\n  ") + ',\n  "@graph": [\n').encode()


def _jsonld_body(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """One node object per subject and per line, in the "@graph" array."""
    nodes: list[str] = []
    for subject, group in groupby(triples, key=lambda t: t.subject):
        assert isinstance(subject, ox.NamedNode), "the mapping mints IRIs only"
        node: dict[str, Any] = {"@id": compact_iri(subject.value, prefixes)}
        values: dict[str, list[Any]] = {}
        for triple in group:
            if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
                values.setdefault("@type", []).append(compact_iri(triple.object.value, prefixes))
            else:
                key = compact_iri(triple.predicate.value, prefixes)
                values.setdefault(key, []).append(_json_object(triple.object, prefixes))
        node |= {key: found[0] if len(found) == 1 else found for key, found in values.items()}
        nodes.append("    " + json.dumps(node, ensure_ascii=False, separators=(", ", ": ")))
    return ",\n".join(nodes).encode("utf-8")


@dataclass(frozen=True)
class Format:
    """One RDF format, written in three parts so a graph can be streamed batch after batch."""

    name: str
    suffix: str
    media_type: str
    head: Callable[[dict[str, str]], bytes]
    body: Callable[[list[ox.Triple], dict[str, str]], bytes]  # triples in writing order
    tail: bytes = b""
    separator: bytes = b""  # between the bodies of two batches


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", ".ttl", "text/turtle", _turtle_head, _turtle_body),
        Format("ntriples", ".nt", "application/n-triples", lambda _: b"", ntriples_body),
        Format(
            "jsonld",
            ".jsonld",
            "application/ld+json",
            _jsonld_head,
            _jsonld_body,
            tail=b"\n  ]\n}\n",
            separator=b",\n",
        ),
    )
}


def encode(
    fmt: Format, triples: Iterable[ox.Triple], *, prefixes: dict[str, str] = OUTPUT_PREFIXES
) -> bytes:
    """A whole graph in ``fmt``, subjects sorted."""
    return fmt.head(prefixes) + fmt.body(sorted_triples(triples), prefixes) + fmt.tail


def turtle_bytes(
    triples: Iterable[ox.Triple], *, prefixes: dict[str, str] = OUTPUT_PREFIXES
) -> bytes:
    """Turtle with the prefixes declared (in sorted order), one block per subject."""
    return encode(FORMATS["turtle"], triples, prefixes=prefixes)


def ntriples_bytes(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples, one line per triple, grouped by subject, subjects sorted."""
    return encode(FORMATS["ntriples"], triples)


def jsonld_bytes(
    triples: Iterable[ox.Triple], *, prefixes: dict[str, str] = OUTPUT_PREFIXES
) -> bytes:
    """Compact JSON-LD: a context of the prefixes, then one node object per subject."""
    return encode(FORMATS["jsonld"], triples, prefixes=prefixes)


def get_format(name: str) -> Format:
    """:raises UsageError: ``name`` is not a known format (the message lists them)."""
    if name not in FORMATS:
        raise UsageError(f"format inconnu « {name} » ; formats : {', '.join(FORMATS)}")
    return FORMATS[name]


class GraphWriter:
    """Writes a graph batch after batch in every format, each file through a temporary file
    renamed into place by ``close``: readers never see a half-written file."""

    def __init__(
        self,
        folder: Path,
        *,
        formats: Iterable[Format] = FORMATS.values(),
        prefixes: dict[str, str] = OUTPUT_PREFIXES,
        stem: str = "actions",
    ) -> None:
        self.prefixes = prefixes
        self.targets: list[tuple[Format, Path, Path, IO[bytes]]] = []
        self.started: set[str] = set()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for fmt in formats:
                target = folder / f"{stem}{fmt.suffix}"
                handle, name = tempfile.mkstemp(
                    dir=folder, prefix=f".{target.name}.", suffix=".tmp"
                )
                stream = os.fdopen(handle, "wb")
                self.targets.append((fmt, target, Path(name), stream))
                stream.write(fmt.head(prefixes))
        except OSError as error:
            self.abort()
            raise OutputError(f"écriture impossible ({error.strerror})", path=str(folder)) from None

    def write(self, triples: list[ox.Triple], ready: dict[str, bytes] | None = None) -> None:
        """Append ``triples`` (in writing order: grouped by subject); ``ready`` holds bodies
        the caller has already encoded, by format name."""
        if not triples:
            return
        try:
            for fmt, _, _, stream in self.targets:
                if fmt.separator and fmt.name in self.started:
                    stream.write(fmt.separator)
                self.started.add(fmt.name)
                body = ready.get(fmt.name) if ready else None
                stream.write(fmt.body(triples, self.prefixes) if body is None else body)
        except OSError as error:
            self.abort()
            raise OutputError(f"écriture impossible ({error.strerror})") from None

    def close(self) -> list[Path]:
        """Finish every file and rename it into place; returns the paths written."""
        try:
            for fmt, _, _, stream in self.targets:
                stream.write(fmt.tail)
                stream.flush()
                os.fsync(stream.fileno())
                stream.close()
            for _, target, temporary, _ in self.targets:
                os.chmod(temporary, 0o666 & ~UMASK)
                os.replace(temporary, target)
        except OSError as error:
            self.abort()
            raise OutputError(f"écriture impossible ({error.strerror})") from None
        return [target for _, target, _, _ in self.targets]

    def abort(self) -> None:
        for _, _, temporary, stream in self.targets:
            stream.close()
            temporary.unlink(missing_ok=True)
