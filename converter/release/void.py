"""VoID statistics of the released data graph (``void.ttl``)."""

from __future__ import annotations

import pyoxigraph as ox

from converter.release.config import ReleaseConfig
from converter.release.tables import Term, actions_of
from converter.serialise import FORMATS
from converter.text import slug
from converter.vocab import CSKG, DCT, IGEO, PROV, RDF, SCHEMA, SKOS, XSD

VOID = "http://rdfs.org/ns/void#"


def void_graph(
    store: ox.Store, data: list[ox.Triple], dataset: str, config: ReleaseConfig
) -> list[ox.Triple]:
    """VoID statistics of the data graph ``data`` (ontology and vocabularies not counted)."""
    node = ox.NamedNode(dataset)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: Term) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    classes: dict[str, set[str]] = {}
    properties: dict[str, int] = {}
    for t in data:
        properties[t.predicate.value] = properties.get(t.predicate.value, 0) + 1
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
            classes.setdefault(t.object.value, set()).add(str(t.subject))
    add(node, RDF + "type", ox.NamedNode(VOID + "Dataset"))
    add(node, VOID + "triples", integer(len(data)))
    add(node, VOID + "distinctSubjects", integer(len({t.subject for t in data})))
    add(node, VOID + "distinctObjects", integer(len({t.object for t in data})))
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
    for action in actions_of(store)[:3]:
        add(node, VOID + "exampleResource", action)
    first = actions_of(store)[:1]
    if first:
        add(node, VOID + "uriSpace", ox.Literal(first[0].value.split("action/")[0]))
    for name in (f"actions{FORMATS[f].suffix}" for f in ("ntriples", "turtle")):
        add(node, VOID + "dataDump", ox.NamedNode(config.base_url + name))
    for namespace in (CSKG, DCT, SKOS, PROV, SCHEMA, IGEO, "http://www.w3.org/ns/org#"):
        add(node, VOID + "vocabulary", ox.NamedNode(namespace))
    if config.endpoint:
        add(node, VOID + "sparqlEndpoint", ox.NamedNode(config.endpoint))
    return sorted(set(out), key=str)
