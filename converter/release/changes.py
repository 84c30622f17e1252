"""What changed since the previous release (``cskg release --previous DIR``).

An action is identified by its IRI (minted from its structure and title) and compared by a
content hash: the SHA-256 of its fiche columns in ``actions.csv`` (title and every field of
``model.FIELDS``, not the line numbers, which move when another fiche is added). The changes
are written for people (``changements.md``) and machines (``changements.csv``), and summed up
in the catalogue (``adms:versionNotes``, ``dcat:previousVersion``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rdflib

from converter.errors import InputError, UsageError, reason
from converter.release.tables import CSV_COLUMNS

FICHE_COLUMNS = tuple(c.name for c in CSV_COLUMNS if c.field)
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
csv.field_size_limit(sys.maxsize)


def content_hash(row: dict[str, str]) -> str:
    """SHA-256 of the fiche columns of one row of actions.csv."""
    values = [[name, row.get(name, "")] for name in FICHE_COLUMNS]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Action:
    iri: str
    title: str
    structure: str
    sha256: str


@dataclass(frozen=True)
class Previous:
    """The previous release, as read from its folder."""

    dataset: str  # its dataset IRI
    version: str  # its dcat:version, its issue date, or ""
    actions: dict[str, Action]


@dataclass(frozen=True)
class Changes:
    previous: Previous
    added: list[Action]
    removed: list[Action]
    changed: list[tuple[Action, Action]]  # (before, after)

    def summary(self) -> str:
        """One French sentence, for adms:versionNotes and the command's output."""
        since = f"la version {self.previous.version}" if self.previous.version else "la précédente"
        return (
            f"Par rapport à {since} : {len(self.added)} action(s) ajoutée(s), "
            f"{len(self.removed)} retirée(s), {len(self.changed)} modifiée(s) "
            "(détail : changements.md, changements.csv)."
        )


def actions_of_rows(rows: Iterable[dict[str, str]]) -> dict[str, Action]:
    return {
        row["action"]: Action(row["action"], row["title"], row["structure"], content_hash(row))
        for row in rows
    }


def read_previous(folder: Path) -> Previous:
    """:raises InputError: the folder holds no readable release of cskg."""
    table, catalogue = folder / "actions.csv", folder / "catalog.ttl"
    try:
        with table.open(encoding="utf-8", newline="") as stream:
            rows = csv.DictReader(stream)
            missing = [
                name for name in ("action", *FICHE_COLUMNS) if name not in (rows.fieldnames or [])
            ]
            if missing and rows.fieldnames:
                raise UsageError(
                    f"{table} : colonnes absentes ({', '.join(missing)}) : publication faite avec "
                    "une version de cskg trop ancienne pour être comparée"
                )
            actions = actions_of_rows(rows)  # a row at a time: 100,000 of them stay on disk
        graph = rdflib.Graph().parse(catalogue, format="turtle")
    except FileNotFoundError as error:
        raise InputError(
            "publication précédente introuvable (actions.csv et catalog.ttl attendus)",
            path=str(error.filename),
        ) from None
    except (OSError, UnicodeDecodeError, csv.Error, SyntaxError, ValueError) as error:
        raise InputError(
            f"publication précédente illisible ({reason(error)})", path=str(folder)
        ) from None
    dataset = graph.value(predicate=rdflib.RDF.type, object=DCAT.Dataset)
    version = graph.value(dataset, DCAT.version) or graph.value(dataset, rdflib.DCTERMS.issued)
    return Previous(str(dataset or ""), str(version or ""), actions)


def compare(previous: Previous, rows: Iterable[dict[str, str]]) -> Changes:
    now = actions_of_rows(rows)
    before = previous.actions
    return Changes(
        previous,
        added=[now[iri] for iri in sorted(set(now) - set(before))],
        removed=[before[iri] for iri in sorted(set(before) - set(now))],
        changed=[
            (before[iri], now[iri])
            for iri in sorted(set(now) & set(before))
            if now[iri].sha256 != before[iri].sha256
        ],
    )


def next_version(config_version: str, previous: Previous | None, issued: str) -> str:
    """The version given, else the previous one plus one when it is a number, else the date."""
    if config_version:
        return config_version
    if previous and previous.version.isdigit():
        return str(int(previous.version) + 1)
    return issued


def changes_csv(changes: Changes) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["change", "action", "title", "structure", "sha256_before", "sha256_after"])
    for a in changes.added:
        writer.writerow(["ajoutée", a.iri, a.title, a.structure, "", a.sha256])
    for a in changes.removed:
        writer.writerow(["retirée", a.iri, a.title, a.structure, a.sha256, ""])
    for before, after in changes.changed:
        writer.writerow(
            ["modifiée", after.iri, after.title, after.structure, before.sha256, after.sha256]
        )
    return buffer.getvalue().encode("utf-8")


def changes_markdown(changes: Changes, version: str) -> bytes:
    def items(actions: list[Action]) -> list[str]:
        return [f"- {a.title} ({a.structure}) : <{a.iri}>" for a in actions] or ["- aucune"]

    lines = [
        f"# Changements de la version {version or 'actuelle'}",
        "",
        changes.summary(),
        "",
        "Une action est reconnue à son IRI (structure et titre) ; elle est modifiée quand "
        "l'empreinte SHA-256 de ses champs de fiche change.",
        "",
        f"## Actions ajoutées ({len(changes.added)})",
        "",
        *items(changes.added),
        "",
        f"## Actions retirées ({len(changes.removed)})",
        "",
        *items(changes.removed),
        "",
        f"## Actions modifiées ({len(changes.changed)})",
        "",
        *items([after for _, after in changes.changed]),
        "",
    ]
    return "\n".join(lines).encode("utf-8")
