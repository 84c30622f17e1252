"""VoID statistics of the released data graph (``void.ttl``)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from converter.release.config import ReleaseConfig
from converter.release.tables import Term, actions_of
from converter.serialise import FORMATS
from converter.text import slug
from converter.vocab import CSKG, DCT, IGEO, PROV, RDF, SCHEMA, SKOS, XSD

VOID = "http://rdfs.org/ns/void#"


@dataclass
class DataCounts:
    """What VoID says of the data graph: its triples, distinct subjects and objects, the
    triples of each property and the members of each class (IRIs and blank nodes as the
    N-Triples write them)."""

    triples: int = 0
    subjects: int = 0
    objects: int = 0
    properties: dict[str, int] = field(default_factory=dict)
    classes: dict[str, set[bytes]] = field(default_factory=dict)


_TYPE = f"<{RDF}type>".encode()


def count_data(path: Path) -> DataCounts:
    """The counts of the conversion's N-Triples ``path`` (one triple a line, each term always
    written the same way), read a line at a time: the 9 million triples of 100,000 actions are
    never held, and each distinct subject and object is kept as a 16-byte digest, not as its
    text (the subjects' text took 200 MiB at 100,000 actions).

    :raises OSError: the file cannot be read.
    """
    counts = DataCounts()
    subjects: set[bytes] = set()
    objects: set[bytes] = set()
    properties: dict[bytes, int] = defaultdict(int)
    last, key = b"", b""
    with open(path, "rb") as lines:
        for line in lines:
            if not line.strip() or line.startswith(b"#"):
                continue
            subject, predicate, rest = line.split(b" ", 2)
            counts.triples += 1
            if subject != last:  # a subject's statements mostly follow each other
                last, key = subject, hashlib.blake2b(subject, digest_size=16).digest()
                subjects.add(key)
            properties[predicate] += 1
            term = rest.rstrip()[:-1].rstrip()  # without the final « . »
            objects.add(hashlib.blake2b(term, digest_size=16).digest())
            if predicate == _TYPE and term.startswith(b"<"):
                counts.classes.setdefault(term[1:-1].decode(), set()).add(key)
    counts.subjects, counts.objects = len(subjects), len(objects)
    counts.properties = {p[1:-1].decode(): n for p, n in properties.items()}
    return counts


def void_graph(store: ox.Store, data: Path, dataset: str, config: ReleaseConfig) -> list[ox.Triple]:
    """VoID statistics of the data graph, the conversion's N-Triples file ``data`` (ontology
    and vocabularies not counted).

    :raises OSError: ``data`` cannot be read.
    """
    node = ox.NamedNode(dataset)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: Term) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    counts = count_data(data)
    classes, properties = counts.classes, counts.properties
    add(node, RDF + "type", ox.NamedNode(VOID + "Dataset"))
    add(node, VOID + "triples", integer(counts.triples))
    add(node, VOID + "distinctSubjects", integer(counts.subjects))
    add(node, VOID + "distinctObjects", integer(counts.objects))
    add(node, VOID + "classes", integer(len(classes)))
    add(node, VOID + "properties", integer(len(properties)))
    add(node, VOID + "entities", integer(len({s for members in classes.values() for s in members})))
    for name, members in sorted(classes.items()):
        part = ox.NamedNode(f"{dataset}-classe-{slug(name, max_length=120)}")
        add(node, VOID + "classPartition", part)
        add(part, VOID + "class", ox.NamedNode(name))
        add(part, VOID + "entities", integer(len(members)))
    for name, count in sorted(properties.items()):
        part = ox.NamedNode(f"{dataset}-propriete-{slug(name, max_length=120)}")
        add(node, VOID + "propertyPartition", part)
        add(part, VOID + "property", ox.NamedNode(name))
        add(part, VOID + "triples", integer(count))
    examples = actions_of(store)[:3]
    for action in examples:
        add(node, VOID + "exampleResource", action)
    if examples:
        add(node, VOID + "uriSpace", ox.Literal(examples[0].value.split("action/")[0]))
    for name in (f"actions{FORMATS[f].suffix}" for f in ("ntriples", "turtle")):
        add(node, VOID + "dataDump", ox.NamedNode(config.base_url + name))
    for namespace in (CSKG, DCT, SKOS, PROV, SCHEMA, IGEO, "http://www.w3.org/ns/org#"):
        add(node, VOID + "vocabulary", ox.NamedNode(namespace))
    if config.endpoint:
        add(node, VOID + "sparqlEndpoint", ox.NamedNode(config.endpoint))
    return sorted(set(out), key=str)
