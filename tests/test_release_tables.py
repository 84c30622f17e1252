"""The release tables: every field of every fiche reaches actions.csv, which its Table Schema
describes (checked with frictionless, the validator of schema.data.gouv.fr)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import frictionless

from converter.model import FIELDS, LIST_COLUMNS
from converter.reader import read_text
from converter.release import CSV_COLUMNS
from tests.conftest import SEED
from tests.test_release import converted, released

__all__ = ["converted", "released"]


def test_every_fiche_field_has_a_column() -> None:
    written = {c.field for c in CSV_COLUMNS}
    assert {"title", *(f.name for f in FIELDS)} <= written
    # the three the flat CSV used to drop (issue 13)
    names = [c.name for c in CSV_COLUMNS]
    assert {"end_reason", "initiator_precision", "files"} <= set(names)
    assert len(names) == len(set(names))


def _rows(folder: Path) -> dict[int, dict[str, str]]:
    with (folder / "actions.csv").open(encoding="utf-8", newline="") as stream:
        return {int(row["source_line"]): row for row in csv.DictReader(stream)}


def _missing(rows: dict[int, dict[str, str]]) -> list[tuple[int, str, str]]:
    """Every non-empty value of every fiche of the example that a table row does not hold."""
    missing = []
    for record in read_text(SEED).records:
        row = rows[record.source.first_line]
        for name, value in record.values().items():
            cell = row[name] or ""
            cells = cell.split(" | ") if name in LIST_COLUMNS else [cell]
            for item in value if isinstance(value, tuple) else (value,) if value else ():
                if item not in cells:
                    missing.append((record.source.first_line, name, item))
    return missing


def test_every_non_empty_field_of_every_fiche_is_in_the_csv(released: Path) -> None:
    rows = _rows(released)
    assert len(rows) == 25 and _missing(rows) == []
    # the values the CSV used to lose, as the fiches write them
    ended = [r for r in rows.values() if r["end_reason"]]
    assert ended and all(r["status"] == "Terminée" for r in ended)
    assert any(r["initiator_precision"] for r in rows.values())
    # the check is real: a cell emptied is found
    line, row = next((n, r) for n, r in rows.items() if r["summary"])
    assert _missing({**rows, line: {**row, "summary": ""}}) != []


def test_table_schema_validates_the_csv_with_frictionless(released: Path, tmp_path: Path) -> None:
    descriptor = json.loads((released / "actions.schema.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in descriptor["fields"]] == [c.name for c in CSV_COLUMNS]
    assert list(frictionless.Schema.metadata_validate(descriptor)) == []
    schema = frictionless.Schema.from_descriptor(descriptor)
    report = frictionless.validate(
        frictionless.Resource(path="actions.csv", basepath=str(released), schema=schema)
    )
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    # the check is real: a budget that is not a number breaks it
    text = (released / "actions.csv").read_text(encoding="utf-8")
    (tmp_path / "actions.csv").write_text(text.replace(",30500,", ",trente mille,"), "utf-8")
    broken = frictionless.validate(
        frictionless.Resource(path="actions.csv", basepath=str(tmp_path), schema=schema)
    )
    assert not broken.valid
