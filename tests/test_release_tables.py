"""The release tables: every field of every fiche reaches actions.csv, which its Table Schema
describes (checked with frictionless, the validator of schema.data.gouv.fr)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import frictionless
import openpyxl
import sqlite_utils
import xlsxwriter

from converter.model import FIELDS, LIST_COLUMNS
from converter.reader import read_text
from converter.release import CSV_COLUMNS
from converter.release.spreadsheet import write_workbook
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


def _xlsx_rows(path: Path) -> dict[int, dict[str, str]]:
    sheet = openpyxl.load_workbook(path)["actions"]
    header, *lines = [[c.value for c in row] for row in sheet.iter_rows()]
    rows = [
        {
            str(h): "" if v is None else str(v).removesuffix(".0")
            for h, v in zip(header, line, strict=True)
        }
        for line in lines
    ]
    return {int(row["source_line"]): row for row in rows}


def test_every_non_empty_field_of_every_fiche_is_in_the_xlsx(released: Path) -> None:
    rows = _xlsx_rows(released / "actions.xlsx")
    assert len(rows) == 25 and _missing(rows) == []
    sheet = openpyxl.load_workbook(released / "actions.xlsx")["actions"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # bulleted texts start with "-": text cells, quote-prefixed so that editing keeps them text
    bullets = [c for c in cells if isinstance(c.value, str) and c.value.startswith("-")]
    assert bullets and all(c.data_type == "s" and c.quotePrefix for c in bullets)


def test_xlsx_cells_never_run_as_formulas(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
    row = [
        hostile[i % len(hostile)] if c.datatype == "string" else ""
        for i, c in enumerate(CSV_COLUMNS)
    ]
    cut = write_workbook(tmp_path / "t.xlsx", [row], "t")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["actions"]
    written = [c for c in sheet[2] if c.value is not None]
    assert written and cut == []
    assert all(c.data_type == "s" and c.quotePrefix for c in written)
    assert {c.value for c in written} == set(hostile)
    # and without the guard, XlsxWriter would have written a formula (the test is real)
    book = xlsxwriter.Workbook(str(tmp_path / "bare.xlsx"))
    book.add_worksheet().write("A1", "=1+1")
    book.close()
    bare = openpyxl.load_workbook(tmp_path / "bare.xlsx").active
    assert bare is not None and bare["A1"].data_type == "f"


def test_sqlite_database_holds_every_field_with_foreign_keys_and_full_text(
    released: Path,
) -> None:
    db = sqlite_utils.Database(released / "actions.db")
    assert {"actions", "structures", "organisations", "concepts", "territories"} <= set(
        db.table_names()
    )
    assert {"action_themes", "action_publics", "action_partners", "action_initiators"} <= set(
        db.table_names()
    )
    csv_rows = _rows(released)
    assert db["actions"].count == 25
    assert db["structures"].count == len({r["structure_iri"] for r in csv_rows.values()})
    assert {fk.other_table for fk in db["actions"].foreign_keys} == {"structures"}
    assert {fk.other_table for fk in db["action_themes"].foreign_keys} == {"actions", "concepts"}
    assert {fk.other_table for fk in db["structures"].foreign_keys} == {"territories"}
    assert list(db.execute("PRAGMA foreign_key_check").fetchall()) == []
    joined = db.execute(
        "SELECT a.*, s.name AS structure, s.departement_written AS departement "
        "FROM actions a JOIN structures s ON s.iri = a.structure_iri"
    )
    names = [d[0] for d in joined.description]
    rows = {
        int(row["source_line"]): row
        for row in (
            {
                n: "" if v is None else str(v).removesuffix(".0")
                for n, v in zip(names, values, strict=True)
            }
            for values in joined.fetchall()
        )
    }
    assert _missing(rows) == []
    # themes through the link table: CAFE DES PARENTS (line 210) is about « Parentalité »
    themes = db.execute(
        "SELECT c.label_fr FROM action_themes t JOIN concepts c ON c.iri = t.concept "
        "JOIN actions a ON a.action = t.action WHERE a.title = 'CAFE DES PARENTS'"
    ).fetchall()
    assert ("Parentalité",) in themes
    # full-text search, accents folded: « parentalite » finds it
    found = db.execute(
        "SELECT a.title FROM actions_fts f JOIN actions a ON a.rowid = f.rowid "
        "WHERE actions_fts MATCH 'parentalite'"
    ).fetchall()
    assert ("CAFE DES PARENTS",) in found
