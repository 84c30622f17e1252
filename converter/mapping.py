"""Records to RDF triples, following ``ontology/cskg.ttl``.

Every non-empty field of a record lands in the graph (``model.FIELDS`` says with which
property). IRIs come from stable keys of the fiche, never from positions (see the README's IRI
table): the same input always gives the same IRIs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from converter.amounts import amounts, read_budget, read_contributions, read_staff_count
from converter.errors import UsageError
from converter.linking.communes import CommuneEvidence, decide_commune
from converter.linking.organisations import LEVEL, UNSTATED, Mention, find_mentions, unsaid_kind
from converter.model import FIELDS, FIELDS_BY_NAME, Diagnostic, FicheField, Kind, Record
from converter.serialise import (
    NtTriple,
    nt_literal,
    ntriples_lines,
    read_ntriples,
    sorted_by_subject,
)
from converter.territory import Cog, Commune, CommuneMatch, Departement, Epci, Region, load_cog
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

# The mapping writes terms as N-Triples does ("<iri>", "\"texte\"@fr"): plain strings are
# several times cheaper to build, hash and write than library objects (issue 7).
XSD_DECIMAL = f"<{XSD}decimal>"
XSD_INTEGER = f"<{XSD}integer>"
XSD_POSITIVE = f"<{XSD}positiveInteger>"
A = str(RDF_TYPE)
PREF_LABEL, ALT_LABEL = str(SKOS_PREF_LABEL), str(SKOS_ALT_LABEL)
CONCEPT, IN_SCHEME = str(SKOS_CONCEPT), str(SKOS_IN_SCHEME)
ORGANIZATION = f"<{ORG}Organization>"
MONETARY_AMOUNT = f"<{SCHEMA}MonetaryAmount>"
MONETARY_GRANT = f"<{SCHEMA}MonetaryGrant>"
SCHEMA_VALUE = f"<{SCHEMA}value>"
SCHEMA_CURRENCY = f"<{SCHEMA}currency>"
SCHEMA_FUNDER = f"<{SCHEMA}funder>"
SCHEMA_AMOUNT = f"<{SCHEMA}amount>"
SCHEMA_FUNDED_ITEM = f"<{SCHEMA}fundedItem>"
# Being a partner or a funder is a role in one action: a qualified association (PROV)
ASSOCIATION = f"<{PROV}Association>"
QUALIFIED_ASSOCIATION = f"<{PROV}qualifiedAssociation>"
PROV_AGENT = f"<{PROV}agent>"
HAD_ROLE = f"<{PROV}hadRole>"
SOURCE = str(curie("dct:source"))  # the fiche an action is read from (not PROV: an action
# is a prov:Activity, and prov:wasDerivedFrom relates entities)
IGEO_CODE, IGEO_NAME, IGEO_PARENT = (
    f"<{IGEO}{n}>" for n in ("codeINSEE", "nom", "subdivisionDirecteDe")
)
XSD_TOKEN = f"<{XSD}token>"  # igeo:nom's range in INSEE's ontology
TITLE = str(curie("dct:title"))
DCT_TYPE = str(curie("dct:type"))
EURO = nt_literal("EUR")
# The DGCL's natures of EPCI, as concepts of ontology/vocabularies/natures-epci.ttl
EPCI_NATURES = {
    "CC": "communaute-de-communes",
    "CA": "communaute-d-agglomeration",
    "CU": "communaute-urbaine",
    "METRO": "metropole",
    "MET69": "metropole-de-lyon",
}
PREDICATES = {f.name: str(curie(f.predicate)) for f in FIELDS}


@functools.cache
def _c(name: str) -> str:
    """``cskg:name`` in N-Triples form."""
    return str(cskg(name))


ACTION, ORGANISER = _c("Action"), _c("organiser")
PARTNER_ROLE, FUNDER_ROLE = _c("partnerRole"), _c("funderRole")


def _below(node: str, path: str) -> str:
    """The IRI ``path`` below ``node`` ("<…/action/x>", "budget" -> "<…/action/x/budget>")."""
    return f"{node[:-1]}/{path}>"


def _name(name: str) -> str:
    """A territory's name as INSEE's ontology types ``igeo:nom``: an ``xsd:token``."""
    return nt_literal(" ".join(name.split()), datatype=XSD_TOKEN)


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
        self.by_key: dict[Hashable, str] = {}
        self.taken: set[str] = set()

    def get(self, key: Hashable) -> str | None:
        return self.by_key.get(key)

    def mint(self, key: Hashable, path: str) -> str:
        """The IRI of ``key`` in N-Triples form; ``path`` is made of slugs and codes."""
        self.by_key[key] = node = self.claim(path)
        return node

    def claim(self, path: str) -> str:
        """An IRI for ``path`` no other resource has, in N-Triples form, remembered without
        a key (an action's: its key is kept once, with its digest)."""
        iri, number = self.base + path, 1
        while iri in self.taken:
            number += 1
            iri = f"{self.base}{path}-{number}"
        self.taken.add(iri)
        return f"<{iri}>"


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
    organisation_types: dict[str, int] = field(default_factory=dict)  # organisations by type

    def linked(self, level: str) -> int:
        """How many structures are linked to a ``departement``, ``region`` or ``commune``."""
        return sum(1 for t in self.territories if t[level] is not None)


@dataclass
class _Structure:
    """The structure of the action being mapped, as the organisation rules need it."""

    node: str = ""
    name: str = ""
    departement: Departement | None = None
    commune: Commune | None = None  # from its name, or from the texts of earlier fiches


@dataclass
class Mapper:
    """Maps records one by one, keeping what IRIs and duplicates need across batches.

    Triples are tuples of N-Triples terms (``NtTriple``); ``serialise.ntriples_lines`` writes
    them and ``serialise.read_ntriples`` turns them into library triples.
    """

    base: str
    vocabularies: Vocabularies
    cog: Cog
    graph: MappedGraph = field(default_factory=MappedGraph)
    iris: _Iris = field(init=False)
    # per action key: (digest of the record, where it was read) of each action minted for it
    actions_by_key: dict[Hashable, list[tuple[bytes, str]]] = field(default_factory=dict)
    # resources many actions share (structures, organisations, territories, new concepts):
    # their triples are kept until the end and written once
    shared: dict[str, set[NtTriple]] = field(default_factory=dict)
    # the triples of each action of the current batch (the action, its fiche, budget…)
    groups: list[list[NtTriple]] = field(default_factory=list)
    # the action being mapped: its structure's path ("72/centre-social-…"), which scopes the
    # generic organisation names it cites, and how many associations it has so far
    scope: str = ""
    associations: int = 0
    current: _Structure = field(default_factory=_Structure)
    structures: dict[str, _Structure] = field(default_factory=dict)
    # per structure without a commune in its name: the local expressions naming one
    commune_evidence: dict[str, list[CommuneEvidence]] = field(default_factory=dict)
    fiche_commune: Commune | None = None  # the one commune this fiche's texts name
    # the (organisation, role) pairs of the action being mapped, each said once
    roles: set[tuple[str, str]] = field(default_factory=set)
    contributions: int = 0  # funding contributions of the action so far
    mentions_cache: dict[tuple[str, bool, str, bool], list[Mention]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.iris = _Iris(self.base)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        shared = self.shared.get(subject)
        if shared is not None:
            shared.add((subject, predicate, obj))
        else:
            self.groups[-1].append((subject, predicate, obj))

    def share(self, node: str) -> str:
        self.shared.setdefault(node, set())
        return node

    def take_batch(self) -> list[NtTriple]:
        """The triples of the actions mapped since the last call: action after action, in
        input order; within an action, one block per resource (the action, its budget…) in
        the order the mapping wrote them."""
        batch: list[NtTriple] = []
        for group in self.groups:
            blocks: dict[str, list[NtTriple]] = {}
            for triple in dict.fromkeys(group):
                blocks.setdefault(triple[0], []).append(triple)
            for block in blocks.values():
                batch += block
        self.groups = []
        self.graph.triple_count += len(batch)
        return batch

    def referenced(self, triples: Iterable[NtTriple]) -> list[NtTriple]:
        """The triples of the shared resources ``triples`` refer to, and of those they refer
        to in turn (a structure, its département, its région…)."""
        shared = self.shared
        todo = [o for _, _, o in triples if o in shared]
        seen: set[str] = set()
        found: list[NtTriple] = []
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for triple in shared[node]:
                found.append(triple)
                if triple[2] in shared:
                    todo.append(triple[2])
        return found

    def take_shared(self) -> list[NtTriple]:
        return [triple for part in self.shared_parts(sys.maxsize) for triple in part]

    def shared_parts(self, size: int) -> Iterator[list[NtTriple]]:
        """The triples of the shared resources in the order of ``sorted_nt``, in parts of
        ``size`` triples or more (the last may have fewer), cut between resources: one part
        in memory at a time (sorting those of 100,000 actions at once took hundreds of MB)."""
        self.settle_communes()
        part: list[NtTriple] = []
        for triples in sorted_by_subject(self.shared):
            part += triples
            if len(part) >= size:
                self.graph.triple_count += len(part)
                yield part
                part = []
        if part:
            self.graph.triple_count += len(part)
            yield part

    def warn(self, record: Record, name: str, message: str, header: str = "") -> None:
        line = record.source.line_of(name)
        self.graph.warnings.append(Diagnostic(record.source.file, line, message, header))

    def map(self, record: Record) -> None:
        self.groups.append([])
        structure = self.structure(record)
        structure_path = structure[1:-1].removeprefix(self.base + "structure/")
        key = ("action", structure, fold(record.title))
        earlier = self.actions_by_key.setdefault(key, [])
        digest = hashlib.sha256(
            json.dumps(record.values()).encode("utf-8", "surrogatepass")
        ).digest()
        here = f"{record.source.file}:{record.source.first_line}"
        for other, where in earlier:
            if other == digest:
                self.graph.duplicates += 1
                self.warn(record, "title", f"fiche en double (déjà lue en {where}) : ignorée")
                return
        action = self.iris.claim(f"action/{structure_path}/{slug(record.title)}")
        if earlier:
            where = ", ".join(w for _, w in earlier)
            self.warn(
                record,
                "title",
                f"même titre et même structure qu'en {where}, contenu différent : "
                f"IRI {action[1:-1]}",
            )
        earlier.append((digest, here))
        self.scope = structure_path
        self.associations = 0
        self.current = self.structures[structure]
        self.roles = set()
        self.mentions_cache = {}
        self.fiche_commune = self.explicit_commune(record)
        self.graph.actions += 1
        self.add(action, A, ACTION)
        self.add(action, TITLE, nt_literal(record.title, "fr"))
        self.add(action, ORGANISER, structure)
        for f in FIELDS:
            if f.kind is not Kind.ORGANISER:
                self.field(record, action, f)
        self.numbers(record, action)
        self.text_mentions(record, action)
        self.provenance(record, action)

    def structure(self, record: Record) -> str:
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
        self.add(node, A, _c("Structure"))
        self.add(node, A, ORGANIZATION)
        self.add(node, PREF_LABEL, nt_literal(record.structure))
        header = FIELDS_BY_NAME["structure"].header
        if record.departement:
            self.add(node, _c("departementLabel"), nt_literal(record.departement))
        match: CommuneMatch | None = None
        self.structures[node] = _Structure(node, record.structure, departement)
        if departement is not None:
            self.add(node, _c("departement"), f"<{departement.iri}>")
            self.territory(departement)
            match = self.cog.find_commune(record.structure, departement)
            if match.commune is not None:
                self.structures[node].commune = match.commune
                self.link_commune(node, match.commune, match.evidence, "commune-dans-le-nom")
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
                "structure": node[1:-1],
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
        node = self.share(f"<{departement.iri}>")
        region = self.share(f"<{departement.region.iri}>")
        self.add(node, A, f"<{IGEO}Departement>")
        self.add(node, IGEO_CODE, nt_literal(departement.code))
        self.add(node, IGEO_NAME, _name(departement.name))
        self.add(node, IGEO_PARENT, region)
        self.population(node, self.cog.population(departement))
        self.region(departement.region)

    def region(self, found: Region) -> None:
        node = self.share(f"<{found.iri}>")
        self.add(node, A, f"<{IGEO}Region>")
        self.add(node, IGEO_CODE, nt_literal(found.code))
        self.add(node, IGEO_NAME, _name(found.name))
        self.population(node, self.cog.population(found))

    def population(self, node: str, population: int | None) -> None:
        if population is not None:
            self.add(node, _c("population"), nt_literal(str(population), datatype=XSD_INTEGER))

    def commune(self, found: Commune) -> str:
        """The commune's node, with what the territory pack says of it and of its EPCI."""
        node = self.share(f"<{found.iri}>")
        self.add(node, A, f"<{IGEO}Commune>")
        self.add(node, IGEO_CODE, nt_literal(found.code))
        self.add(node, IGEO_NAME, _name(found.name))
        self.arrondissement(node, found)
        self.territory(found.departement)
        self.population(node, found.population)
        if found.siren:
            self.add(node, _c("siren"), nt_literal(found.siren))
        for postcode in found.postcodes:
            self.add(node, _c("postalCode"), nt_literal(postcode))
        epci = found.epci
        if epci is not None:
            self.add(node, _c("epci"), self.share(f"<{epci.iri}>"))
            self.epci(epci)
        return node

    def epci(self, epci: Epci) -> None:
        node = self.share(f"<{epci.iri}>")  # shared before its first triple, as every place
        self.add(node, A, f"<{IGEO}Intercommunalite>")
        self.add(node, IGEO_CODE, nt_literal(epci.code))
        self.add(node, IGEO_NAME, _name(epci.name))
        self.add(node, _c("siren"), nt_literal(epci.code))
        self.add(node, _c("epciNature"), f"<{VOCAB}nature-epci/{EPCI_NATURES[epci.nature]}>")
        self.population(node, self.cog.population(epci))

    def arrondissement(self, commune: str, found: Commune) -> None:
        """A commune lies directly under its arrondissement, which lies under the département
        (INSEE's ``subdivisionDirecteDe`` never skips a level); Mayotte has no arrondissement:
        its communes lie directly under the département (the COG gives them no ``ARR``)."""
        arrondissement = found.arrondissement
        if arrondissement is None:
            self.add(commune, IGEO_PARENT, f"<{found.departement.iri}>")
            return
        node = self.share(f"<{arrondissement.iri}>")
        self.add(commune, IGEO_PARENT, node)
        self.add(node, A, f"<{IGEO}Arrondissement>")
        self.add(node, IGEO_CODE, nt_literal(arrondissement.code))
        self.add(node, IGEO_PARENT, f"<{arrondissement.departement.iri}>")

    def field(self, record: Record, action: str, f: FicheField) -> None:
        value = getattr(record, f.name)
        values: tuple[str, ...] = value if isinstance(value, tuple) else ((value,) if value else ())
        predicate = PREDICATES[f.name]
        for item in values:
            if f.scheme is not None:
                self.add(action, predicate, self.concept(record, f, item))
            elif f.name == "partners":
                partner, mention = self.organisation(record, item, "liste-des-partenaires")
                self.add(action, predicate, partner)
                self.associate(record, action, partner, PARTNER_ROLE, mention, f)
            elif f.kind is Kind.TEXT:
                self.add(action, predicate, nt_literal(item, "fr"))
            else:
                self.add(action, predicate, nt_literal(item))

    def concept(self, record: Record, f: FicheField, value: str) -> str:
        assert f.scheme is not None
        found = self.vocabularies.match(f.scheme, value)
        if found is not None:
            return f"<{found.value}>"
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
        self.add(node, A, CONCEPT)
        self.add(node, A, _c("UnreviewedConcept"))
        self.add(node, PREF_LABEL, nt_literal(value, "fr"))
        self.add(node, IN_SCHEME, f"<{VOCAB}{f.scheme}>")
        return node

    def organisation(self, record: Record, name: str, rule: str) -> tuple[str, Mention]:
        """The organisation a partner or funder name designates: typed when the name is one
        mention (« Préfecture », « CAF Haute Garonne »), else an organisation known by its
        name, of type « autre » or « non précisé » (``unsaid_kind``)."""
        found = self.mentions_of(record, name, funding=False)
        if len(found) == 1 and fold(name).startswith(fold(found[0].text)):
            # the name is one mention, maybe with a precision (« Conseil Régional ( Adulte
            # Relais) »)
            mention = replace(found[0], rule=rule, text=name)
        else:
            mention = Mention(unsaid_kind(name), "", name, name, rule, False)
        return self.organisation_node(mention), mention

    def mentions_of(
        self, record: Record, text: str, *, funding: bool, listed: bool = False
    ) -> list[Mention]:
        """The mentions of ``text``, read once per fiche and commune (two passes need them)."""
        structure = self.current
        commune = structure.commune or self.fiche_commune
        key = (text, funding, commune.code if commune else "", listed)
        found = self.mentions_cache.get(key)
        if found is None:
            found = self.mentions_cache[key] = find_mentions(
                text,
                cog=self.cog,
                departement=structure.departement,
                commune=commune,
                funding=funding,
                structure=record.structure,
                listed=listed,
            )
        return found

    def organisation_node(self, mention: Mention) -> str:
        """One node per organisation, whatever fiche names it: by type and territory
        (``organisation/caf/46``, ``organisation/services-deconcentres/region-76``), by type
        alone when national (``organisation/etat``), by type, département and name
        (``organisation/association/46/aurore``), or scoped to the citing structure when the
        territory is unknown (``organisation/commune/31/centre-…``)."""
        kind, territory = mention.kind, mention.territory
        departement = self.current.departement
        if territory:
            key: Hashable = ("organisation", kind, territory)
            level, _, code = territory.partition(":")
            # a DREETS (région 76) and a DDETS (département 76) are two services
            at = code if level == LEVEL.get(kind, level) else f"{level}-{code}"
            path = f"organisation/{kind}/{at}"
        elif mention.scoped or (not mention.name and LEVEL.get(kind) != "national"):
            key = ("organisation", kind, "scope", self.scope)
            path = f"organisation/{kind}/{self.scope}"
        elif mention.name and departement is not None:
            # one name, one organisation within a département: two « École Jules Ferry » of
            # two départements are never merged (a missing merge is better than a wrong one)
            key = ("organisation", kind, departement.code, fold(mention.name) or mention.name)
            path = f"organisation/{kind}/{departement.code}/{slug(mention.name)}"
        elif mention.name:
            key = ("organisation", kind, fold(mention.name) or mention.name)
            path = f"organisation/{kind}/{slug(mention.name)}"
        else:
            key, path = ("organisation", kind), f"organisation/{kind}"
        node = self.iris.get(key)
        if node is not None:
            self.other_spelling(node, mention.text)
            return node
        node = self.share(self.iris.mint(key, path))
        self.graph.organisations += 1
        concept = f"{VOCAB}types-organisations/{kind}"
        type_label = self.vocabularies.preferred.get(concept, kind)
        counted = self.graph.organisation_types  # by French label: what convert prints
        counted[type_label] = counted.get(type_label, 0) + 1
        self.add(node, A, ORGANIZATION)
        self.add(node, DCT_TYPE, f"<{concept}>")
        # Named as a person expects, « Caisse d'allocations familiales (Lot) »@fr and @en, by
        # its type and what makes it one (territory, citing structure), or by its own name;
        # the fiches' spellings (« CAF 46 », « la CAF du Lot ») are alternative labels, each
        # mention is evidence.
        english = self.vocabularies.english.get(concept, type_label)
        if territory:
            where = self.territory_node(territory)
            self.add(node, _c("territory"), where[0])
            self.add(node, PREF_LABEL, nt_literal(f"{type_label} ({where[1]})", "fr"))
            self.add(node, PREF_LABEL, nt_literal(f"{english} ({where[1]})", "en"))
        elif path.endswith(self.scope) and self.scope:
            name = self.current.name
            self.add(node, PREF_LABEL, nt_literal(f"{type_label} (de la structure {name})", "fr"))
            self.add(node, PREF_LABEL, nt_literal(f"{english} (of the structure {name})", "en"))
        elif mention.name:
            self.add(node, PREF_LABEL, nt_literal(mention.name))
        else:
            self.add(node, PREF_LABEL, nt_literal(type_label, "fr"))
            self.add(node, PREF_LABEL, nt_literal(english, "en"))
        self.other_spelling(node, mention.text)
        return node

    def territory_node(self, territory: str) -> tuple[str, str]:
        """The node and name of ``departement:46``, ``region:76``, ``commune:31555`` or
        ``epci:200044014``, with its triples."""
        level, _, code = territory.partition(":")
        if level == "departement":
            departement = self.cog.departements[code]
            self.territory(departement)
            return f"<{departement.iri}>", departement.name
        if level == "region":
            region = next(d.region for d in self.cog.departements.values() if d.region.code == code)
            self.region(region)
            return f"<{region.iri}>", region.name
        if level == "commune":
            commune = self.cog.communes[code]
            return self.commune(commune), commune.name
        epci = self.cog.epcis[code]
        self.epci(epci)
        return f"<{epci.iri}>", epci.name

    def associate(
        self, record: Record, action: str, agent: str, role: str, mention: Mention, f: FicheField
    ) -> None:
        """The action's association with ``agent`` in ``role``, once per pair, with the
        mention it was first read from: the text as written, the section and the line of
        its header, and the rule that decided."""
        if (agent, role) in self.roles:
            return
        self.roles.add((agent, role))
        self.associations += 1
        node = _below(action, f"association/{self.associations}")
        self.add(action, QUALIFIED_ASSOCIATION, node)
        self.add(node, A, ASSOCIATION)
        self.add(node, PROV_AGENT, agent)
        self.add(node, HAD_ROLE, role)
        self.add(node, _c("evidenceText"), nt_literal(mention.text))
        self.add(node, _c("evidenceField"), nt_literal(f.header, "fr"))
        self.add(node, _c("rule"), nt_literal(mention.rule))
        line = record.source.line_of(f.name)
        if line > 0:
            self.add(node, _c("evidenceLine"), nt_literal(str(line), datatype=XSD_POSITIVE))

    def other_spelling(self, node: str, name: str, language: str | None = None) -> None:
        """Merged by normalised name, another spelling is kept as ``skos:altLabel``."""
        label = nt_literal(name, language)
        if (node, PREF_LABEL, label) not in self.shared.get(node, ()):
            self.add(node, ALT_LABEL, label)

    def link_commune(self, node: str, commune: Commune, evidence: str, rule: str) -> None:
        self.add(node, _c("commune"), self.commune(commune))
        self.add(node, _c("communeEvidence"), nt_literal(evidence))
        self.add(node, _c("communeRule"), nt_literal(rule))

    def texts(self, record: Record) -> list[tuple[FicheField, str]]:
        return [
            (f, value) for f in FIELDS if f.kind is Kind.TEXT and (value := getattr(record, f.name))
        ]

    def explicit_commune(self, record: Record) -> Commune | None:
        """The commune this fiche's local expressions name (kept as evidence for a
        structure without a commune in its name), when they name exactly one."""
        self.fiche_commune = None
        found: list[CommuneEvidence] = []
        for f, text in self.texts(record):
            funding, listed = f.name == "funding", f.name == "initiator_precision"
            for mention in self.mentions_of(record, text, funding=funding, listed=listed):
                if mention.kind in ("commune", "ccas") and mention.territory.startswith("commune:"):
                    commune = self.cog.communes[mention.territory.partition(":")[2]]
                    found.append(
                        CommuneEvidence(
                            commune,
                            mention.text,
                            f.header,
                            record.source.line_of(f.name),
                            record.source.file,
                        )
                    )
        if self.current.commune is None and found:
            self.commune_evidence.setdefault(self.current.node, []).extend(found)
        communes = {e.commune for e in found}
        return found[0].commune if len(communes) == 1 else None

    def text_mentions(self, record: Record, action: str) -> None:
        """Partners and funders named in the free texts, each (organisation, role) once: as
        qualified associations only (``cskg:partner`` stays the partner list's)."""
        mentions = [
            (f, mention)
            for f, text in self.texts(record)
            for mention in self.mentions_of(
                record, text, funding=f.name == "funding", listed=f.name == "initiator_precision"
            )
        ]
        # A name the fiche types somewhere (« l'association "11Bouge" ») has that type where
        # it is named alone (« un collectif où sont présents : 11Bouge, … »): the typed
        # mention is then the evidence.
        typed: dict[str, tuple[FicheField, Mention]] = {}
        for f, mention in mentions:
            if mention.rule == "nom-propre" and mention.name:
                typed.setdefault(fold(mention.name), (f, mention))
        for f, mention in mentions:
            if mention.kind == UNSTATED and (said := typed.get(fold(mention.name))):
                f, mention = said[0], replace(said[1], funder=mention.funder, amount=None)
            node = self.organisation_node(mention)
            role = FUNDER_ROLE if mention.funder else PARTNER_ROLE
            if (node, role) in self.roles:
                continue
            if mention.funder and mention.amount is not None:
                self.contributions += 1
                self.grant(action, node, mention.amount, self.contributions)
            self.associate(record, action, node, role, mention, f)

    def grant(self, action: str, funder: str, amount: Decimal, number: int) -> None:
        grant = _below(action, f"financement/{number}")
        self.add(grant, A, _c("FundingContribution"))
        self.add(grant, A, MONETARY_GRANT)
        self.add(grant, SCHEMA_FUNDER, funder)
        self.add(grant, SCHEMA_FUNDED_ITEM, action)
        self.amount(_below(grant, "montant"), amount, MONETARY_AMOUNT)
        self.add(grant, SCHEMA_AMOUNT, _below(grant, "montant"))
        self.add(action, _c("fundingContribution"), grant)

    def settle_communes(self) -> None:
        """Structures without a commune in their name: linked when their fiches' local
        expressions name exactly one commune, else reported with the candidates."""
        rows = {row["structure"]: row for row in self.graph.territories}
        for node, evidence in self.commune_evidence.items():
            commune, note = decide_commune(evidence)
            row = rows[node[1:-1]]
            row["note"] = note
            row["candidates"] = [
                {"code": c.code, "name": c.name} for c in dict.fromkeys(e.commune for e in evidence)
            ]
            if commune is None:
                continue
            first = evidence[0]
            self.link_commune(node, commune, first.text, "expression-locale")
            self.add(node, _c("communeEvidenceField"), nt_literal(first.field, "fr"))
            self.add(
                node,
                _c("communeEvidenceLine"),
                nt_literal(str(first.line), datatype=XSD_POSITIVE),
            )
            row.update(commune=commune.code, evidence=first.text)
        self.commune_evidence = {}

    def numbers(self, record: Record, action: str) -> None:
        budget = read_budget(record.funding)
        if budget is not None:
            self.amount(_below(action, "budget"), budget, MONETARY_AMOUNT)
            self.add(action, _c("budget"), _below(action, "budget"))
        elif len(written := amounts(record.funding)) > 1:
            self.warn(
                record,
                "funding",
                f"{len(written)} montants sans total certain : gardés en texte",
                FIELDS_BY_NAME["funding"].header,
            )
        funding = FIELDS_BY_NAME["funding"]
        self.contributions = 0
        for contribution in read_contributions(record.funding):
            funder, mention = self.organisation(record, contribution.funder, "ligne-de-financement")
            self.contributions += 1
            self.grant(action, funder, contribution.amount, self.contributions)
            self.associate(
                record,
                action,
                funder,
                FUNDER_ROLE,
                replace(mention, text=contribution.text),
                funding,
            )
        staff = read_staff_count(record.staffing)
        if staff is not None:
            self.add(action, _c("staffCount"), nt_literal(str(staff), datatype=XSD_INTEGER))

    def amount(self, node: str, value: Decimal, kind: str) -> None:
        self.add(node, A, kind)
        self.add(node, SCHEMA_VALUE, nt_literal(str(value), datatype=XSD_DECIMAL))
        self.add(node, SCHEMA_CURRENCY, EURO)

    def provenance(self, record: Record, action: str) -> None:
        fiche, source = _below(action, "fiche"), record.source
        self.add(action, SOURCE, fiche)
        self.add(fiche, A, _c("Fiche"))
        self.add(fiche, _c("sourceFile"), nt_literal(source.file))
        if 0 < source.first_line <= source.last_line:
            self.add(
                fiche, _c("firstLine"), nt_literal(str(source.first_line), datatype=XSD_POSITIVE)
            )
            self.add(
                fiche, _c("lastLine"), nt_literal(str(source.last_line), datatype=XSD_POSITIVE)
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
    mapped = mapper.take_batch() + mapper.take_shared()
    mapper.graph.triples = set(read_ntriples(ntriples_lines(mapped)))
    return mapper.graph
