"""The description of one IRI: what its page shows and its .ttl, .jsonld and .nt files hold.

``describe`` gives the triples whose subject is the IRI, with the closure of the blank nodes
they reach (the triples of those blank nodes, and so on) and of the parts of an action it
reaches (``…/fiche``, ``…/association/2``: IRIs below its own, ``negotiation.PARTS``), which
have no document of their own. A document IRI also holds the
resources that say they are defined by it (``rdfs:isDefinedBy``): the ontology
``https://w3id.org/cskg/def`` is described with all its ``#`` terms, since they share its
document. Not included: labels of linked resources and incoming links (the HTML page shows them,
read from the store, but they are other resources' descriptions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from converter.serialise import FORMATS, OUTPUT_PREFIXES, Format, encode, sorted_triples
from converter.site.negotiation import PARTS

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDFS_IS_DEFINED_BY = ox.NamedNode(RDFS + "isDefinedBy")
# The output's prefixes, and those of the ontology's own terms.
SITE_PREFIXES: dict[str, str] = dict(
    sorted(
        {
            **OUTPUT_PREFIXES,
            "dcat": "http://www.w3.org/ns/dcat#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "rdfs": RDFS,
            "vann": "http://purl.org/vocab/vann/",
        }.items()
    )
)


Subject = ox.NamedNode | ox.BlankNode


def is_part(node: ox.NamedNode, owner: str) -> bool:
    """True when ``node`` is a part of the action ``owner``, described in its document.

    >>> is_part(ox.NamedNode("https://w3id.org/cskg/id/action/a/b/c/fiche"),
    ...         "https://w3id.org/cskg/id/action/a/b/c")
    True
    """
    return (
        node.value.startswith(owner + "/")
        and node.value[len(owner) + 1 :].partition("/")[0] in PARTS
    )


def parts(own: Mapping[Subject, list[ox.Triple]], iri: str) -> list[ox.NamedNode]:
    """The parts of the action ``iri`` it reaches (``is_part``), in ``part_order``; ``own``:
    its ``Description.own``."""
    found: dict[ox.NamedNode, None] = {}
    todo = [ox.NamedNode(iri)]
    while todo:
        for triple in own.get(todo.pop(), ()):
            value = triple.object
            if isinstance(value, ox.NamedNode) and is_part(value, iri) and value not in found:
                found[value] = None
                todo.append(value)
    return sorted(found, key=part_order)


def part_order(node: ox.NamedNode) -> list[tuple[int, str]]:
    """Parts in the order their page shows them: fiche, budget, then associations and grants,
    their numbers as numbers (``association/2`` before ``association/10``)."""
    return [(len(segment), segment) for segment in node.value.split("/")]


@dataclass(frozen=True)
class Description:
    """What ``describe`` gives (``triples``, sorted) and the same triples by subject in the
    store's order (``own``): the page reads them there instead of asking the store again."""

    triples: list[ox.Triple]
    own: dict[Subject, list[ox.Triple]]


def description(store: ox.Store, iri: str) -> Description:
    """The description of ``iri`` in ``store`` (``describe``)."""
    node = ox.NamedNode(iri)
    own: dict[Subject, list[ox.Triple]] = {}
    todo: list[Subject] = [node]
    for quad in store.quads_for_pattern(None, RDFS_IS_DEFINED_BY, node):
        if isinstance(quad.subject, Subject):
            todo.append(quad.subject)
    while todo:
        subject = todo.pop()
        if subject in own:
            continue
        # a triple once, however many graphs hold it
        found = dict.fromkeys(q.triple for q in store.quads_for_pattern(subject, None, None))
        triples = own[subject] = list(found)
        for triple in triples:
            value = triple.object
            if isinstance(value, ox.BlankNode) or (
                isinstance(value, ox.NamedNode) and is_part(value, iri)
            ):
                todo.append(value)
    return Description(sorted_triples(t for found in own.values() for t in found), own)


def describe(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The triples describing ``iri`` in ``store`` (every graph of it), sorted as the output is
    (``serialise.sorted_triples``); empty when the store says nothing of it.

    >>> store = ox.Store()
    >>> a, b = ox.NamedNode("https://w3id.org/cskg/id/a"), ox.BlankNode("b1")
    >>> p = ox.NamedNode("https://w3id.org/cskg/def#p")
    >>> store.extend([ox.Quad(a, p, b), ox.Quad(b, p, ox.Literal("x")), ox.Quad(b, p, a)])
    >>> [str(t.object) for t in describe(store, a.value)]
    ['"x"', '<https://w3id.org/cskg/id/a>', '_:b1']
    """
    return description(store, iri).triples


def descriptions(triples: list[ox.Triple]) -> dict[str, bytes]:
    """``triples`` (a ``describe`` result: sorted already) in every format of
    ``serialise.FORMATS``, by format name."""
    return {
        name: _HEADS[name] + fmt.body(triples, SITE_PREFIXES) + fmt.tail
        for name, fmt in FORMATS.items()
    }


_HEADS = {name: fmt.head(SITE_PREFIXES) for name, fmt in FORMATS.items()}


def description_bytes(triples: list[ox.Triple], fmt: Format | str) -> bytes:
    """``triples`` (a ``describe`` result) in ``fmt``, one of ``serialise.FORMATS`` or its name;
    the same triples give the same bytes.

    >>> title = ox.NamedNode("http://purl.org/dc/terms/title")
    >>> a = ox.NamedNode("https://w3id.org/cskg/id/a")
    >>> t = ox.Triple(a, title, ox.Literal("A", language="fr"))
    >>> description_bytes([t], "ntriples")
    b'<https://w3id.org/cskg/id/a> <http://purl.org/dc/terms/title> "A"@fr .\\n'

    :raises KeyError: ``fmt`` is the name of no format.
    """
    chosen = FORMATS[fmt] if isinstance(fmt, str) else fmt
    return encode(chosen, triples, prefixes=SITE_PREFIXES)
