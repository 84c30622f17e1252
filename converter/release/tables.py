"""The release tables: ``actions.csv`` (and ``participations.csv``, ``participations.py``),
their CSV on the Web descriptions and Table Schemas."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from converter.files import AtomicFile
from converter.model import FIELDS, FicheField, Kind
from converter.release.config import ReleaseConfig
from converter.vocab import CSKG, DCT, IGEO, PROV, RDF, SCHEMA, SKOS

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Column:
    name: str
    title_fr: str
    title_en: str
    datatype: str  # a CSVW datatype
    description: str
    path: tuple[str, ...] = ()  # property path from the action (full IRIs)
    label: bool = False  # write the French label of the value rather than the value
    many: bool = False  # several values, joined with " | "
    field: str = ""  # the model.FIELDS entry (or "title") the column writes, if any


@dataclass(frozen=True)
class Table:
    """A table of the release: ``{name}.csv``, its columns, its primary key and the columns
    that may never be empty."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: tuple[str, ...]
    subtitle: str = ""  # after the release's title, for a table other than the actions

    def title(self, config: ReleaseConfig) -> str:
        return f"{config.title_fr} : {self.subtitle}" if self.subtitle else config.title_fr


def _p(*names: str) -> tuple[str, ...]:
    prefixes = {
        "cskg": CSKG,
        "dct": DCT,
        "igeo": IGEO,
        "prov": PROV,
        "schema": SCHEMA,
        "skos": SKOS,
    }
    return tuple(prefixes[n.split(":")[0]] + n.split(":")[1] for n in names)


_DEPARTEMENT = _p("cskg:organiser", "cskg:departement")
_REGION = _DEPARTEMENT + _p("igeo:subdivisionDirecteDe")
_COMMUNE = _p("cskg:organiser", "cskg:commune")
# Columns the graph adds to the fiche's fields (IRIs, INSEE codes, parsed numbers, source),
# each written right after the fiche column it comes from ("" : first).
_ENRICHED: dict[str, tuple[Column, ...]] = {
    "": (Column("action", "action", "action", "anyURI", "IRI de l'action."),),
    "structure": (
        Column(
            "structure_iri",
            "IRI de la structure",
            "structure IRI",
            "anyURI",
            "IRI de la structure organisatrice.",
            _p("cskg:organiser"),
        ),
    ),
    "departement": (
        Column(
            "departement_code",
            "code du département",
            "département code",
            "string",
            "Code INSEE du département (COG), vide s'il n'est pas reconnu.",
            _DEPARTEMENT + _p("igeo:codeINSEE"),
        ),
        Column(
            "departement_name",
            "département (nom INSEE)",
            "département (INSEE name)",
            "string",
            "Nom INSEE du département.",
            _DEPARTEMENT + _p("igeo:nom"),
        ),
        Column(
            "region_code",
            "code de la région",
            "région code",
            "string",
            "Code INSEE de la région du département.",
            _REGION + _p("igeo:codeINSEE"),
        ),
        Column(
            "region_name",
            "région",
            "région",
            "string",
            "Nom INSEE de la région.",
            _REGION + _p("igeo:nom"),
        ),
        Column(
            "commune_code",
            "code de la commune",
            "commune code",
            "string",
            "Code INSEE de la commune reconnue dans le nom de la structure, vide sinon.",
            _COMMUNE + _p("igeo:codeINSEE"),
        ),
        Column(
            "commune_name",
            "commune",
            "commune",
            "string",
            "Nom INSEE de cette commune.",
            _COMMUNE + _p("igeo:nom"),
        ),
    ),
    "funding": (
        Column(
            "budget_eur",
            "budget (€)",
            "budget (EUR)",
            "decimal",
            "Budget total en euros, seulement quand la fiche le dit sans ambiguïté.",
            _p("cskg:budget", "schema:value"),
        ),
    ),
    "staffing": (
        Column(
            "staff_count",
            "personnes mobilisées (nombre)",
            "staff count",
            "integer",
            "Nombre de personnes, seulement quand la fiche le donne seul.",
            _p("cskg:staffCount"),
        ),
    ),
    "perspectives": (
        Column(
            "source_file",
            "fichier source",
            "source file",
            "string",
            "Fichier de fiches d'où vient l'action.",
            _p("dct:source", "cskg:sourceFile"),
        ),
        Column(
            "source_line",
            "ligne source",
            "source line",
            "integer",
            "Première ligne de la fiche dans ce fichier.",
            _p("dct:source", "cskg:firstLine"),
        ),
    ),
}


def _fiche_columns(f: FicheField) -> tuple[Column, ...]:
    """The column(s) of one fiche field: its name, its French header, its predicate."""
    predicate = _p(f.predicate)
    if f.kind is Kind.ORGANISER:
        return (
            Column(
                "structure",
                f.header,
                f.label_en,
                "string",
                "Nom de la structure organisatrice, tel qu'écrit dans la fiche.",
                predicate + _p("skos:prefLabel"),
                field=f.name,
            ),
            Column(
                "departement",
                "département (tel qu'écrit)",
                "département (as written)",
                "string",
                "Département de la structure, tel qu'écrit dans la fiche.",
                predicate + _p("cskg:departementLabel"),
                field=f.name,
            ),
        )
    many = f.kind is Kind.LIST
    what = "libellés du vocabulaire" if f.scheme else "tels qu'écrits"
    return (
        Column(
            f.name,
            f.header,
            f.label_en,
            "string",
            f"« {f.header} » : {what}" + (", séparés par « | »." if many else "."),
            predicate,
            label=True,
            many=many,
            field=f.name,
        ),
    )


def _columns() -> tuple[Column, ...]:
    title = Column(
        "title", "titre", "title", "string", "Titre de l'action.", _p("dct:title"), field="title"
    )
    columns = [*_ENRICHED[""], title]
    for f in FIELDS:
        for column in _fiche_columns(f):
            columns += [column, *_ENRICHED.get(column.name, ())]
    return tuple(columns)


# The columns of actions.csv, .xlsx and the actions table of actions.db: every field of
# model.FIELDS (a test fails when one has none), and what the graph adds.
CSV_COLUMNS: tuple[Column, ...] = _columns()
ACTIONS = Table("actions", CSV_COLUMNS, key=("action",), required=("action", "title", "structure"))


def _follow(store: ox.Store, start: ox.NamedNode, path: tuple[str, ...]) -> list[Term]:
    nodes: list[Term] = [start]
    for predicate in path:
        nodes = [
            quad.object
            for node in nodes
            if isinstance(node, ox.NamedNode)
            for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
        ]
    return nodes


def french_label(store: ox.Store, node: Term) -> str:
    """The French label of a concept or an organisation, else its own value."""
    labels = []
    if isinstance(node, ox.NamedNode):
        labels = [
            q.object.value
            for q in store.quads_for_pattern(node, ox.NamedNode(SKOS + "prefLabel"), None)
            if isinstance(q.object, ox.Literal) and q.object.language in ("fr", None)
        ]
    return sorted(labels)[0] if labels else str(getattr(node, "value", node))


# Columns of organisations written as the fiche writes them (« Préfecture »), not by the
# organisation's name (« Préfecture (Sarthe) »): from the evidence of the rule that read them.
WRITTEN = {"partners": "liste-des-partenaires"}


def _written(store: ox.Store, associations: list[Term], rule: str) -> list[str]:
    found = set()
    for node in associations:
        if not isinstance(node, ox.NamedNode) or not any(
            store.quads_for_pattern(node, ox.NamedNode(CSKG + "rule"), ox.Literal(rule))
        ):
            continue
        for evidence in store.quads_for_pattern(node, ox.NamedNode(CSKG + "evidenceText"), None):
            if isinstance(evidence.object, ox.Literal):
                found.add(evidence.object.value)
    return sorted(found)


def actions_of(store: ox.Store) -> list[ox.NamedNode]:
    typed = store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(CSKG + "Action"))
    return sorted(
        (q.subject for q in typed if isinstance(q.subject, ox.NamedNode)), key=lambda n: n.value
    )


def statements_of(store: ox.Store, node: ox.NamedNode) -> dict[str, list[Term]]:
    """The objects of ``node``'s statements by predicate, in one scan (from a store on disk,
    one read instead of one per property)."""
    found: dict[str, list[Term]] = {}
    for quad in store.quads_for_pattern(node, None, None):
        found.setdefault(quad.predicate.value, []).append(quad.object)
    return found


SHARED_CACHE = 1 << 16  # statements of shared nodes kept: structures, territories, concepts


def action_rows(store: ox.Store) -> Iterator[list[str]]:
    """The rows of ``actions.csv``, one action at a time, by IRI. An action's own statements
    are read in one scan; those of the nodes actions share (structures, territories,
    concepts, their labels) are kept in a bounded cache: from a store on disk each look-up
    costs a RocksDB read."""

    @functools.lru_cache(maxsize=SHARED_CACHE)
    def objects(node: ox.NamedNode, predicate: str) -> tuple[Term, ...]:
        return tuple(q.object for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None))

    @functools.lru_cache(maxsize=SHARED_CACHE)
    def label(node: Term) -> str:
        return french_label(store, node)

    for action in actions_of(store):
        own = statements_of(store, action)
        row = []
        for column in CSV_COLUMNS:
            if not column.path:
                row.append(action.value)
                continue
            if column.field in WRITTEN:
                texts = _written(
                    store, own.get(PROV + "qualifiedAssociation", []), WRITTEN[column.field]
                )
            else:
                nodes = own.get(column.path[0], [])
                for predicate in column.path[1:]:
                    nodes = [
                        o
                        for n in nodes
                        if isinstance(n, ox.NamedNode)
                        for o in objects(n, predicate)
                    ]
                texts = sorted(
                    {label(n) if column.label else str(getattr(n, "value", n)) for n in nodes}
                )
            row.append(" | ".join(texts) if column.many else (texts[0] if texts else ""))
        yield row


class Rows(Protocol):
    """Rows of a table that can be counted and read again (a list, or a ``TableFile``)."""

    def __iter__(self) -> Iterator[list[str]]: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class TableFile:
    """A table written to its CSV file and read back from it a row at a time by each use:
    the rows of 100,000 actions (about a gigabyte as Python strings) never sit in memory."""

    path: Path
    count: int

    def __iter__(self) -> Iterator[list[str]]:
        with self.path.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            next(reader)  # the header
            yield from reader

    def __len__(self) -> int:
        return self.count


ROWS_PER_WRITE = 2_000


def write_table(path: Path, rows: Iterable[list[str]], table: Table = ACTIONS) -> TableFile:
    """Write ``{table.name}.csv`` at ``path`` (put in place by one rename), a few thousand
    rows at a time: UTF-8, comma, CRLF line ends, a header of the column names.

    :raises OutputError: ``path`` cannot be written.
    """
    count = 0
    with AtomicFile(path) as scratch:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(c.name for c in table.columns)
        for row in rows:
            writer.writerow(row)
            count += 1
            if count % ROWS_PER_WRITE == 0:
                scratch.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
        scratch.write(buffer.getvalue().encode("utf-8"))
    return TableFile(path, count)


def examples(rows: Iterable[list[str]], table: Table = ACTIONS) -> list[str]:
    """The first non-empty value of each column ("" for a column always empty), in one pass
    that stops once every column has one."""
    found = [""] * len(table.columns)
    missing = set(range(len(found)))
    for row in rows:
        for index in [i for i in missing if row[i]]:
            found[index] = row[index]
            missing.discard(index)
        if not missing:
            break
    return found


def csvw_metadata(config: ReleaseConfig, table: Table = ACTIONS) -> dict[str, object]:
    """CSV on the Web description of ``{table.name}.csv``."""
    columns = []
    for c in table.columns:
        column: dict[str, object] = {
            "name": c.name,
            "titles": {"fr": c.title_fr, "en": c.title_en},
            "datatype": c.datatype,
            "dc:description": c.description,
        }
        if c.many:
            column["separator"] = " | "
        if c.name in table.required:
            column["required"] = True
        columns.append(column)
    key: str | list[str] = table.key[0] if len(table.key) == 1 else list(table.key)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "fr"}],
        "url": f"{table.name}.csv",
        "dc:title": table.title(config),
        "dc:license": {"@id": config.licence},
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": columns, "primaryKey": key},
    }


# Table Schema types of the CSVW datatypes.
_TABLE_TYPES = {"anyURI": "string", "string": "string", "decimal": "number", "integer": "integer"}


def table_schema(
    config: ReleaseConfig, rows: Iterable[list[str]], table: Table = ACTIONS
) -> dict[str, object]:
    """Table Schema of ``{table.name}.csv``, as schema.data.gouv.fr writes them (validated with
    frictionless in the tests): French descriptions, an example per column from the data."""
    fields: list[dict[str, object]] = []
    first = examples(rows, table)
    for index, c in enumerate(table.columns):
        spec: dict[str, object] = {
            "name": c.name,
            "title": c.title_fr,
            "description": f"{c.description} (en : {c.title_en})",
            "type": _TABLE_TYPES[c.datatype],
        }
        if c.datatype == "anyURI":
            spec["format"] = "uri"
        example = first[index]
        if example:
            spec["example"] = example if len(example) <= 200 else example[:199] + "…"
        constraints: dict[str, object] = {}
        if c.name in table.required:
            constraints["required"] = True
        if table.key == (c.name,):
            constraints["unique"] = True
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    schema: dict[str, object] = {
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": f"cskg-{table.name}",
        "title": table.title(config),
        "description": config.description_fr or config.title_fr,
        "countryCode": "FR",
        "homepage": config.landing_page or config.base_url,
        "path": config.base_url + f"{table.name}.schema.json",
        "licenses": [{"title": config.licence_title, "path": config.licence}],
        "contributors": [{"title": config.publisher, "role": "author"}],
        "missingValues": [""],
        "fields": fields,
        "primaryKey": list(table.key),
    }
    if config.version:
        schema["version"] = config.version
    if config.issued:
        schema["created"] = config.issued
    if config.modified or config.issued:
        schema["lastModified"] = config.modified or config.issued
    return schema
