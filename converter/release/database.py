"""``actions.db``: the release as an SQLite database that ``datasette`` browses at once.

Built with sqlite-utils: ``actions`` (the columns of ``actions.csv``), ``structures``,
``organisations`` (with their type and territory), ``participations`` (the rows of
``participations.csv``: who takes part in each action, in which role, for how much),
``concepts``, ``territories``, one link table per multi-valued fiche field, foreign keys
between them, and full-text search on the texts of the actions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import sqlite_utils

from converter.files import AtomicFile
from converter.model import FIELDS, FicheField, Kind
from converter.release.participations import PARTICIPATIONS
from converter.release.tables import (
    CSV_COLUMNS,
    Rows,
    Term,
    _follow,
    actions_of,
    french_label,
    statements_of,
)
from converter.vocab import CSKG, IGEO, RDF, SKOS

# Columns of the actions table that the territories and structures tables hold.
_ELSEWHERE = {
    "structure",
    "departement",
    "departement_code",
    "departement_name",
    "region_code",
    "region_name",
    "commune_code",
    "commune_name",
}
_TEXTS = ["title"] + [f.name for f in FIELDS if f.kind is Kind.TEXT]


def _one(store: ox.Store, node: Term, predicate: str) -> str:
    if not isinstance(node, ox.NamedNode):
        return ""
    found = sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
        if isinstance(q.object, ox.NamedNode | ox.Literal)
    )
    return found[0] if found else ""


def _label(store: ox.Store, node: Term, language: str) -> str:
    if not isinstance(node, ox.NamedNode):
        return ""
    labels = sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(SKOS + "prefLabel"), None)
        if isinstance(q.object, ox.Literal) and q.object.language == language
    )
    return labels[0] if labels else ""


def _territory(store: ox.Store, node: ox.NamedNode, kind: str) -> dict[str, object]:
    parent = _one(store, node, IGEO + "subdivisionDirecteDe")
    return {
        "iri": node.value,
        "kind": kind,
        "code": _one(store, node, IGEO + "codeINSEE"),
        "name": _one(store, node, IGEO + "nom"),
        "parent": parent or None,
    }


def write_database(target: Path, store: ox.Store, rows: Rows, participations: Rows = ()) -> None:
    """The database file at ``target``, built beside it and put in place by one rename, never
    held in memory (a gigabyte at 100,000 actions); same data, same bytes. ``rows`` are read
    once and ``participations`` twice (both may be read back from their files); what actions
    share and their links (a million pairs of strings at 100,000 actions) stay in memory.

    :raises OutputError: ``target`` cannot be written.
    """
    with AtomicFile(target) as scratch:
        db = sqlite_utils.Database(scratch.temporary)
        # written once, synced by the rename: no need to wait for the disk at each insert
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA journal_mode = MEMORY")
        _build(db, store, rows)
        _participations(db, participations)
        db.close()


# The tables of what actions share: their columns and foreign keys.
_SHARED: tuple[tuple[str, tuple[str, ...], list[tuple[str, str, str]]], ...] = (
    ("territories", ("iri", "kind", "code", "name", "parent"), [("parent", "territories", "iri")]),
    (
        "structures",
        ("iri", "name", "departement_written", "departement", "commune"),
        [("departement", "territories", "iri"), ("commune", "territories", "iri")],
    ),
    ("organisations", ("iri", "name", "types"), []),
    ("concepts", ("iri", "scheme", "notation", "label_fr", "label_en"), []),
)


# A link of an action to a concept, an organisation or a value: (action, target) IRIs or text,
# kept as tuples of shared strings (a million of them at 100,000 actions).
Link = tuple[str, str]


def _build(db: sqlite_utils.Database, store: ox.Store, rows: Rows) -> None:
    territories: dict[str, dict[str, object]] = {}
    structures: dict[str, dict[str, object]] = {}
    organisations: dict[str, dict[str, object]] = {}
    concepts: dict[str, dict[str, object]] = {}
    links: dict[str, tuple[str, list[Link]]] = {}  # field → (kind of target, links)
    names = [c.name for c in CSV_COLUMNS]
    types = {c.name: {"integer": int, "decimal": float}.get(c.datatype, str) for c in CSV_COLUMNS}

    def actions() -> Iterator[dict[str, object]]:
        """The rows of the actions table, one at a time, noting what they link to."""
        for node, row in zip(actions_of(store), rows, strict=True):
            values = dict(zip(names, row, strict=True))
            assert values["action"] == node.value
            own = statements_of(store, node)  # one scan for the organiser and every list
            _note_structures(store, own.get(CSKG + "organiser", []), territories, structures)
            for f in FIELDS:
                if f.kind is Kind.LIST:
                    items = own.get(CSKG + f.predicate.split(":")[1], [])
                    _note_links(store, items, values["action"], f, concepts, organisations, links)
            kept = {k: (v or None) for k, v in values.items() if k not in _ELSEWHERE}
            kept["structure_iri"] = values["structure_iri"] or None
            yield {k: types[k](v) if v is not None and types[k] is not str else v
                   for k, v in kept.items()}  # fmt: skip

    # made first, empty, in this order: the foreign keys of the actions name them
    for table, fields, keys in _SHARED:
        db[table].create(dict.fromkeys(fields, str), pk="iri", foreign_keys=keys)  # type: ignore[union-attr]
    columns = {k: types[k] for k in names if k not in _ELSEWHERE}
    db["actions"].insert_all(  # type: ignore[union-attr]
        actions(),
        pk="action",
        columns=columns,
        foreign_keys=[("structure_iri", "structures", "iri")],
    )
    for table, described in (
        ("territories", territories),
        ("structures", structures),
        ("organisations", organisations),
        ("concepts", concepts),
    ):
        db[table].insert_all(sorted(described.values(), key=lambda r: str(r["iri"])))  # type: ignore[union-attr]
    for name, (target, found) in sorted(links.items()):
        keys = [("action", "actions", "action")]
        if target != "value":
            keys.append((target, f"{target}s", "iri"))
        found.sort()
        db[f"action_{name}"].insert_all(  # type: ignore[union-attr]
            ({"action": action, target: value} for action, value in found),
            pk=("action", target),
            foreign_keys=keys,
        )
    db["actions"].enable_fts(_TEXTS, tokenize="unicode61 remove_diacritics 2")  # type: ignore[union-attr]


def _note_structures(
    store: ox.Store,
    organisers: list[Term],
    territories: dict[str, dict[str, object]],
    structures: dict[str, dict[str, object]],
) -> None:
    """Note an action's ``organisers`` (structures) and their territories (once each)."""
    for structure in organisers:
        assert isinstance(structure, ox.NamedNode)
        if structure.value in structures:
            continue
        departement = _follow(store, structure, (CSKG + "departement",))
        commune = _follow(store, structure, (CSKG + "commune",))
        for place, kind in ((departement, "departement"), (commune, "commune")):
            for item in place:
                assert isinstance(item, ox.NamedNode)
                if territories.get(item.value, {}).get("kind") == kind:
                    continue
                territories[item.value] = _territory(store, item, kind)
                # what lies above: a département's région, a commune's arrondissement (or,
                # in Mayotte, its département: a structure's own territory keeps its kind)
                parent = _one(store, item, IGEO + "subdivisionDirecteDe")
                above = {"departement": "region", "commune": "arrondissement"}[kind]
                if parent and parent not in territories:
                    territories[parent] = _territory(store, ox.NamedNode(parent), above)
        structures[structure.value] = {
            "iri": structure.value,
            "name": french_label(store, structure),
            "departement_written": _one(store, structure, CSKG + "departementLabel") or None,
            "departement": departement[0].value if departement else None,  # type: ignore[union-attr]
            "commune": commune[0].value if commune else None,  # type: ignore[union-attr]
        }


def _note_links(
    store: ox.Store,
    items: list[Term],  # the objects of the action's statements of ``f``
    iri: str,  # the action's, one string shared by its links
    f: FicheField,
    concepts: dict[str, dict[str, object]],
    organisations: dict[str, dict[str, object]],
    links: dict[str, tuple[str, list[Link]]],
) -> None:
    """Note the links of an action through the list field ``f`` (each concept and
    organisation described once)."""
    for item in items:
        if f.scheme and isinstance(item, ox.NamedNode):
            if item.value not in concepts:
                concepts[item.value] = {
                    "iri": item.value,
                    "scheme": _one(store, item, SKOS + "inScheme") or f.scheme,
                    "notation": _one(store, item, SKOS + "notation") or None,
                    "label_fr": _label(store, item, "fr") or french_label(store, item),
                    "label_en": _label(store, item, "en") or None,
                }
            target, value = "concept", concepts[item.value]["iri"]
        elif isinstance(item, ox.NamedNode):
            if item.value not in organisations:
                organisations[item.value] = {
                    "iri": item.value,
                    "name": french_label(store, item),
                    "types": " | ".join(
                        sorted(
                            q.object.value.rsplit("#", 1)[-1]
                            for q in store.quads_for_pattern(item, ox.NamedNode(RDF + "type"), None)
                            if isinstance(q.object, ox.NamedNode)
                        )
                    ),
                }
            target, value = "organisation", organisations[item.value]["iri"]
        else:
            target, value = "value", getattr(item, "value", str(item))
        links.setdefault(f.name, (target, []))[1].append((iri, str(value)))


# Columns of participations.csv that the organisations table holds, by their name there.
_ORGANISATION = {
    "organisation_type": "type",
    "organisation_type_code": "type_code",
    "territory_code": "territory_code",
    "territory_name": "territory_name",
}


_LINK = ("action", "organisation", "role", "amount_eur", "evidence_text", "evidence_field",
         "evidence_line", "rule")  # fmt: skip


def _participations(db: sqlite_utils.Database, rows: Rows) -> None:
    """The participations, and the type and territory of every organisation they name: the
    rows read twice, once for the organisations, once for the participations."""
    names = [c.name for c in PARTICIPATIONS.columns]
    kinds = {c.name: {"integer": int, "decimal": float}.get(c.datatype, str)
             for c in PARTICIPATIONS.columns}  # fmt: skip
    organisations: dict[str, dict[str, object]] = {}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        organisations[values["organisation"]] = {
            "iri": values["organisation"],
            "name": values["organisation_name"],
        } | {column: values[name] or None for name, column in _ORGANISATION.items()}

    def links() -> Iterator[dict[str, object]]:
        for row in rows:
            values = dict(zip(names, row, strict=True))
            yield {name: kinds[name](values[name]) if values[name] else None for name in _LINK}

    table = db["organisations"]
    for column in _ORGANISATION.values():
        if column not in table.columns_dict:
            table.add_column(column, str)  # type: ignore[union-attr]
    table.upsert_all(  # type: ignore[union-attr]
        sorted(organisations.values(), key=lambda o: str(o["iri"])), pk="iri"
    )
    participations = db["participations"]
    participations.create(  # type: ignore[union-attr]
        {name: kinds[name] for name in _LINK},
        pk=("action", "organisation", "role"),
        foreign_keys=[("action", "actions", "action"), ("organisation", "organisations", "iri")],
    )
    participations.insert_all(links())  # type: ignore[union-attr]
    # VACUUM copies the database back into its file through the rollback journal: kept in
    # memory, that journal was the whole database (1.1 GB at 100,000 actions). The file is a
    # scratch one, renamed only once complete: it needs no journal.
    db.execute("PRAGMA journal_mode = OFF")
    db.vacuum()
