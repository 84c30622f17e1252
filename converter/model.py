"""Typed records of action fiches, and the one declaration of the fiche fields.

``FIELDS`` is the single source of truth for the sections of a fiche: the reader recognises
headers from it, ``render`` writes them back in ``LAYOUT`` order, the tabular export derives its
columns from it, and later stages (mapping, shapes, docs) are tested against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(Enum):
    """How the content under a header is read."""

    LINE = "line"  # one bulleted value: "- En cours"
    LIST = "list"  # bulleted items, one per line
    TEXT = "text"  # free text, kept verbatim (bullet lines included)
    ORGANISER = "organiser"  # "- NAME - Département", split on the last " - "


class Value(Enum):
    """What the action's property points to in the graph (the shapes are tested against it)."""

    TEXT = "texte en français"  # a literal tagged @fr, kept as written
    CONCEPT = "concept SKOS"  # of the field's scheme
    STRUCTURE = "structure"  # cskg:Structure
    ORGANISATION = "organisation"  # a partner organisation
    FILE_NAME = "nom de fichier"  # an xsd:string


@dataclass(frozen=True)
class FicheField:
    """One section of a fiche: its header as written in the dump, how to read it, and what
    it becomes in the graph (the property, its values, how many, whether it is required)."""

    name: str
    header: str
    kind: Kind
    label_en: str
    predicate: str  # property of the action in the graph, as a CURIE
    value: Value = Value.TEXT
    scheme: str | None = None  # SKOS concept scheme of the values (vocab.SCHEMES)
    aliases: tuple[str, ...] = ()
    required: bool = False  # an action without it is a SHACL violation
    expected: bool = True  # its absence hints at a truncated fiche
    marker: bool = False  # the dump writes a lone "-" line right after the header

    @property
    def single(self) -> bool:
        """At most one value per action: every kind but lists."""
        return self.kind is not Kind.LIST


FIELDS: tuple[FicheField, ...] = (
    FicheField(
        "structure",
        "Structure organisatrice",
        Kind.ORGANISER,
        "Organising structure",
        predicate="cskg:organiser",
        value=Value.STRUCTURE,
        required=True,
    ),
    FicheField(
        "files",
        "Fichier(s) associé(s)",
        Kind.LIST,
        "Attached files",
        predicate="cskg:attachedFile",
        value=Value.FILE_NAME,
        expected=False,
    ),
    FicheField(
        "status",
        "Statut de l'action",
        Kind.LINE,
        "Status",
        predicate="cskg:status",
        value=Value.CONCEPT,
        scheme="statut",
        required=True,
    ),
    FicheField(
        "end_reason",
        "Raisons pour lesquelles l'action est terminée",
        Kind.TEXT,
        "Reason the action ended",
        predicate="cskg:endReason",
        expected=False,
    ),
    FicheField(
        "dimension",
        "Dimension",
        Kind.LINE,
        "Dimension",
        predicate="cskg:dimension",
        value=Value.CONCEPT,
        scheme="dimension",
    ),
    FicheField(
        "themes",
        "Mots clés associés à l'action",
        Kind.LIST,
        "Themes (keywords)",
        predicate="cskg:theme",
        value=Value.CONCEPT,
        scheme="thematique",
        marker=True,
    ),
    FicheField("summary", "Résumé", Kind.TEXT, "Summary", predicate="cskg:summary"),
    FicheField(
        "initiators",
        "Qui est à l'initiative de l'action ?",
        Kind.LIST,
        "Initiators",
        predicate="cskg:initiator",
        value=Value.CONCEPT,
        scheme="initiateur",
        marker=True,
    ),
    FicheField(
        "initiator_precision",
        "Précision ( si autre )",
        Kind.TEXT,
        "Initiator precision (if other)",
        predicate="cskg:initiatorPrecision",
        expected=False,
    ),
    FicheField(
        "territory_scales",
        "Territoire concerné",
        Kind.LIST,
        "Territory scales",
        predicate="cskg:territoryScale",
        value=Value.CONCEPT,
        scheme="echelle-territoriale",
    ),
    FicheField(
        "experience",
        "Description de l'expérience, ses objectifs, ses acteurs et ses différentes phases.",
        Kind.TEXT,
        "Description of the experience, its aims, actors and phases",
        predicate="cskg:experienceDescription",
    ),
    FicheField(
        "publics",
        "Public",
        Kind.LIST,
        "Publics",
        predicate="cskg:public",
        value=Value.CONCEPT,
        scheme="public",
    ),
    FicheField(
        "partners",
        "Avec qui cette action a-t-elle été menée ?",
        Kind.LIST,
        "Partners",
        predicate="cskg:partner",
        value=Value.ORGANISATION,
        aliases=("Partenaires d'action:",),
        marker=True,
    ),
    FicheField(
        "description",
        "Description générale",
        Kind.TEXT,
        "General description",
        predicate="cskg:generalDescription",
    ),
    FicheField(
        "funding",
        "Ressources financières mobilisées pour cette action",
        Kind.TEXT,
        "Funding",
        predicate="cskg:fundingText",
    ),
    FicheField(
        "staffing",
        "Nombre de personnes mobilisés pour cette action",
        Kind.TEXT,
        "Staffing",
        predicate="cskg:staffingText",
    ),
    FicheField(
        "results_territory",
        "Résultat sur le territoire",
        Kind.TEXT,
        "Results for the territory",
        predicate="cskg:resultForTerritory",
    ),
    FicheField(
        "results_centre",
        "Résultat pour le centre social",
        Kind.TEXT,
        "Results for the centre",
        predicate="cskg:resultForCentre",
    ),
    FicheField(
        "results_inhabitants",
        "Résultat pour les habitants",
        Kind.TEXT,
        "Results for the inhabitants",
        predicate="cskg:resultForInhabitants",
    ),
    FicheField(
        "limits", "Suite de l'action : Limites", Kind.TEXT, "Limits", predicate="cskg:limits"
    ),
    FicheField(
        "perspectives",
        "Suite de l'action : Perspectives",
        Kind.TEXT,
        "Perspectives",
        predicate="cskg:perspectives",
    ),
)

FIELDS_BY_NAME: dict[str, FicheField] = {f.name: f for f in FIELDS}

# Section order of a fiche in the dump: "Territoire concerné" is written twice, before the
# experience and after the partners; the reader merges both, ``render`` writes both.


def _layout() -> tuple[str, ...]:
    names = [f.name for f in FIELDS]
    after_partners = names.index("partners") + 1
    return tuple(names[:after_partners] + ["territory_scales"] + names[after_partners:])


LAYOUT: tuple[str, ...] = _layout()

# The label of the first line of every fiche, and the banner of the dump's page.
FICHE_START = "Actions"
BANNER = "Les actions des centres sociaux"
TITLE_LABEL = "Titre"


@dataclass(frozen=True)
class Source:
    """Where a record comes from: file as given, first and last line of the fiche (1-based)."""

    file: str
    first_line: int
    last_line: int
    # line of each section's header, for diagnostics of later stages; not part of the record
    field_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def line_of(self, name: str) -> int:
        """Line of the header of field ``name``, or the fiche's first line when unknown."""
        return dict(self.field_lines).get(name, self.first_line)


@dataclass(frozen=True)
class Record:
    """One action fiche, every field as written (lists as tuples, absent text as "")."""

    title: str
    structure: str
    departement: str
    files: tuple[str, ...] = ()
    status: str = ""
    end_reason: str = ""
    dimension: str = ""
    themes: tuple[str, ...] = ()
    summary: str = ""
    initiators: tuple[str, ...] = ()
    initiator_precision: str = ""
    territory_scales: tuple[str, ...] = ()
    experience: str = ""
    publics: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    description: str = ""
    funding: str = ""
    staffing: str = ""
    results_territory: str = ""
    results_centre: str = ""
    results_inhabitants: str = ""
    limits: str = ""
    perspectives: str = ""
    source: Source = field(default=Source("", 0, 0), compare=False)

    def values(self) -> dict[str, str | tuple[str, ...]]:
        """The record's fields in column order, without its source."""
        return {name: getattr(self, name) for name in COLUMNS}


def _columns() -> tuple[str, ...]:
    names: list[str] = ["title"]
    for f in FIELDS:
        names += ["structure", "departement"] if f.kind is Kind.ORGANISER else [f.name]
    return tuple(names)


# Columns of a record, in order: derived from FIELDS (a test checks Record agrees).
COLUMNS: tuple[str, ...] = _columns()
LIST_COLUMNS: frozenset[str] = frozenset(f.name for f in FIELDS if f.kind is Kind.LIST)


@dataclass(frozen=True)
class Diagnostic:
    """A warning or a rejection reason, pointing at a file, a line and (if known) a field."""

    file: str
    line: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        what = f"{self.field} : " if self.field else ""
        return f"{self.file}:{self.line}: {what}{self.message}"

    def as_dict(self, text: str = "message") -> dict[str, str | int]:
        """For the JSON reports: ``text`` names the message ("reason" for a rejection)."""
        return {"file": self.file, "line": self.line, "field": self.field, text: self.message}


@dataclass
class ParseResult:
    """Everything read from some inputs: every fiche found is either a record or rejected."""

    records: list[Record] = field(default_factory=list)
    rejected: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    fiches_found: int = 0

    def extend(self, other: ParseResult) -> None:
        self.records += other.records
        self.rejected += other.rejected
        self.warnings += other.warnings
        self.fiches_found += other.fiches_found
