"""What the site reads: the graph of a conversion, the ontology and the vocabularies, in one
in-memory store (as ``cskg serve`` holds them), and the French labels of what it holds."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from converter.outputs import graph_file
from converter.query import local_store
from converter.serialise import compact_iri
from converter.site.describe import SITE_PREFIXES
from converter.site.layout import CACHED_IRIS
from converter.vocab import DCT, IGEO, ORG, PROV, RDF, SCHEMA, SKOS

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
FOAF = "http://xmlns.com/foaf/0.1/"
# French labels of the terms the ontology borrows from other vocabularies and does not
# redeclare (their own labels are English and not in the store).
BORROWED_LABELS: dict[str, str] = {
    RDF + "type": "classe",  # not « type »: an organisation has dct:type too
    DCT + "title": "titre",
    DCT + "description": "description",
    DCT + "source": "fiche source",
    DCT + "license": "licence",
    DCT + "creator": "auteur",
    DCT + "created": "créé le",
    DCT + "modified": "modifié le",
    DCT + "type": "nature",  # DCMI: the nature or genre of the resource
    SKOS + "prefLabel": "libellé",
    SKOS + "altLabel": "autre libellé",
    SKOS + "definition": "définition",
    SKOS + "notation": "notation",
    SKOS + "inScheme": "vocabulaire",
    SKOS + "topConceptOf": "concept de tête de",
    SKOS + "hasTopConcept": "concept de tête",
    SKOS + "broader": "concept plus large",
    SKOS + "narrower": "concept plus précis",
    SKOS + "editorialNote": "note éditoriale",
    SKOS + "exactMatch": "équivalent exact",
    SKOS + "closeMatch": "équivalent proche",
    SKOS + "Concept": "concept",
    SKOS + "ConceptScheme": "vocabulaire",
    IGEO + "codeINSEE": "code INSEE",
    IGEO + "nom": "nom",
    IGEO + "subdivisionDirecteDe": "subdivision de",
    IGEO + "Commune": "commune",
    IGEO + "Arrondissement": "arrondissement",
    IGEO + "Departement": "département",
    IGEO + "Region": "région",
    IGEO + "Intercommunalite": "intercommunalité",
    PROV + "qualifiedAssociation": "association qualifiée",
    PROV + "agent": "organisation",
    PROV + "hadRole": "rôle",
    PROV + "Association": "association à l'action",
    PROV + "Activity": "activité",
    PROV + "Entity": "entité",
    PROV + "Role": "rôle",
    ORG + "Organization": "organisation",
    SCHEMA + "value": "valeur",
    SCHEMA + "currency": "devise",
    SCHEMA + "amount": "montant",
    SCHEMA + "funder": "financeur",
    SCHEMA + "fundedItem": "action financée",
    SCHEMA + "MonetaryAmount": "montant",
    SCHEMA + "MonetaryGrant": "financement",
    RDFS + "label": "libellé",
    RDFS + "comment": "commentaire",
    RDFS + "isDefinedBy": "défini par",
    RDFS + "subClassOf": "sous-classe de",
    RDFS + "subPropertyOf": "sous-propriété de",
    RDFS + "domain": "domaine",
    RDFS + "range": "portée",
    RDFS + "seeAlso": "voir aussi",
    OWL + "Class": "classe",
    OWL + "ObjectProperty": "propriété d'objet",
    OWL + "DatatypeProperty": "propriété de données",
    OWL + "Ontology": "ontologie",
    OWL + "NamedIndividual": "individu nommé",
    OWL + "deprecated": "obsolète",
    OWL + "versionInfo": "version",
    OWL + "versionIRI": "IRI de version",
    OWL + "priorVersion": "version précédente",
    OWL + "equivalentClass": "classe équivalente",
    OWL + "equivalentProperty": "propriété équivalente",
    FOAF + "name": "nom",
    FOAF + "Agent": "agent",
}
LABEL_PREDICATES = tuple(
    ox.NamedNode(iri)
    for iri in (SKOS + "prefLabel", RDFS + "label", DCT + "title", IGEO + "nom", FOAF + "name")
)
RDF_TYPE = ox.NamedNode(RDF + "type")
Subject = ox.NamedNode | ox.BlankNode


def load_store(data: Path) -> ox.Store:
    """The graph of ``data`` (a conversion's folder or an RDF file), the ontology and the
    vocabularies, in memory.

    :raises InputError: a file is missing or is not valid RDF.
    """
    return local_store([graph_file(data)])


def _french_labels(store: ox.Store) -> dict[Subject, str]:
    """Each resource's label: of the first of ``LABEL_PREDICATES`` it has, the first French
    literal, else the first literal without a language; read in one pass per predicate
    rather than in five look-ups per resource."""
    found: dict[Subject, str] = {}
    for predicate in LABEL_PREDICATES:
        french: dict[Subject, str] = {}
        plain: dict[Subject, str] = {}
        for quad in store.quads_for_pattern(None, predicate, None):
            value, subject = quad.object, quad.subject
            if isinstance(value, ox.Literal) and isinstance(subject, Subject):
                if value.language == "fr":
                    french.setdefault(subject, value.value)
                elif not value.language:
                    plain.setdefault(subject, value.value)
        for subject, text in (plain | french).items():
            found.setdefault(subject, text)
    return found


class Labels:
    """The labels of the store's resources, French first, looked up once each."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.french = _french_labels(store)
        self.label = lru_cache(maxsize=CACHED_IRIS)(self._label)

    def _label(self, node: Subject) -> str:
        """French label, else a plain one, else the borrowed term's label, else a short IRI."""
        found = self.french.get(node)
        if found is not None:
            return found
        if isinstance(node, ox.NamedNode):
            if node.value in BORROWED_LABELS:
                return BORROWED_LABELS[node.value]
            parent = self._parent_label(node.value)
            return parent if parent is not None else compact_iri(node.value, SITE_PREFIXES)
        return "(nœud anonyme)"

    def _parent_label(self, iri: str) -> str | None:
        """« Action title (fiche) », « Action title (association 1) »: a resource without a
        label named after the labelled resource its IRI extends (an action's fiche, budget,
        associations)."""
        head, rest = iri, list[str]()
        for _ in range(2):
            head, _, segment = head.rpartition("/")
            if not head.startswith("http"):
                return None
            rest.insert(0, segment)
            found = self.french.get(ox.NamedNode(head))
            if found is not None:
                return f"{found} ({' '.join(rest)})"
        return None

    def types(self, node: Subject) -> list[str]:
        return sorted(
            q.object.value
            for q in self.store.quads_for_pattern(node, RDF_TYPE, None)
            if isinstance(q.object, ox.NamedNode)
        )
