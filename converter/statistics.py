r"""Statistics derived once by the conversion and written into the graph, for the library
queries that would otherwise aggregate the whole graph at each answer.

SPARQL has no median: computed in a query, the median budget of each theme compares budgets
two by two and grows with their square (seconds at 100,000 actions on oxigraph, out of memory
on Virtuoso). Counting the organisations of each type and the actions they join, or the pairs
of themes of every action, joins every qualified association or every pair of theme triples
(seconds at 100,000 actions, a lookup per row). The conversion reads these as it writes them
and adds W3C Data Cube observations (``qb:Observation`` of a ``cskg:DerivedStatistics`` data
set ``…/statistique/{name}``, documented in the graph by its ``dct:description``):

- ``budget-par-thematique``: per theme, the number of actions with a known budget, their
  total, median, minimum and maximum, in euros;
- ``organisations-par-type``: per type of organisation, its organisations and the actions
  where one of them is a partner, or a funder;
- ``thematiques-associees``: per pair of themes, the actions that have both.

The library queries read them. ``Statistics`` reads the N-Triples lines of a batch (``add``:
each predicate's pairs found once, ``Batch``, for every summary's ``read``), merges with the
statistics of other batches (``merge``) and writes the triples of every data set
(``lines``). An action's own triples (themes, budget, qualified associations) come in the
batch of its fiche, as the pipeline writes them; the organisations' types come with the shared
resources, which are added too. A summary counts each action once, whatever the batch size or
the order of the merges, and its lines are sorted: the same fiches give the same bytes.

>>> a, cskg = "<https://example.org/a>", "https://w3id.org/cskg/def#"
>>> summary = BudgetSummary("https://example.org/")
>>> summary.add(f"{a} <{cskg}theme> <https://w3id.org/cskg/vocab/thematique/culture> .\n"
...             f"{a} <{cskg}budget> <https://example.org/a/budget> .\n"
...             '<https://example.org/a/budget> <https://schema.org/value> '
...             '"1200.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
>>> summary.themes()["https://w3id.org/cskg/vocab/thematique/culture"].median
Decimal('1200.50')
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from converter.serialise import NtTriple, nt_literal, ntriples_lines, sorted_nt
from converter.vocab import CSKG, DCT, IGEO, PROV, RDF, SCHEMA, XSD

QB = "http://purl.org/linked-data/cube#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
# The predicates the statistics are read from, with the spaces around them in a line.
_THEME = f" <{CSKG}theme> ".encode()
_BUDGET = f" <{CSKG}budget> ".encode()
_VALUE = f" <{SCHEMA}value> ".encode()
_TYPE = f" <{DCT}type> ".encode()
_ASSOCIATION = f" <{PROV}qualifiedAssociation> ".encode()
_AGENT = f" <{PROV}agent> ".encode()
_ROLE = f" <{PROV}hadRole> ".encode()
_PARTNER_OF = f" <{CSKG}partner> ".encode()
_ORGANISER = f" <{CSKG}organiser> ".encode()
_DEPARTEMENT = f" <{CSKG}departement> ".encode()
_UNDER = f" <{IGEO}subdivisionDirecteDe> ".encode()
_DESCRIPTION = f" <{CSKG}generalDescription> ".encode()
_COMMUNE = f" <{CSKG}commune> ".encode()
_EPCI = f" <{CSKG}epci> ".encode()
_DECIMAL = f'"^^<{XSD}decimal>'.encode()
# A start year as the general description states it: the first year (19xx or 20xx) written at
# most 30 characters after « débuté(e) », « démarré(e) », « démarrage » or « début de
# l'action », case and accents as written (what actions-commencees-avant read with REGEX).
START_YEAR = re.compile(
    r"(d[ée]but[ée]|d[ée]marr[ée]|d[ée]marrage|d[ée]but de l'action)[^\n]{0,30}?(19|20)[0-9]{2}",
    re.IGNORECASE,
)
_PARTNER = f"<{CSKG}partnerRole>".encode()
_FUNDER = f"<{CSKG}funderRole>".encode()


@dataclass(frozen=True)
class Cube:
    """A data set of derived statistics: where it lives, what it says, its components."""

    slug: str  # below the base IRI of the data
    label_fr: str
    label_en: str
    description_fr: str
    description_en: str
    dimensions: tuple[str, ...]  # cskg properties
    measures: tuple[str, ...]
    attributes: tuple[str, ...] = ()


def _cube(base_iri: str, cube: Cube, observations: dict[str, list[tuple[str, str]]]) -> bytes:
    """``cube``'s data set, its structure and ``observations`` (IRI slug → its predicates and
    objects in N-Triples form), as sorted N-Triples; nothing when there is no observation."""
    if not observations:
        return b""
    data_set = f"<{base_iri}{cube.slug}>"
    structure = f"<{base_iri}{cube.slug}/structure>"
    triples = [
        (data_set, f"<{RDF}type>", f"<{QB}DataSet>"),
        (data_set, f"<{RDF}type>", f"<{CSKG}DerivedStatistics>"),
        (data_set, f"<{QB}structure>", structure),
        (data_set, f"<{RDFS}label>", nt_literal(cube.label_fr, "fr")),
        (data_set, f"<{RDFS}label>", nt_literal(cube.label_en, "en")),
        (data_set, f"<{DCT}description>", nt_literal(cube.description_fr, "fr")),
        (data_set, f"<{DCT}description>", nt_literal(cube.description_en, "en")),
        (structure, f"<{RDF}type>", f"<{QB}DataStructureDefinition>"),
    ]
    components = [
        *((d, "dimension") for d in cube.dimensions),
        *((m, "measure") for m in cube.measures),
        *((a, "attribute") for a in cube.attributes),
    ]
    for order, (name, role) in enumerate(components, start=1):
        component = f"<{base_iri}{cube.slug}/structure/{name}>"
        triples += [
            (structure, f"<{QB}component>", component),
            (component, f"<{RDF}type>", f"<{QB}ComponentSpecification>"),
            (component, f"<{QB}{role}>", f"<{CSKG}{name}>"),
            (component, f"<{QB}order>", nt_literal(str(order), datatype=f"<{XSD}integer>")),
        ]
    # sorted as ``sorted_nt`` sorts, one subject at a time: the triples of 100,000
    # observations sorted at once held a key per triple
    heads: dict[str, set[NtTriple]] = {}
    for triple in triples:
        heads.setdefault(triple[0], set()).add(triple)
    named = {f"<{base_iri}{cube.slug}/{slug}>": slug for slug in observations}
    pieces = []
    for subject in sorted(named.keys() | heads.keys(), key=lambda subject: subject[1:-1]):
        found = heads.get(subject, set())
        if subject in named:
            found.add((subject, f"<{RDF}type>", f"<{QB}Observation>"))
            found.add((subject, f"<{QB}dataSet>", data_set))
            found.update((subject, p, o) for p, o in observations[named[subject]])
        pieces.append(ntriples_lines(sorted_nt(found)))
    return b"".join(pieces)


# The classes of what observations refer to: their data sets, and the structures of those.
_HEADS = tuple(
    f"> <{RDF}type> <{QB}{name}> .\n".encode()
    for name in ("DataSet", "DataStructureDefinition", "ComponentSpecification")
)


def data_set_lines(ntriples: bytes) -> bytes:
    """The lines about the data sets of derived ``ntriples`` (as ``Statistics.lines`` writes
    them) and about their structures: what an observation's validation reads beside it (its
    data set's class), a few lines, found without reading the observations."""
    found: list[bytes] = []
    for typed in _HEADS:
        at = ntriples.find(typed)
        while at >= 0:
            start = ntriples.rfind(b"\n", 0, at) + 1
            subject = ntriples[start : at + 1] + b" "
            end = start
            while ntriples.startswith(subject, end):  # its lines: contiguous, sorted
                end = ntriples.index(b"\n", end) + 1
            found.append(ntriples[start:end])
            at = ntriples.find(typed, end)
    return b"".join(found)


def _slug(iri: str) -> str:
    """The last segment of a concept's IRI, which names its observation."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _number(value: int | Decimal, datatype: str) -> str:
    lexical = str(value) if isinstance(value, int) else decimal_lexical(value)
    return nt_literal(lexical, datatype=f"<{datatype}>")


def _pairs(data: bytes, predicate: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (subject, object) of each N-Triples line of ``data`` with ``predicate``, found by
    ``bytes.find`` (many times faster than a regular expression over every line); a match
    inside a literal is told apart by its subject, which is then not one IRI."""
    at = data.find(predicate)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        subject, obj = data[start:at], data[at + len(predicate) : end].rstrip()
        if subject[:1] == b"<" and b" " not in subject and obj.endswith(b" ."):
            yield subject, obj[:-2]
        at = data.find(predicate, end)


class Batch:
    """A batch's N-Triples lines, each predicate's (subject, object) pairs found once for all
    the summaries that read them."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.found: dict[bytes, list[tuple[bytes, bytes]]] = {}
        self.maps: dict[bytes, dict[bytes, bytes]] = {}

    def pairs(self, predicate: bytes) -> list[tuple[bytes, bytes]]:
        if predicate not in self.found:
            self.found[predicate] = list(_pairs(self.data, predicate))
        return self.found[predicate]

    def map(self, predicate: bytes) -> dict[bytes, bytes]:
        """Subject → object, for a predicate with one object per subject (not to be changed)."""
        if predicate not in self.maps:
            self.maps[predicate] = dict(self.pairs(predicate))
        return self.maps[predicate]


_MEASURES = (
    ("actionCount", "actions", XSD + "integer"),
    ("budgetTotal", "total", XSD + "decimal"),
    ("budgetMedian", "median", XSD + "decimal"),
    ("budgetMinimum", "minimum", XSD + "decimal"),
    ("budgetMaximum", "maximum", XSD + "decimal"),
)


@dataclass(frozen=True)
class ThemeBudgets:
    """The budgets of the actions of one theme: how many, total, median, minimum, maximum."""

    actions: int
    total: Decimal
    median: Decimal
    minimum: Decimal
    maximum: Decimal


def _statistics(counts: Counter[Decimal]) -> ThemeBudgets:
    """The statistics of the amounts ``counts`` (amount → number of actions)."""
    amounts = sorted(counts)
    actions = sum(counts.values())
    middle = []  # the amounts at positions (actions - 1) // 2 and actions // 2, counted from 0
    seen = 0
    wanted = [(actions - 1) // 2, actions // 2]
    for amount in amounts:
        seen += counts[amount]
        while wanted and wanted[0] < seen:
            middle.append(amount)
            wanted.pop(0)
    return ThemeBudgets(
        actions=actions,
        total=sum((amount * n for amount, n in counts.items()), Decimal(0)),
        median=(middle[0] + middle[1]) / 2,
        minimum=amounts[0],
        maximum=amounts[-1],
    )


def decimal_lexical(value: Decimal) -> str:
    """``value`` as an xsd:decimal lexical form, without exponent or useless zeros.

    >>> decimal_lexical(Decimal("34634.50")), decimal_lexical(Decimal("3.5E+4"))
    ('34634.5', '35000')
    """
    return format(value.normalize(), "f")


class BudgetSummary:
    """Per theme, how many actions have each budget amount: what the statistics are made of."""

    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri
        self.counts: dict[str, Counter[Decimal]] = {}

    def add(self, ntriples: str | bytes) -> None:
        self.read(Batch(ntriples.encode("utf-8") if isinstance(ntriples, str) else ntriples))

    def read(self, batch: Batch) -> None:
        """Count the budgets of the actions whose triples are in ``ntriples`` (a batch's
        N-Triples lines, as the mapping writes them)."""
        themes: dict[bytes, set[bytes]] = {}
        budget_of: dict[bytes, set[bytes]] = {}
        for subject, obj in batch.pairs(_THEME):
            themes.setdefault(subject, set()).add(obj)
        for subject, obj in batch.pairs(_BUDGET):
            budget_of.setdefault(subject, set()).add(obj)
        amount_of = {
            subject: Decimal(obj[1 : -len(_DECIMAL)].decode())
            for subject, obj in batch.pairs(_VALUE)
            if obj[:1] == b'"' and obj.endswith(_DECIMAL)
        }
        for action, nodes in budget_of.items():
            amounts = {amount_of[node] for node in nodes if node in amount_of}
            for theme in themes.get(action, ()):
                counts = self.counts.setdefault(theme[1:-1].decode(), Counter())
                counts.update(amounts)

    def merge(self, other: BudgetSummary) -> None:
        """Add the counts of ``other`` (the summary of other batches)."""
        for theme, counts in other.counts.items():
            self.counts.setdefault(theme, Counter()).update(counts)

    def themes(self) -> dict[str, ThemeBudgets]:
        """The statistics of each theme with at least one known budget, by theme IRI."""
        return {theme: _statistics(counts) for theme, counts in sorted(self.counts.items())}

    def lines(self) -> bytes:
        """The data set, its structure and one observation per theme, as sorted N-Triples."""
        observations = {
            _slug(theme): [(f"<{CSKG}refTheme>", f"<{theme}>")]
            + [
                (f"<{CSKG}{name}>", _number(getattr(found, attribute), datatype))
                for name, attribute, datatype in _MEASURES
            ]
            for theme, found in self.themes().items()
        }
        return _cube(self.base_iri, BUDGETS, observations)


class OrganisationTypeSummary:
    """Per type of organisation, its organisations and the actions where one of them is a
    partner or a funder."""

    def __init__(self) -> None:
        self.types: dict[bytes, set[bytes]] = {}  # organisation → its types
        # (agent, role) → actions, as machine integers: a million numbers at 100,000 actions
        self.roles: dict[tuple[bytes, bytes], array[int]] = {}
        self.actions = 0  # actions numbered in the order they come, each once

    def read(self, batch: Batch) -> None:
        """Read the types of the organisations and the qualified associations of the actions
        in ``data``: an association's triples come with its action's."""
        for subject, obj in batch.pairs(_TYPE):
            self.types.setdefault(subject, set()).add(obj)
        agent = batch.map(_AGENT)
        role = batch.map(_ROLE)
        number: dict[bytes, int] = {}
        for action, association in batch.pairs(_ASSOCIATION):
            if association in agent and association in role:
                if action not in number:
                    number[action] = self.actions
                    self.actions += 1
                key = (agent[association], role[association])
                self.roles.setdefault(key, array("q")).append(number[action])

    def merge(self, other: OrganisationTypeSummary) -> None:
        """Add what ``other`` read (other batches), its actions numbered after these."""
        for organisation, types in other.types.items():
            self.types.setdefault(organisation, set()).update(types)
        for key, actions in other.roles.items():
            self.roles.setdefault(key, array("q")).extend(n + self.actions for n in actions)
        self.actions += other.actions

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """Type IRI → (organisations, actions with a partner, with a funder of that type), for
        each type with at least one association."""
        organisations: Counter[bytes] = Counter(t for types in self.types.values() for t in types)
        joined: dict[bytes, dict[bytes, set[int]]] = {}
        for (agent, role), actions in self.roles.items():
            for kind in self.types.get(agent, ()):
                joined.setdefault(kind, {}).setdefault(role, set()).update(actions)
        return {
            kind[1:-1].decode(): (
                organisations[kind],
                len(by_role.get(_PARTNER, ())),
                len(by_role.get(_FUNDER, ())),
            )
            for kind, by_role in sorted(joined.items())
        }

    def lines(self, base_iri: str) -> bytes:
        observations = {
            _slug(kind): [
                (f"<{CSKG}refOrganisationType>", f"<{kind}>"),
                (f"<{CSKG}organisationCount>", _number(organisations, XSD + "integer")),
                (f"<{CSKG}partnerActionCount>", _number(partners, XSD + "integer")),
                (f"<{CSKG}funderActionCount>", _number(funders, XSD + "integer")),
            ]
            for kind, (organisations, partners, funders) in self.counts().items()
        }
        return _cube(base_iri, ORGANISATION_TYPES, observations)


class ThemePairSummary:
    """Per pair of themes, the number of actions that have both."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[bytes, bytes]] = Counter()

    def read(self, batch: Batch) -> None:
        """Count the pairs of themes of each action in ``data`` (an action's themes come in
        its batch), the first before the second in the order of their IRIs."""
        themes: dict[bytes, set[bytes]] = {}
        for action, theme in batch.pairs(_THEME):
            themes.setdefault(action, set()).add(theme[1:-1])  # the IRI, without <>
        for found in themes.values():
            ordered = sorted(found)  # UTF-8 bytes sort as their code points, as SPARQL's STR()
            self.pairs.update(
                (first, second) for i, first in enumerate(ordered) for second in ordered[i + 1 :]
            )

    def merge(self, other: ThemePairSummary) -> None:
        self.pairs.update(other.pairs)

    def lines(self, base_iri: str) -> bytes:
        observations = {
            f"{_slug(first.decode())}--{_slug(second.decode())}": [
                (f"<{CSKG}refFirstTheme>", f"<{first.decode()}>"),
                (f"<{CSKG}refSecondTheme>", f"<{second.decode()}>"),
                (f"<{CSKG}sharedActionCount>", _number(count, XSD + "integer")),
            ]
            for (first, second), count in sorted(self.pairs.items())
        }
        return _cube(base_iri, THEME_PAIRS, observations)


def _organisation_slug(base_iri: str, iri: str) -> str:
    """An organisation's IRI below ``{base}organisation/``, which names its observations."""
    return iri.removeprefix(f"{base_iri}organisation/")


class PartnerSummary:
    """Per partner, the actions it joins and the structures that organise them."""

    def __init__(self) -> None:
        self.actions: Counter[bytes] = Counter()
        self.structures: dict[bytes, set[bytes]] = {}
        self.names: dict[bytes, bytes] = {}  # one bytes object per structure, shared by the sets

    def read(self, batch: Batch) -> None:
        """Read the partners and the organiser of the actions in ``data``."""
        organiser = batch.map(_ORGANISER)
        actions: dict[bytes, set[bytes]] = {}
        for action, partner in batch.pairs(_PARTNER_OF):
            actions.setdefault(partner, set()).add(action)
            if action in organiser:
                structure = self.names.setdefault(organiser[action], organiser[action])
                self.structures.setdefault(partner, set()).add(structure)
        self.actions.update({partner: len(found) for partner, found in actions.items()})

    def merge(self, other: PartnerSummary) -> None:
        self.actions.update(other.actions)
        for partner, structures in other.structures.items():
            self.structures.setdefault(partner, set()).update(structures)

    def lines(self, base_iri: str) -> bytes:
        observations = {}
        for partner, count in sorted(self.actions.items()):
            iri = partner[1:-1].decode()
            observations[_organisation_slug(base_iri, iri)] = [
                (f"<{CSKG}refPartner>", f"<{iri}>"),
                (f"<{CSKG}joinedActionCount>", _number(count, XSD + "integer")),
                (
                    f"<{CSKG}structureCount>",
                    _number(len(self.structures.get(partner, ())), XSD + "integer"),
                ),
            ]
        return _cube(base_iri, PARTNERS, observations)


class Places:
    """Where the structures lie (département, commune) and the territories (the one each lies
    directly under, a commune's EPCI): shared resources, read from any lines."""

    def __init__(self) -> None:
        self.links: dict[bytes, dict[bytes, set[bytes]]] = {
            _DEPARTEMENT: {},
            _COMMUNE: {},
            _UNDER: {},
            _EPCI: {},
        }

    def read(self, batch: Batch) -> None:
        for predicate, found in self.links.items():
            for subject, obj in batch.pairs(predicate):
                found.setdefault(subject, set()).add(obj)

    def merge(self, other: Places) -> None:
        for predicate, found in other.links.items():
            for subject, objects in found.items():
                self.links[predicate].setdefault(subject, set()).update(objects)

    def follow(self, nodes: set[bytes], *path: bytes) -> set[bytes]:
        """The nodes reached from ``nodes`` along ``path``, as a SPARQL property path."""
        for predicate in path:
            links = self.links[predicate]
            nodes = {obj for node in nodes for obj in links.get(node, ())}
        return nodes


class FunderRegionSummary:
    """Per funder and région of the structures it funds, the number of funded actions."""

    def __init__(self) -> None:
        self.actions: Counter[tuple[bytes, bytes]] = Counter()  # (structure, funder) → actions

    def read(self, batch: Batch) -> None:
        """Read the funders of the actions in ``data``."""
        organiser = batch.map(_ORGANISER)
        agent = batch.map(_AGENT)
        role = batch.map(_ROLE)
        funded: dict[tuple[bytes, bytes], set[bytes]] = {}
        for action, association in batch.pairs(_ASSOCIATION):
            if role.get(association) == _FUNDER and association in agent and action in organiser:
                key = (organiser[action], agent[association])
                funded.setdefault(key, set()).add(action)
        self.actions.update({key: len(found) for key, found in funded.items()})

    def merge(self, other: FunderRegionSummary) -> None:
        self.actions.update(other.actions)

    def counts(self, places: Places) -> Counter[tuple[bytes, bytes]]:
        """(région, funder) → actions: an action has one organiser, so the sum over the
        structures of a région counts each action once."""
        found: Counter[tuple[bytes, bytes]] = Counter()
        for (structure, funder), count in self.actions.items():
            for region in places.follow({structure}, _DEPARTEMENT, _UNDER):
                found[(region, funder)] += count
        return found

    def lines(self, base_iri: str, places: Places) -> bytes:
        observations = {}
        for (region, funder), count in sorted(self.counts(places).items()):
            region_iri, funder_iri = region[1:-1].decode(), funder[1:-1].decode()
            slug = f"{_slug(region_iri)}/{_organisation_slug(base_iri, funder_iri)}"
            observations[slug] = [
                (f"<{CSKG}refRegion>", f"<{region_iri}>"),
                (f"<{CSKG}refFunder>", f"<{funder_iri}>"),
                (f"<{CSKG}fundedActionCount>", _number(count, XSD + "integer")),
            ]
        return _cube(base_iri, FUNDERS, observations)


class TerritorySummary:
    """Per département, région and EPCI of the organising structures, the number of actions."""

    def __init__(self) -> None:
        self.actions: Counter[bytes] = Counter()  # structure → its actions

    def read(self, batch: Batch) -> None:
        """Count the actions of each structure in ``data`` (an action has one organiser)."""
        self.actions.update(Counter(batch.map(_ORGANISER).values()))

    def merge(self, other: TerritorySummary) -> None:
        self.actions.update(other.actions)

    def counts(self, places: Places, path: tuple[bytes, ...]) -> Counter[bytes]:
        """Territory → actions of the structures found there along ``path``."""
        found: Counter[bytes] = Counter()
        for structure, count in self.actions.items():
            for territory in places.follow({structure}, *path):
                found[territory] += count
        return found

    def lines(self, base_iri: str, places: Places) -> bytes:
        parts = []
        for cube, path in _TERRITORIES:
            (dimension,), (measure,) = cube.dimensions, cube.measures
            observations = {
                _slug(territory[1:-1].decode()): [
                    (f"<{CSKG}{dimension}>", territory.decode()),
                    (f"<{CSKG}{measure}>", _number(count, XSD + "integer")),
                ]
                for territory, count in sorted(self.counts(places, path).items())
            }
            parts.append(_cube(base_iri, cube, observations))
        return b"".join(parts)


class StartYearSummary:
    """Per action whose general description states when it started, that year and the words
    it is read from."""

    def __init__(self) -> None:
        self.found: dict[bytes, tuple[int, str]] = {}  # action → (year, evidence)

    def read(self, batch: Batch) -> None:
        """Read the start year in the general description of each action in ``data``."""
        at = batch.data.find(_DESCRIPTION)
        while at >= 0:
            start = batch.data.rfind(b"\n", 0, at) + 1
            end = batch.data.find(b"\n", at)
            end = len(batch.data) if end < 0 else end
            at = batch.data.find(_DESCRIPTION, end)
            for triple in ox.parse(batch.data[start:end], format=ox.RdfFormat.N_TRIPLES):
                # a description's line, not a line whose literal quotes the predicate
                if triple.predicate.value != CSKG + "generalDescription":
                    continue
                match = START_YEAR.search(triple.object.value)
                if match and isinstance(triple.subject, ox.NamedNode):
                    action = f"<{triple.subject.value}>".encode()
                    self.found[action] = (int(match.group(0)[-4:]), match.group(0))

    def merge(self, other: StartYearSummary) -> None:
        self.found.update(other.found)

    def lines(self, base_iri: str) -> bytes:
        observations = {}
        for action, (year, evidence) in sorted(self.found.items()):
            iri = action[1:-1].decode()
            observations[iri.removeprefix(f"{base_iri}action/")] = [
                (f"<{CSKG}refAction>", f"<{iri}>"),
                (f"<{CSKG}statedStartYear>", _number(year, XSD + "integer")),
                (f"<{CSKG}startYearEvidence>", nt_literal(evidence)),
            ]
        return _cube(base_iri, START_YEARS, observations)


class Statistics:
    """Every derived data set: what the conversion adds (``add``) each batch's lines and the
    shared resources' to, merges, and writes once at the end (``lines``)."""

    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri
        self.budgets = BudgetSummary(base_iri)
        self.organisation_types = OrganisationTypeSummary()
        self.theme_pairs = ThemePairSummary()
        self.partners = PartnerSummary()
        self.funders = FunderRegionSummary()
        self.territories = TerritorySummary()
        self.places = Places()
        self.start_years = StartYearSummary()

    def add(self, ntriples: str | bytes) -> None:
        batch = Batch(ntriples.encode("utf-8") if isinstance(ntriples, str) else ntriples)
        self.budgets.read(batch)
        self.organisation_types.read(batch)
        self.theme_pairs.read(batch)
        self.partners.read(batch)
        self.funders.read(batch)
        self.territories.read(batch)
        self.places.read(batch)
        self.start_years.read(batch)

    def merge(self, other: Statistics) -> None:
        self.budgets.merge(other.budgets)
        self.organisation_types.merge(other.organisation_types)
        self.theme_pairs.merge(other.theme_pairs)
        self.partners.merge(other.partners)
        self.funders.merge(other.funders)
        self.territories.merge(other.territories)
        self.places.merge(other.places)
        self.start_years.merge(other.start_years)

    def lines(self) -> bytes:
        return b"".join(self.data_sets())

    def data_sets(self) -> Iterator[bytes]:
        """The lines of each data set in turn (``lines`` is their sequence): one in memory
        at a time."""
        yield self.budgets.lines()
        yield self.organisation_types.lines(self.base_iri)
        yield self.theme_pairs.lines(self.base_iri)
        yield self.partners.lines(self.base_iri)
        yield self.funders.lines(self.base_iri, self.places)
        yield self.territories.lines(self.base_iri, self.places)
        yield self.start_years.lines(self.base_iri)


_DERIVED_FR = "Données dérivées, calculées par la conversion (cskg convert) à partir "
_DERIVED_EN = "Derived data, computed by the conversion (cskg convert) from "
BUDGETS = Cube(
    "statistique/budget-par-thematique",
    "Budgets des actions par thématique",
    "Budgets of the actions by theme",
    _DERIVED_FR + "des budgets des actions de ce graphe, pas lues dans une fiche : pour chaque "
    "thématique, le nombre d'actions au budget connu, la somme, la médiane, le minimum et le "
    "maximum de leurs budgets, en euros. Une action compte dans chacune de ses thématiques.",
    _DERIVED_EN + "the budgets of the actions of this graph, not read from a fiche: for each "
    "theme, the number of actions with a known budget, the sum, median, minimum and maximum of "
    "their budgets, in euros. An action counts in each of its themes.",
    ("refTheme",),
    tuple(name for name, _, _ in _MEASURES),
)
ORGANISATION_TYPES = Cube(
    "statistique/organisations-par-type",
    "Organisations par type",
    "Organisations by type",
    _DERIVED_FR + "des organisations et des actions de ce graphe, pas lues dans une fiche : "
    "pour chaque type d'organisation, le nombre d'organisations de ce type, le nombre "
    "d'actions où l'une d'elles est partenaire, et où l'une d'elles est financeur.",
    _DERIVED_EN + "the organisations and the actions of this graph, not read from a fiche: for "
    "each type of organisation, the number of organisations of that type, the number of "
    "actions where one of them is a partner, and where one of them is a funder.",
    ("refOrganisationType",),
    ("organisationCount", "partnerActionCount", "funderActionCount"),
)
THEME_PAIRS = Cube(
    "statistique/thematiques-associees",
    "Thématiques associées dans une même action",
    "Themes that occur together in one action",
    _DERIVED_FR + "des thématiques des actions de ce graphe, pas lues dans une fiche : pour "
    "chaque paire de thématiques (la première avant la seconde dans l'ordre de leurs IRI), le "
    "nombre d'actions qui ont les deux.",
    _DERIVED_EN + "the themes of the actions of this graph, not read from a fiche: for each "
    "pair of themes (the first before the second in the order of their IRIs), the number of "
    "actions that have both.",
    ("refFirstTheme", "refSecondTheme"),
    ("sharedActionCount",),
)
PARTNERS = Cube(
    "statistique/partenaires-principaux",
    "Actions par partenaire",
    "Actions by partner",
    _DERIVED_FR + "des partenaires des actions de ce graphe, pas lues dans une fiche : pour "
    "chaque organisation partenaire (cskg:partner), le nombre d'actions où elle l'est et le "
    "nombre de structures organisatrices de ces actions.",
    _DERIVED_EN + "the partners of the actions of this graph, not read from a fiche: for each "
    "partner organisation (cskg:partner), the number of actions it is a partner of and the "
    "number of structures that organise them.",
    ("refPartner",),
    ("joinedActionCount", "structureCount"),
)
FUNDERS = Cube(
    "statistique/financeurs-par-region",
    "Actions financées par financeur et par région",
    "Funded actions by funder and région",
    _DERIVED_FR + "des financeurs des actions de ce graphe, pas lues dans une fiche : pour "
    "chaque financeur (prov:hadRole cskg:funderRole) et chaque région des structures "
    "organisatrices (par leur département, COG), le nombre d'actions qu'il y finance.",
    _DERIVED_EN + "the funders of the actions of this graph, not read from a fiche: for each "
    "funder (prov:hadRole cskg:funderRole) and each région of the organising structures (by "
    "their département, COG), the number of actions it funds there.",
    ("refRegion", "refFunder"),
    ("fundedActionCount",),
)
START_YEARS = Cube(
    "statistique/annees-de-debut",
    "Années de début des actions",
    "Start years of the actions",
    _DERIVED_FR + "des descriptions générales des actions de ce graphe, pas lues dans une "
    "rubrique de la fiche : pour chaque action dont la description dit quand elle a commencé, "
    "l'année (la première, 19xx ou 20xx, écrite au plus 30 caractères après « débuté(e) », "
    "« démarré(e) », « démarrage » ou « début de l'action ») et le texte où elle est lue.",
    _DERIVED_EN + "the general descriptions of the actions of this graph, not read from a "
    "section of the fiche: for each action whose description says when it started, the year "
    "(the first, 19xx or 20xx, written at most 30 characters after « débuté(e) », "
    "« démarré(e) », « démarrage » or « début de l'action ») and the text it is read from.",
    ("refAction",),
    ("statedStartYear",),
    ("startYearEvidence",),
)


def _territory_cube(name: str, label_fr: str, label_en: str, dimension: str, measure: str) -> Cube:
    return Cube(
        f"statistique/actions-par-{name}",
        f"Actions par {label_fr}",
        f"Actions by {label_en}",
        _DERIVED_FR + f"des actions de ce graphe, pas lues dans une fiche : pour chaque "
        f"{label_fr} où se trouve au moins une structure organisatrice, le nombre d'actions de "
        "ces structures.",
        _DERIVED_EN + f"the actions of this graph, not read from a fiche: for each {label_en} "
        "where at least one organising structure lies, the number of actions of these "
        "structures.",
        (dimension,),
        (measure,),
    )


DEPARTEMENTS = _territory_cube(
    "departement", "département", "département", "refDepartement", "departementActionCount"
)
REGIONS = _territory_cube("region", "région", "région", "refRegion", "regionActionCount")
EPCIS = _territory_cube("epci", "EPCI", "EPCI", "refEpci", "epciActionCount")
# Each data set and the path from a structure to its territories, as the queries follow it.
_TERRITORIES = (
    (DEPARTEMENTS, (_DEPARTEMENT,)),
    (REGIONS, (_DEPARTEMENT, _UNDER)),
    (EPCIS, (_COMMUNE, _EPCI)),
)
