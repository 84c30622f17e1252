"""Records to RDF triples, following ``ontology/cskg.ttl``.

Every non-empty field of a record lands in the graph (``model.FIELDS`` says with which
property). IRIs come from stable keys of the fiche, never from positions (see the README's IRI
table): the same input always gives the same IRIs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from converter.amounts import amounts, read_budget, read_contributions, read_staff_count
from converter.errors import UsageError
from converter.model import FIELDS, FIELDS_BY_NAME, Diagnostic, FicheField, Kind, Record
from converter.serialise import sorted_triples
from converter.territory import Cog, CommuneMatch, Departement, load_cog
from converter.text import fold, slug
from converter.vocab import (
    DEFAULT_BASE_IRI,
    IGEO,
    ORG,
    PROV,
    RDF_TYPE,
    SCHEMA,
    SKOS_ALT_LABEL,
    SKOS_CONCEPT,
    SKOS_IN_SCHEME,
    SKOS_PREF_LABEL,
    VOCAB,
    XSD,
    Vocabularies,
    cskg,
    curie,
    load_vocabularies,
)

XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_POSITIVE = ox.NamedNode(XSD + "positiveInteger")
ORGANIZATION = ox.NamedNode(ORG + "Organization")
MONETARY_AMOUNT = ox.NamedNode(SCHEMA + "MonetaryAmount")
SCHEMA_VALUE = ox.NamedNode(SCHEMA + "value")
SCHEMA_CURRENCY = ox.NamedNode(SCHEMA + "currency")
SCHEMA_FUNDER = ox.NamedNode(SCHEMA + "funder")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
TITLE = curie("dct:title")
EURO = ox.Literal("EUR")


def check_base_iri(base_iri: str) -> str:
    """``base_iri`` if it can prefix data IRIs: absolute http(s), ending with "/" or "#".

    :raises UsageError: otherwise.
    """
    try:
        ox.NamedNode(base_iri)
    except ValueError:
        raise UsageError(f"IRI de base invalide : « {base_iri} »") from None
    if not base_iri.startswith(("http://", "https://")) or not base_iri.endswith(("/", "#")):
        raise UsageError(
            f"l'IRI de base doit commencer par http(s):// et finir par / ou # : {base_iri}"
        )
    return base_iri


class _Iris:
    """Mints one IRI per key; two keys whose readable paths clash get "-2", "-3"… in input order."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.by_key: dict[Hashable, ox.NamedNode] = {}
        self.taken: set[str] = set()

    def get(self, key: Hashable) -> ox.NamedNode | None:
        return self.by_key.get(key)

    def mint(self, key: Hashable, path: str) -> ox.NamedNode:
        iri, number = self.base + path, 1
        while iri in self.taken:
            number += 1
            iri = f"{self.base}{path}-{number}"
        self.taken.add(iri)
        self.by_key[key] = node = ox.NamedNode(iri)
        return node


@dataclass
class MappedGraph:
    """The triples of some records, with what the mapping noticed on the way."""

    triples: set[ox.Triple] = field(default_factory=set)  # filled by map_records only
    warnings: list[Diagnostic] = field(default_factory=list)
    triple_count: int = 0
    actions: int = 0
    structures: int = 0
    organisations: int = 0
    unreviewed_concepts: int = 0
    duplicates: int = 0
    # per structure: the territories it was linked to, or why not (report.json "territories")
    territories: list[dict[str, Any]] = field(default_factory=list)

    def linked(self, level: str) -> int:
        """How many structures are linked to a ``departement``, ``region`` or ``commune``."""
        return sum(1 for t in self.territories if t[level] is not None)


@dataclass
class Mapper:
    """Maps records one by one, keeping what IRIs and duplicates need across batches."""

    base: str
    vocabularies: Vocabularies
    cog: Cog
    graph: MappedGraph = field(default_factory=MappedGraph)
    iris: _Iris = field(init=False)
    # per action key: (digest of the record, where it was read) of each action minted for it
    actions_by_key: dict[Hashable, list[tuple[str, str]]] = field(default_factory=dict)
    # resources many actions share (structures, organisations, territories, new concepts):
    # their triples are kept until the end and written once
    shared: dict[str, set[ox.Triple]] = field(default_factory=dict)
    # the triples of each action of the current batch (the action, its fiche, budget…)
    groups: list[list[ox.Triple]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.iris = _Iris(self.base)

    def add(
        self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal
    ) -> None:
        triple = ox.Triple(subject, predicate, obj)
        shared = self.shared.get(subject.value)
        if shared is not None:
            shared.add(triple)
        else:
            self.groups[-1].append(triple)

    def share(self, node: ox.NamedNode) -> ox.NamedNode:
        self.shared.setdefault(node.value, set())
        return node

    def take_batch(self) -> list[ox.Triple]:
        """The triples of the actions mapped since the last call: action after action, in
        input order; within an action, one block per resource (the action, its budget…) in
        the order the mapping wrote them."""
        batch: list[ox.Triple] = []
        for group in self.groups:
            blocks: dict[ox.NamedNode | ox.BlankNode | ox.Triple, list[ox.Triple]] = {}
            for triple in dict.fromkeys(group):
                blocks.setdefault(triple.subject, []).append(triple)
            for block in blocks.values():
                batch += block
        self.groups = []
        self.graph.triple_count += len(batch)
        return batch

    def referenced(self, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        """The triples of the shared resources ``triples`` refer to, and of those they refer
        to in turn (a structure, its département, its région…)."""
        todo = [t.object.value for t in triples if isinstance(t.object, ox.NamedNode)]
        seen: set[str] = set()
        found: list[ox.Triple] = []
        while todo:
            node = todo.pop()
            if node in seen or node not in self.shared:
                continue
            seen.add(node)
            for triple in self.shared[node]:
                found.append(triple)
                if isinstance(triple.object, ox.NamedNode):
                    todo.append(triple.object.value)
        return found

    def take_shared(self) -> list[ox.Triple]:
        shared = sorted_triples(t for triples in self.shared.values() for t in triples)
        self.graph.triple_count += len(shared)
        return shared

    def warn(self, record: Record, name: str, message: str, header: str = "") -> None:
        line = record.source.line_of(name)
        self.graph.warnings.append(Diagnostic(record.source.file, line, message, header))

    def map(self, record: Record) -> None:
        self.groups.append([])
        structure = self.structure(record)
        structure_path = structure.value.removeprefix(self.base + "structure/")
        key = ("action", structure.value, fold(record.title))
        earlier = self.actions_by_key.setdefault(key, [])
        digest = hashlib.sha256(
            json.dumps(record.values()).encode("utf-8", "surrogatepass")
        ).hexdigest()
        here = f"{record.source.file}:{record.source.first_line}"
        for other, where in earlier:
            if other == digest:
                self.graph.duplicates += 1
                self.warn(record, "title", f"fiche en double (déjà lue en {where}) : ignorée")
                return
        action = self.iris.mint(
            (key, len(earlier)), f"action/{structure_path}/{slug(record.title)}"
        )
        if earlier:
            where = ", ".join(w for _, w in earlier)
            self.warn(
                record,
                "title",
                f"même titre et même structure qu'en {where}, contenu différent : "
                f"IRI {action.value}",
            )
        earlier.append((digest, here))
        self.graph.actions += 1
        self.add(action, RDF_TYPE, cskg("Action"))
        self.add(action, TITLE, ox.Literal(record.title, language="fr"))
        self.add(action, cskg("organiser"), structure)
        for f in FIELDS:
            if f.kind is not Kind.ORGANISER:
                self.field(record, action, f)
        self.numbers(record, action)
        self.provenance(record, action)

    def structure(self, record: Record) -> ox.NamedNode:
        departement: Departement | None = None
        if record.departement:
            resolution = self.cog.resolve_departement(record.departement)
            departement = resolution.departement
            place = departement.code if departement else slug(record.departement)
        else:
            place = "sans-departement"
        key = ("structure", fold(record.structure) or record.structure, place)
        existing = self.iris.get(key)
        if existing is not None:
            self.other_spelling(existing, record.structure)
            return existing
        node = self.share(self.iris.mint(key, f"structure/{place}/{slug(record.structure)}"))
        self.graph.structures += 1
        self.add(node, RDF_TYPE, cskg("Structure"))
        self.add(node, RDF_TYPE, ORGANIZATION)
        self.add(node, SKOS_PREF_LABEL, ox.Literal(record.structure))
        header = FIELDS_BY_NAME["structure"].header
        if record.departement:
            self.add(node, cskg("departementLabel"), ox.Literal(record.departement))
        match: CommuneMatch | None = None
        if departement is not None:
            self.add(node, cskg("departement"), ox.NamedNode(departement.iri))
            self.territory(departement)
            match = self.cog.find_commune(record.structure, departement)
            if match.commune is not None:
                commune = self.share(ox.NamedNode(match.commune.iri))
                self.add(node, cskg("commune"), commune)
                self.add(node, cskg("communeEvidence"), ox.Literal(match.evidence))
                self.add(commune, RDF_TYPE, ox.NamedNode(IGEO + "Commune"))
                self.add(commune, ox.NamedNode(IGEO + "codeINSEE"), ox.Literal(match.commune.code))
                self.add(
                    commune,
                    ox.NamedNode(IGEO + "nom"),
                    ox.Literal(match.commune.name, language="fr"),
                )
                self.add(
                    commune,
                    ox.NamedNode(IGEO + "subdivisionDirecteDe"),
                    ox.NamedNode(departement.iri),
                )
        elif record.departement:
            near = ", ".join(resolution.candidates) or "aucun nom proche"
            self.warn(
                record,
                "structure",
                f"département « {record.departement} » inconnu du COG {self.cog.year} : "
                f"structure sans lien de département (proches : {near})",
                header,
            )
        self.graph.territories.append(
            {
                "structure": node.value,
                "name": record.structure,
                "file": record.source.file,
                "line": record.source.line_of("structure"),
                "departement_label": record.departement,
                "departement": departement.code if departement else None,
                "region": departement.region.code if departement else None,
                "commune": match.commune.code if match and match.commune else None,
                "evidence": match.evidence if match else "",
                "candidates": [
                    {"code": c.code, "name": c.name} for c in (match.candidates if match else ())
                ],
                "note": match.note if match else "département non résolu : commune non cherchée",
            }
        )
        return node

    def territory(self, departement: Departement) -> None:
        node = self.share(ox.NamedNode(departement.iri))
        region = self.share(ox.NamedNode(departement.region.iri))
        self.add(node, RDF_TYPE, ox.NamedNode(IGEO + "Departement"))
        self.add(node, ox.NamedNode(IGEO + "codeINSEE"), ox.Literal(departement.code))
        self.add(node, ox.NamedNode(IGEO + "nom"), ox.Literal(departement.name, language="fr"))
        self.add(node, ox.NamedNode(IGEO + "subdivisionDirecteDe"), region)
        self.add(region, RDF_TYPE, ox.NamedNode(IGEO + "Region"))
        self.add(region, ox.NamedNode(IGEO + "codeINSEE"), ox.Literal(departement.region.code))
        self.add(
            region, ox.NamedNode(IGEO + "nom"), ox.Literal(departement.region.name, language="fr")
        )

    def field(self, record: Record, action: ox.NamedNode, f: FicheField) -> None:
        value = getattr(record, f.name)
        values: tuple[str, ...] = value if isinstance(value, tuple) else ((value,) if value else ())
        predicate = curie(f.predicate)
        for item in values:
            if f.scheme is not None:
                self.add(action, predicate, self.concept(record, f, item))
            elif f.name == "partners":
                self.add(action, predicate, self.organisation(item, "Partner"))
            elif f.kind is Kind.TEXT:
                self.add(action, predicate, ox.Literal(item, language="fr"))
            else:
                self.add(action, predicate, ox.Literal(item))

    def concept(self, record: Record, f: FicheField, value: str) -> ox.NamedNode:
        assert f.scheme is not None
        found = self.vocabularies.match(f.scheme, value)
        if found is not None:
            return found
        self.warn(
            record,
            f.name,
            f"« {value} » n'est dans aucun concept du vocabulaire « {f.scheme} » : "
            "concept créé, à revoir",
            f.header,
        )
        key = ("concept", f.scheme, fold(value) or value)
        existing = self.iris.get(key)
        if existing is not None:
            self.other_spelling(existing, value, "fr")
            return existing
        node = self.share(self.iris.mint(key, f"concept/{f.scheme}/{slug(value)}"))
        self.graph.unreviewed_concepts += 1
        self.add(node, RDF_TYPE, SKOS_CONCEPT)
        self.add(node, RDF_TYPE, cskg("UnreviewedConcept"))
        self.add(node, SKOS_PREF_LABEL, ox.Literal(value, language="fr"))
        self.add(node, SKOS_IN_SCHEME, ox.NamedNode(VOCAB + f.scheme))
        return node

    def organisation(self, name: str, role: str) -> ox.NamedNode:
        key = ("organisation", fold(name) or name)  # a name of punctuation only stays itself
        node = self.iris.get(key)
        if node is None:
            node = self.share(self.iris.mint(key, f"organisation/{slug(name)}"))
            self.graph.organisations += 1
            self.add(node, RDF_TYPE, ORGANIZATION)
            self.add(node, SKOS_PREF_LABEL, ox.Literal(name))
        else:
            self.other_spelling(node, name)
        self.add(node, RDF_TYPE, cskg(role))
        return node

    def other_spelling(self, node: ox.NamedNode, name: str, language: str | None = None) -> None:
        """Merged by normalised name, another spelling is kept as ``skos:altLabel``."""
        label = ox.Literal(name, language=language) if language else ox.Literal(name)
        if ox.Triple(node, SKOS_PREF_LABEL, label) not in self.shared.get(node.value, ()):
            self.add(node, SKOS_ALT_LABEL, label)

    def numbers(self, record: Record, action: ox.NamedNode) -> None:
        budget = read_budget(record.funding)
        if budget is not None:
            self.amount(ox.NamedNode(action.value + "/budget"), budget, MONETARY_AMOUNT)
            self.add(action, cskg("budget"), ox.NamedNode(action.value + "/budget"))
        elif len(written := amounts(record.funding)) > 1:
            self.warn(
                record,
                "funding",
                f"{len(written)} montants sans total certain : gardés en texte",
                FIELDS_BY_NAME["funding"].header,
            )
        for number, contribution in enumerate(read_contributions(record.funding), start=1):
            node = ox.NamedNode(f"{action.value}/financement/{number}")
            self.amount(node, contribution.amount, cskg("FundingContribution"))
            self.add(node, SCHEMA_FUNDER, self.organisation(contribution.funder, "Funder"))
            self.add(action, cskg("fundingContribution"), node)
        staff = read_staff_count(record.staffing)
        if staff is not None:
            self.add(action, cskg("staffCount"), ox.Literal(str(staff), datatype=XSD_INTEGER))

    def amount(self, node: ox.NamedNode, value: Decimal, kind: ox.NamedNode) -> None:
        self.add(node, RDF_TYPE, kind)
        self.add(node, SCHEMA_VALUE, ox.Literal(str(value), datatype=XSD_DECIMAL))
        self.add(node, SCHEMA_CURRENCY, EURO)

    def provenance(self, record: Record, action: ox.NamedNode) -> None:
        fiche, source = ox.NamedNode(action.value + "/fiche"), record.source
        self.add(action, DERIVED_FROM, fiche)
        self.add(fiche, RDF_TYPE, cskg("Fiche"))
        self.add(fiche, cskg("sourceFile"), ox.Literal(source.file))
        if 0 < source.first_line <= source.last_line:
            self.add(
                fiche, cskg("firstLine"), ox.Literal(str(source.first_line), datatype=XSD_POSITIVE)
            )
            self.add(
                fiche, cskg("lastLine"), ox.Literal(str(source.last_line), datatype=XSD_POSITIVE)
            )


def map_records(
    records: Iterable[Record],
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    vocabularies: Vocabularies | None = None,
    cog: Cog | None = None,
) -> MappedGraph:
    """The triples of ``records``; a fiche given twice maps once, with a warning.

    :raises UsageError: ``base_iri`` cannot prefix IRIs.
    """
    mapper = Mapper(
        check_base_iri(base_iri), vocabularies or load_vocabularies(), cog or load_cog()
    )
    for record in records:
        mapper.map(record)
    mapper.graph.triples = set(mapper.take_batch()) | set(mapper.take_shared())
    return mapper.graph
