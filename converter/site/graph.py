"""What the site reads: the graph of a conversion, the ontology and the vocabularies, in one
in-memory store (as ``cskg serve`` holds them), and the French labels of what it holds."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from converter.endpoint import served_files
from converter.serialise import compact_iri, reading_rdf
from converter.site.describe import SITE_PREFIXES
from converter.vocab import CSKG, DCT, IGEO, ORG, PROV, RDF, SCHEMA, SKOS

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
FOAF = "http://xmlns.com/foaf/0.1/"
# Labels of the terms the ontology borrows from other vocabularies and does not redeclare.
BORROWED_LABELS: dict[str, tuple[str, str]] = {
    RDF + "type": ("type", "type"),
    DCT + "title": ("titre", "title"),
    DCT + "description": ("description", "description"),
    DCT + "source": ("fiche source", "source"),
    DCT + "license": ("licence", "licence"),
    DCT + "creator": ("auteur", "creator"),
    DCT + "created": ("créé le", "created"),
    DCT + "modified": ("modifié le", "modified"),
    DCT + "type": ("type", "type"),
    SKOS + "prefLabel": ("libellé", "preferred label"),
    SKOS + "altLabel": ("autre libellé", "alternative label"),
    SKOS + "definition": ("définition", "definition"),
    SKOS + "notation": ("notation", "notation"),
    SKOS + "inScheme": ("vocabulaire", "in scheme"),
    SKOS + "topConceptOf": ("concept de tête de", "top concept of"),
    SKOS + "hasTopConcept": ("concept de tête", "has top concept"),
    SKOS + "broader": ("concept plus large", "broader"),
    SKOS + "narrower": ("concept plus précis", "narrower"),
    SKOS + "editorialNote": ("note éditoriale", "editorial note"),
    SKOS + "exactMatch": ("équivalent exact", "exact match"),
    SKOS + "closeMatch": ("équivalent proche", "close match"),
    SKOS + "Concept": ("concept", "concept"),
    SKOS + "ConceptScheme": ("vocabulaire", "concept scheme"),
    IGEO + "codeINSEE": ("code INSEE", "INSEE code"),
    IGEO + "nom": ("nom", "name"),
    IGEO + "subdivisionDirecteDe": ("subdivision de", "direct subdivision of"),
    IGEO + "Commune": ("commune", "commune"),
    IGEO + "Arrondissement": ("arrondissement", "arrondissement"),
    IGEO + "Departement": ("département", "département"),
    IGEO + "Region": ("région", "région"),
    IGEO + "Intercommunalite": ("intercommunalité", "intercommunality"),
    PROV + "qualifiedAssociation": ("association qualifiée", "qualified association"),
    PROV + "agent": ("organisation", "agent"),
    PROV + "hadRole": ("rôle", "role"),
    PROV + "Association": ("association à l'action", "association"),
    PROV + "Activity": ("activité", "activity"),
    PROV + "Entity": ("entité", "entity"),
    PROV + "Role": ("rôle", "role"),
    ORG + "Organization": ("organisation", "organization"),
    SCHEMA + "value": ("valeur", "value"),
    SCHEMA + "currency": ("devise", "currency"),
    SCHEMA + "amount": ("montant", "amount"),
    SCHEMA + "funder": ("financeur", "funder"),
    SCHEMA + "fundedItem": ("action financée", "funded item"),
    SCHEMA + "MonetaryAmount": ("montant", "monetary amount"),
    SCHEMA + "MonetaryGrant": ("financement", "monetary grant"),
    RDFS + "label": ("libellé", "label"),
    RDFS + "comment": ("commentaire", "comment"),
    RDFS + "isDefinedBy": ("défini par", "defined by"),
    RDFS + "subClassOf": ("sous-classe de", "subclass of"),
    RDFS + "subPropertyOf": ("sous-propriété de", "subproperty of"),
    RDFS + "domain": ("domaine", "domain"),
    RDFS + "range": ("portée", "range"),
    RDFS + "seeAlso": ("voir aussi", "see also"),
    OWL + "Class": ("classe", "class"),
    OWL + "ObjectProperty": ("propriété d'objet", "object property"),
    OWL + "DatatypeProperty": ("propriété de données", "datatype property"),
    OWL + "Ontology": ("ontologie", "ontology"),
    OWL + "NamedIndividual": ("individu nommé", "named individual"),
    OWL + "deprecated": ("obsolète", "deprecated"),
    OWL + "versionInfo": ("version", "version"),
    OWL + "versionIRI": ("IRI de version", "version IRI"),
    OWL + "priorVersion": ("version précédente", "prior version"),
    OWL + "equivalentClass": ("classe équivalente", "equivalent class"),
    OWL + "equivalentProperty": ("propriété équivalente", "equivalent property"),
    FOAF + "name": ("nom", "name"),
    FOAF + "Agent": ("agent", "agent"),
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
    store = ox.Store()
    for path in served_files(data):
        with reading_rdf(path) as fmt:
            store.bulk_load(path=path, format=fmt)
    return store


class Labels:
    """The labels of the store's resources, French first, looked up once each."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.label = lru_cache(maxsize=200_000)(self._label)
        self.english = lru_cache(maxsize=20_000)(self._english)

    def _texts(self, node: Subject, language: str) -> str | None:
        for predicate in LABEL_PREDICATES:
            plain = None
            for quad in self.store.quads_for_pattern(node, predicate, None):
                value = quad.object
                if isinstance(value, ox.Literal):
                    if value.language == language:
                        return value.value
                    if not value.language and plain is None:
                        plain = value.value
            if plain is not None and language == "fr":
                return plain
        return None

    def _label(self, node: Subject) -> str:
        """French label, else a plain one, else the borrowed term's label, else a short IRI."""
        found = self._texts(node, "fr")
        if found is not None:
            return found
        if isinstance(node, ox.NamedNode):
            if node.value in BORROWED_LABELS:
                return BORROWED_LABELS[node.value][0]
            return compact_iri(node.value, SITE_PREFIXES)
        return "(nœud anonyme)"

    def _english(self, node: ox.NamedNode) -> str | None:
        found = self._texts(node, "en")
        if found is None and node.value in BORROWED_LABELS:
            return BORROWED_LABELS[node.value][1]
        return found

    def types(self, node: Subject) -> list[str]:
        return sorted(
            q.object.value
            for q in self.store.quads_for_pattern(node, RDF_TYPE, None)
            if isinstance(q.object, ox.NamedNode)
        )


def cskg_term(name: str) -> ox.NamedNode:
    return ox.NamedNode(CSKG + name)
