"""Namespaces, project folders and the SKOS vocabularies: declared once, here.

The vocabularies are read from ``ontology/vocabularies/*.ttl`` (the files are the source of
truth); raw values of a fiche match a concept when they fold (``text.fold``) to one of its
French labels, preferred or alternative.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from converter.errors import InputError, reason
from converter.paths import VOCABULARY_DIR
from converter.text import fold

CSKG = "https://w3id.org/cskg/def#"
VOCAB = "https://w3id.org/cskg/vocab/"
DEFAULT_BASE_IRI = "https://w3id.org/cskg/id/"
INSEE_GEO = "http://id.insee.fr/geo/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
IGEO = "http://rdf.insee.fr/def/geo#"

# Prefixes written in every serialisation (sorted when written).
PREFIXES: dict[str, str] = {
    "cskg": CSKG,
    "dct": DCT,
    "igeo": IGEO,
    "org": ORG,
    "prov": PROV,
    "rdf": RDF,
    "schema": SCHEMA,
    "skos": SKOS,
    "xsd": XSD,
}

RDF_TYPE = ox.NamedNode(RDF + "type")
SKOS_PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
SKOS_ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
SKOS_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
SKOS_CONCEPT = ox.NamedNode(SKOS + "Concept")


def cskg(name: str) -> ox.NamedNode:
    return ox.NamedNode(CSKG + name)


def curie(term: str) -> ox.NamedNode:
    """The IRI of ``prefix:name``.

    >>> curie("dct:title").value
    'http://purl.org/dc/terms/title'
    """
    prefix, _, name = term.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + name)


# Concept schemes, by the name used in model.FIELDS (the first six) or by the mapping of
# territories: scheme IRI is VOCAB + name.
SCHEMES: tuple[str, ...] = (
    "thematique",
    "public",
    "dimension",
    "statut",
    "initiateur",
    "echelle-territoriale",
    "nature-epci",
    "types-organisations",
)


@dataclass(frozen=True)
class Vocabularies:
    """The concepts of every scheme, indexed by folded French label; ``labels`` keeps each
    scheme's French labels as written (the organisation rules tell abbreviations by case)."""

    concepts: dict[str, dict[str, ox.NamedNode]]
    labels: dict[str, tuple[tuple[str, ox.NamedNode], ...]] = dataclasses.field(
        default_factory=dict
    )
    preferred: dict[str, str] = dataclasses.field(default_factory=dict)  # IRI: French prefLabel
    english: dict[str, str] = dataclasses.field(default_factory=dict)  # IRI: English prefLabel

    def match(self, scheme: str, value: str) -> ox.NamedNode | None:
        return self.concepts[scheme].get(fold(value))


def vocabulary_files(folder: Path = VOCABULARY_DIR) -> list[Path]:
    return sorted(folder.glob("*.ttl"))


@functools.cache
def load_vocabularies(folder: Path = VOCABULARY_DIR) -> Vocabularies:
    """Read the SKOS schemes of ``folder``.

    :raises InputError: a vocabulary file is missing or is not valid Turtle.
    """
    store = ox.Store()
    files = vocabulary_files(folder)
    if not files:
        raise InputError("aucun vocabulaire (*.ttl)", path=str(folder))
    for path in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        except (OSError, SyntaxError) as error:
            raise InputError(f"vocabulaire illisible ({reason(error)})", path=str(path)) from None
    concepts: dict[str, dict[str, ox.NamedNode]] = {name: {} for name in SCHEMES}
    labels: dict[str, list[tuple[str, ox.NamedNode]]] = {name: [] for name in SCHEMES}
    query = """
        SELECT ?scheme ?concept ?label ?preferred WHERE {
          { ?concept skos:inScheme ?scheme ; skos:prefLabel ?label . BIND(true AS ?preferred) }
          UNION
          { ?concept skos:inScheme ?scheme ; skos:altLabel ?label . BIND(false AS ?preferred) }
          FILTER(langMatches(lang(?label), "fr"))
        } ORDER BY ?scheme ?concept ?label"""
    preferred: dict[str, str] = {}
    solutions = store.query(query, prefixes={"skos": SKOS})
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        scheme, concept, label = solution["scheme"], solution["concept"], solution["label"]
        assert isinstance(scheme, ox.NamedNode) and isinstance(concept, ox.NamedNode)
        assert isinstance(label, ox.Literal)
        name = scheme.value.removeprefix(VOCAB)
        if name in concepts:
            concepts[name].setdefault(fold(label.value), concept)
            labels[name].append((label.value, concept))
            if solution["preferred"] == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")):
                preferred[concept.value] = label.value
    english = {
        str(s["concept"].value): str(s["label"].value)
        for s in store.query(
            "SELECT ?concept ?label WHERE { ?concept skos:prefLabel ?label "
            'FILTER(langMatches(lang(?label), "en")) }',
            prefixes={"skos": SKOS},
        )  # type: ignore[union-attr]
    }
    return Vocabularies(
        concepts, {name: tuple(found) for name, found in labels.items()}, preferred, english
    )
