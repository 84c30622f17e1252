"""Triples to Turtle, N-Triples and JSON-LD, deterministic and written atomically.

Same triples, same bytes: triples are sorted (subjects, then ``rdf:type`` first, predicates,
objects), prefixes are sorted, and no clock time is written.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from converter.errors import InputError, OutputError, UsageError, missing_output, reason
from converter.files import UMASK
from converter.vocab import INSEE_GEO, PREFIXES, RDF, RDF_TYPE, SCHEMES, VOCAB, XSD

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

# A triple as three N-Triples terms ("<iri>", "\"texte\"@fr", "\"3\"^^<…#integer>"): what the
# mapping builds, cheaper to make, hash and write than library triples.
NtTriple = tuple[str, str, str]
# What the formats write: triples, or quads of the default graph as ``ox.parse`` reads them.
Statements = Iterable[ox.Triple] | Iterable[ox.Quad]
# What N-Triples escapes in a literal, as pyoxigraph writes it (tests/test_serialise_nt.py).
_NT_ESCAPES = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)} | {
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\",
}  # fmt: skip
_NT_TYPE = str(RDF_TYPE)
_NT_STRING = f"<{XSD}string>"
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_RARE_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def nt_literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    r"""A literal in N-Triples form; ``datatype`` is an IRI in N-Triples form ("<…>").

    >>> print(nt_literal('Dit « oui »\n"non"', "fr"), nt_literal("3", datatype="<http://x/i>"))
    "Dit « oui »\n\"non\""@fr "3"^^<http://x/i>
    """
    if _NEEDS_ESCAPE.search(value):
        if _RARE_ESCAPE.search(value):
            value = value.translate(_NT_ESCAPES)
        else:  # the usual case (quotes, line breaks): str.replace is many times faster
            value = value.replace("\\", "\\\\").replace('"', '\\"')
            value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if language:
        return f'"{value}"@{language.lower()}'
    if datatype and datatype != _NT_STRING:  # a plain literal is an xsd:string
        return f'"{value}"^^{datatype}'
    return f'"{value}"'


_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_UNESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
LANG_STRING = f"{RDF}langString"


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code:
        return chr(int(code, 16))
    if match.group(3) not in _UNESCAPED:
        raise ValueError(f"échappement N-Triples inconnu : {match.group(0)}")
    return _UNESCAPED[match.group(3)]


def parse_nt_literal(term: str) -> tuple[str, str, str] | None:
    r"""(lexical form, language, datatype IRI) of a literal in N-Triples form, the inverse of
    ``nt_literal``; None for an IRI or a blank node.

    >>> parse_nt_literal('"a\"b"@fr')[:2], parse_nt_literal('"3"^^<http://x/int>')
    (('a"b', 'fr'), ('3', '', 'http://x/int'))
    >>> parse_nt_literal("<http://x/a>") is None
    True

    :raises ValueError: an escape sequence N-Triples does not have.
    """
    tags = literal_tags(term)
    if tags is None:
        return None
    lexical = term[1 : term.rfind('"')]
    if "\\" in lexical:
        lexical = _UNESCAPE.sub(_unescape, lexical)
    return lexical, *tags


def literal_tags(term: str) -> tuple[str, str] | None:
    """(language, datatype IRI) of a literal in N-Triples form, its text left unread (the
    validator's checks of languages and datatypes need no more); None for an IRI or a blank
    node.

    >>> literal_tags('"a"@fr'), literal_tags('"3"^^<http://x/int>'), literal_tags("_:b")
    (('fr', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString'), ('', 'http://x/int'), None)
    """
    if not term.startswith('"'):
        return None
    suffix = term[term.rfind('"') + 1 :]
    if suffix.startswith("@"):
        return suffix[1:], LANG_STRING
    return "", suffix[3:-1] if suffix else XSD_STRING


def split_ntriples(ntriples: bytes) -> Iterator[NtTriple]:
    """The triples of N-Triples written one per line with single spaces between terms, as
    ``ntriples_lines`` and pyoxigraph write them: a plain split, many times faster than a
    parser building library terms.

    :raises ValueError: a line is not of that form.
    """
    for line in ntriples.decode("utf-8").split("\n"):
        if line:
            subject, predicate, rest = line.split(" ", 2)
            if not rest.endswith(" ."):
                raise ValueError(f"ligne N-Triples inattendue : {line[:80]}")
            yield subject, predicate, rest[:-2]


def ntriples_parts(ntriples: bytes, size: int) -> Iterator[bytes]:
    """The lines of ``ntriples`` (grouped by subject) in parts of ``size`` lines or more (the
    last may have fewer), cut between subjects.

    >>> list(ntriples_parts(b"<a> <p> 1 .\\n<a> <q> 2 .\\n<b> <p> 3 .\\n", 1))
    [b'<a> <p> 1 .\\n<a> <q> 2 .\\n', b'<b> <p> 3 .\\n']
    """
    start = position = count = 0
    subject = b""
    while position < len(ntriples):
        here = ntriples[position : ntriples.index(b" ", position)]
        if count >= size and here != subject:
            yield ntriples[start:position]
            start, count = position, 0
        subject, count = here, count + 1
        position = ntriples.index(b"\n", position) + 1
    if start < len(ntriples):
        yield ntriples[start:]


def ntriples_lines(triples: Iterable[NtTriple]) -> bytes:
    """N-Triples lines of ``triples`` in the order given."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")


def read_ntriples(ntriples: bytes) -> list[ox.Triple]:
    """The triples of an N-Triples text, in order."""
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    ]


def sorted_nt(triples: Iterable[NtTriple]) -> list[NtTriple]:
    """``triples`` in the order of ``sorted_triples``."""
    return sorted(triples, key=lambda t: (t[0][1:-1], t[1] != _NT_TYPE, t[1][1:-1], t[2]))


def sorted_by_subject(resources: dict[str, set[NtTriple]]) -> Iterator[list[NtTriple]]:
    """The triples of ``resources`` (subject → its triples) in the order of ``sorted_nt``,
    one subject's list at a time: sorting them all at once held a key per triple."""
    for subject in sorted(resources, key=lambda subject: subject[1:-1]):
        yield sorted_nt(resources[subject])


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


def _turtle_body(triples: Statements, prefixes: dict[str, str]) -> bytes:
    data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    assert data is not None
    return b"".join(
        line for line in data.splitlines(keepends=True) if not line.startswith(b"@prefix ")
    )


def _ntriples_body(triples: Statements, prefixes: dict[str, str]) -> bytes:
    return "".join(f"{t} .\n" for t in triples).encode("utf-8")


class _Compactor:
    """The namespaces of one prefix mapping by length: an IRI is compacted by a dictionary
    look-up per distinct namespace length instead of a scan of every prefix."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self.first: dict[str, tuple[int, str]] = {}  # namespace: (order, its first prefix)
        for order, (prefix, namespace) in enumerate(prefixes.items()):
            if namespace:
                self.first.setdefault(namespace, (order, prefix))
        self.lengths = sorted({len(namespace) for namespace in self.first})
        self.compact = lru_cache(maxsize=200_000)(self._compact)

    def _compact(self, iri: str) -> str:
        found: tuple[int, str] | None = None
        for length in self.lengths:
            if length >= len(iri):
                break
            match = self.first.get(iri[:length])
            if match is not None and iri[length] != "/" and (found is None or match < found):
                found = match
        if found is None:
            return iri
        return f"{found[1]}:{iri[len(self.prefixes[found[1]]) :]}"


_COMPACTORS: dict[int, _Compactor] = {}


def compact_iri(iri: str, prefixes: dict[str, str] = OUTPUT_PREFIXES) -> str:
    """``iri`` as ``prefix:local`` when one of ``prefixes`` covers it (the first in their
    order when several do).

    >>> compact_iri("https://w3id.org/cskg/def#Action"), compact_iri("https://w3id.org/cskg/def#")
    ('cskg:Action', 'https://w3id.org/cskg/def#')
    """
    compactor = _COMPACTORS.get(id(prefixes))
    if compactor is None or compactor.prefixes != prefixes:  # a new or changed mapping
        if len(_COMPACTORS) > 64:
            _COMPACTORS.clear()
        compactor = _COMPACTORS[id(prefixes)] = _Compactor(prefixes)
    return compactor.compact(iri)


def _jsonld_head(prefixes: dict[str, str]) -> bytes:
    context = json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False, indent=2)
    return ('{\n  "@context": ' + context.replace("\n", "\n  ") + ',\n  "@graph": [\n').encode()


_ENCODE_NODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
_SUBJECT = attrgetter("subject")
_TYPE = RDF_TYPE.value


def _jsonld_body(triples: Statements, prefixes: dict[str, str]) -> bytes:
    """One node object per subject and per line, in the "@graph" array: each term read once
    from the library and its kind told by ``type`` (this loop runs for every triple written)."""
    # predicates, classes and datatypes repeat on every node: each compacted once per batch
    compact = functools.lru_cache(maxsize=None)(functools.partial(compact_iri, prefixes=prefixes))
    nodes: list[str] = []
    statements: Iterable[ox.Triple | ox.Quad] = triples
    for subject, group in groupby(statements, key=_SUBJECT):
        if type(subject) is ox.NamedNode:
            node: dict[str, Any] = {"@id": compact_iri(subject.value, prefixes)}
        elif type(subject) is ox.BlankNode:
            node = {"@id": f"_:{subject.value}"}
        else:
            raise TypeError(f"sujet inattendu dans le graphe : {subject}")
        values: dict[str, list[Any]] = {}
        for triple in group:
            predicate, value = triple.predicate.value, triple.object
            item: Any
            if type(value) is ox.NamedNode:
                if predicate == _TYPE:
                    key, item = "@type", compact(value.value)
                else:
                    key, item = compact(predicate), {"@id": compact(value.value)}
            elif type(value) is ox.Literal:
                key, language = compact(predicate), value.language
                if language:
                    item = {"@value": value.value, "@language": language}
                elif (datatype := value.datatype.value) == XSD_STRING:
                    item = value.value
                else:
                    item = {"@value": value.value, "@type": compact(datatype)}
            elif type(value) is ox.BlankNode:
                key, item = compact(predicate), {"@id": f"_:{value.value}"}
            else:
                raise TypeError(f"terme inattendu dans le graphe : {value}")
            found = values.get(key)
            if found is None:
                values[key] = [item]
            else:
                found.append(item)
        for key, found in values.items():
            node[key] = found[0] if len(found) == 1 else found
        nodes.append("    " + _ENCODE_NODE(node))
    return ",\n".join(nodes).encode("utf-8")


@dataclass(frozen=True)
class Format:
    """One RDF format, written in three parts so a graph can be streamed batch after batch."""

    name: str
    suffix: str
    reader: ox.RdfFormat  # the same format for parsers (pyoxigraph; rdflib and servers by
    # its media type)
    head: Callable[[dict[str, str]], bytes]
    body: Callable[[Statements, dict[str, str]], bytes]  # in writing order
    tail: bytes = b""
    separator: bytes = b""  # between the bodies of two batches

    @property
    def media_type(self) -> str:
        return str(self.reader.media_type)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", ".ttl", ox.RdfFormat.TURTLE, _turtle_head, _turtle_body),
        Format("ntriples", ".nt", ox.RdfFormat.N_TRIPLES, lambda _: b"", _ntriples_body),
        Format(
            "jsonld",
            ".jsonld",
            ox.RdfFormat.JSON_LD,
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


# What cskg reads besides what it writes: any RDF file a user may give to query, validate,
# serve or publish, by suffix. Media types name the same formats to rdflib and to servers.
READ_FORMATS: dict[str, ox.RdfFormat] = {
    **{f.suffix: f.reader for f in FORMATS.values()},
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


def read_format(path: Path) -> ox.RdfFormat:
    """The RDF format of ``path``, named by its suffix.

    >>> read_format(Path("actions.ttl")).media_type
    'text/turtle'

    :raises InputError: the suffix is none of ``READ_FORMATS`` (the message lists them).
    """
    fmt = READ_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(READ_FORMATS)
        raise InputError(f"format RDF inconnu : suffixe attendu parmi {known}", path=str(path))
    return fmt


_PARSER_PREFIX = re.compile(
    r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): "
)


@contextmanager
def reading_rdf(path: Path) -> Iterator[ox.RdfFormat]:
    """The RDF format of ``path``; reading errors in the block are told in French with the
    file and the line (a missing file says how to get it).

    :raises InputError: the suffix is unknown, or the file is missing, a folder, unreadable
        or not valid RDF.
    """
    fmt = read_format(path)
    try:
        yield fmt
    except FileNotFoundError:
        raise missing_output(path) from None
    except IsADirectoryError:
        raise InputError("c'est un dossier, pas un fichier RDF", path=str(path)) from None
    except SyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) else None
        column = f", colonne {error.offset}" if isinstance(error.offset, int) else ""
        detail = _PARSER_PREFIX.sub("", error.msg)
        raise InputError(
            f"{fmt.name} invalide{column} (détail de l'analyseur : {detail})",
            path=str(path),
            line=line,
        ) from None
    except OSError as error:
        raise InputError(f"lecture impossible ({reason(error)})", path=str(path)) from None
    except ValueError as error:
        raise InputError(f"{fmt.name} invalide ({error})", path=str(path)) from None


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
            raise OutputError(f"écriture impossible ({reason(error)})", path=str(folder)) from None

    def write(self, ntriples: bytes, ready: dict[str, bytes] | None = None) -> None:
        """Append the triples of ``ntriples`` (in writing order: grouped by subject);
        ``ready`` holds their bodies in other formats when the caller has encoded them."""
        if not ntriples:
            return
        triples: list[ox.Triple] | None = None
        try:
            for fmt, _, _, stream in self.targets:
                if fmt.separator and fmt.name in self.started:
                    stream.write(fmt.separator)
                self.started.add(fmt.name)
                if fmt.name == "ntriples":
                    stream.write(ntriples)
                    continue
                if ready and fmt.name in ready:
                    stream.write(ready[fmt.name])
                    continue
                if triples is None:
                    triples = read_ntriples(ntriples)
                stream.write(fmt.body(triples, self.prefixes))
        except OSError as error:
            self.abort()
            raise OutputError(f"écriture impossible ({reason(error)})") from None

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
            raise OutputError(f"écriture impossible ({reason(error)})") from None
        return [target for _, target, _, _ in self.targets]

    def abort(self) -> None:
        for _, _, temporary, stream in self.targets:
            stream.close()
            temporary.unlink(missing_ok=True)
