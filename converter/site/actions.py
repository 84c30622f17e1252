"""The actions of the store as rows: what the home page counts, the facets filter and the
territory pages list, read from the store in one pass per property; and the search index
over their titles and texts, read an action at a time (the texts of every action together
would take 830 MB at 100,000 actions)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from converter.model import FIELDS, Value
from converter.site.shards import Postings, add_words, fold
from converter.vocab import CSKG, DCT, IGEO, curie

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
ACTION = ox.NamedNode(CSKG + "Action")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TITLE = ox.NamedNode(DCT + "title")
ORGANISER = ox.NamedNode(CSKG + "organiser")
DEPARTEMENT = ox.NamedNode(CSKG + "departement")
COMMUNE = ox.NamedNode(CSKG + "commune")
SUBDIVISION_OF = ox.NamedNode(IGEO + "subdivisionDirecteDe")
POPULATION = ox.NamedNode(CSKG + "population")
REGION_CLASS = ox.NamedNode(IGEO + "Region")
DEPARTEMENT_CLASS = ox.NamedNode(IGEO + "Departement")
# Facets of the action list: name, French label, the action's property (a CURIE); the
# territories and the year are computed.
CONCEPT_FACETS: tuple[tuple[str, str, str], ...] = (
    ("thematique", "Thématique", "cskg:theme"),
    ("public", "Public", "cskg:public"),
    ("statut", "Statut", "cskg:status"),
    ("dimension", "Dimension", "cskg:dimension"),
    ("partenaire", "Partenaire", "cskg:partner"),
)
FACET_LABELS: dict[str, str] = {
    "departement": "Département",
    "region": "Région",
    **{name: label for name, label, _ in CONCEPT_FACETS},
    "annee": "Première année citée",
}
TEXT_PREDICATES = tuple(curie(f.predicate) for f in FIELDS if f.value is Value.TEXT)
_TEXTS = frozenset(TEXT_PREDICATES)
# A year the fiche's texts cite as a date (1950-2049, after « en », « depuis », a month… or
# at a line's start, or in « 2013/2014 », « 2018-2019 »): the fiches have no start date, the
# earliest year they cite is the closest the data gives. « 2000 personnes » is no year.
_MONTHS = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    "|décembre|decembre"
)
_YEAR = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-4]\d)(?!\d)")
_WORD_BEFORE = re.compile(
    r"\b(?:en|depuis|dès|des|début|fin|année|rentrée|été|automne|hiver|printemps"
    rf"|{_MONTHS})\s+$",
    re.IGNORECASE,
)
_LINE_START = re.compile(r"\s*(?:-\s*)?$")
_RANGE_AFTER = re.compile(r"\s?[/-]\s?(?:19|20)?\d\d(?!\d)")
_HEADING_AFTER = re.compile(r"\s*[:,–]")  # « 2014 : … » opening a line


def first_year(text: str) -> str | None:
    r"""The earliest year ``text`` cites as a date, or None.

    >>> first_year("Depuis fin 2014 : ...\n2013 /2014 : au début"), first_year("2000 personnes")
    ('2013', None)
    """
    found = []
    for match in _YEAR.finditer(text):
        start = match.start()
        line = text[text.rfind("\n", 0, start) + 1 : start]
        if (
            (_LINE_START.match(line) and _HEADING_AFTER.match(text, match.end()))
            or _WORD_BEFORE.search(text, max(0, start - 16), start)
            or _RANGE_AFTER.match(text, match.end())
        ):
            found.append(match.group())
    return min(found) if found else None


@dataclass
class ActionRow:
    iri: str
    title: str = ""
    structure: str = ""
    facets: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    territories: list[str] = field(default_factory=list)  # every level, commune to région


@dataclass
class Actions:
    """The actions as rows, sorted by IRI, and the search index: each folded word of their
    titles and texts → the numbers of the rows holding it."""

    rows: list[ActionRow]
    words: Postings


def _iri(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def parents(store: ox.Store) -> dict[str, str]:
    """Each territory's direct parent (commune → arrondissement → département → région)."""
    found: dict[str, str] = {}
    for quad in store.quads_for_pattern(None, SUBDIVISION_OF, None):
        child, parent = _iri(quad.subject), _iri(quad.object)
        if child and parent:
            found.setdefault(child, parent)
    return found


def _with_ancestors(territory: str, parent_of: dict[str, str]) -> list[str]:
    chain = [territory]
    while chain[-1] in parent_of and parent_of[chain[-1]] not in chain:
        chain.append(parent_of[chain[-1]])
    return chain


def action_texts(store: ox.Store, iri: str) -> list[str]:
    """The texts of the action ``iri``, in the fiche's order."""
    found: dict[ox.NamedNode, list[str]] = {}
    for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
        if quad.predicate in _TEXTS and isinstance(quad.object, ox.Literal):
            found.setdefault(quad.predicate, []).append(quad.object.value)
    return [text for predicate in TEXT_PREDICATES for text in found.get(predicate, ())]


def read_actions(store: ox.Store) -> Actions:
    """Every ``cskg:Action`` of the store, sorted by IRI, and the search index."""
    rows: dict[str, ActionRow] = {}
    for quad in store.quads_for_pattern(None, RDF_TYPE, ACTION):
        iri = _iri(quad.subject)
        if iri:
            rows[iri] = ActionRow(iri)

    def each(predicate: ox.NamedNode) -> list[tuple[ActionRow, Term]]:
        return [(rows[s], q.object) for q in store.quads_for_pattern(None, predicate, None)
                if (s := _iri(q.subject)) in rows]  # fmt: skip

    for row, value in each(TITLE):
        if isinstance(value, ox.Literal) and (not row.title or value.language == "fr"):
            row.title = value.value
    # one string per IRI, however many actions name it (their own copies took 100 MB at
    # 100,000 actions)
    known: dict[str, str] = {}
    structures: dict[str, list[str]] = defaultdict(list)
    for row, value in each(ORGANISER):
        iri = _iri(value) or ""
        row.structure = known.setdefault(iri, iri)
    for predicate in (DEPARTEMENT, COMMUNE):
        for quad in store.quads_for_pattern(None, predicate, None):
            place = _iri(quad.object)
            if place and (structure := _iri(quad.subject)):
                structures[structure].append(place)
    parent_of = parents(store)
    kinds = {
        q.subject.value: kind.value
        for kind in (REGION_CLASS, DEPARTEMENT_CLASS)
        for q in store.quads_for_pattern(None, RDF_TYPE, kind)
        if isinstance(q.subject, ox.NamedNode)
    }
    for row in rows.values():
        seen: dict[str, None] = {}
        for place in structures.get(row.structure, []):
            seen |= dict.fromkeys(_with_ancestors(place, parent_of))
        row.territories = sorted(seen)
        for place in row.territories:
            if kinds.get(place) == DEPARTEMENT_CLASS.value:
                row.facets["departement"].append(place)
            elif kinds.get(place) == REGION_CLASS.value:
                row.facets["region"].append(place)
    for name, _, property_name in CONCEPT_FACETS:
        for row, value in each(curie(property_name)):
            if (iri := _iri(value)) is not None:
                row.facets[name].append(known.setdefault(iri, iri))
    ordered = [rows[iri] for iri in sorted(rows)]
    words: Postings = {}
    for number, row in enumerate(ordered):
        texts = action_texts(store, row.iri)
        add_words(words, number, fold(" ".join([row.title, *texts])))
        year = first_year("\n".join(texts))
        if year:
            row.facets["annee"].append(year)
        for values in row.facets.values():
            values.sort()
    return Actions(ordered, words)


def population(store: ox.Store, territory: str) -> int | None:
    """``cskg:population`` of ``territory`` when the graph has it (an integer)."""
    for quad in store.quads_for_pattern(ox.NamedNode(territory), POPULATION, None):
        if isinstance(quad.object, ox.Literal):
            try:
                return int(quad.object.value)
            except ValueError:
                return None
    return None
