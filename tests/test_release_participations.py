"""participations.csv: who takes part in each action, read by the consumers of tables
(frictionless, csvw, openpyxl, sqlite), against the hand-made table of the example
(tests/data/expected/organisations.csv)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import csvw
import frictionless
import openpyxl
import sqlite_utils

from converter.release.participations import COLUMNS
from tests.test_release import converted, released

__all__ = ["converted", "released"]

EXPECTED = Path(__file__).parent / "data" / "expected" / "organisations.csv"
ROLES = {"partner": "partenaire", "funder": "financeur"}


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _by_fiche(released: Path) -> dict[int, list[dict[str, str]]]:
    """The participations of each action, by the first line of its fiche."""
    action_line = {r["action"]: int(r["source_line"]) for r in _csv(released / "actions.csv")}
    found: dict[int, list[dict[str, str]]] = {}
    for row in _csv(released / "participations.csv"):
        found.setdefault(action_line[row["action"]], []).append(row)
    return found


def _expected() -> list[dict[str, str]]:
    return [r for r in _csv(EXPECTED) if r["counted"] == "oui"]


def test_every_organisation_the_reader_found_with_its_territory_is_a_row(released: Path) -> None:
    """Each hand-checked organisation whose territory the fiche makes certain (« la CAF 46 »,
    « la Ville de Petit-Canal ») is in the table, with its action, type, territory and role:
    what a CAF filters on (« actions we take part in, in our département »)."""
    found = _by_fiche(released)
    rows = [r for r in _expected() if r["territory"]]
    assert len(rows) >= 50
    for row in rows:
        code = row["territory"].partition(":")[2]
        assert any(
            p["organisation_type_code"] == (row["said_type"] or row["type"])
            and p["territory_code"] == code
            and p["role"] == ROLES[row["role"]]
            for p in found[int(row["fiche_line"])]
        ), row


def test_every_amount_the_reader_found_is_on_its_funders_row(released: Path) -> None:
    """The amounts of the hand table (« Mairie de Toulouse: 6 000 € », « ASP:: 18 300 € », the
    État's 136,200 €), on the row of that funder in that action; « ANDES : 5000 » is the one
    funder the rules miss (benchmarks/RESULTS.md)."""
    found = _by_fiche(released)
    rows = [r for r in _expected() if r["amount"] and r["name"] != "ANDES"]
    assert len(rows) == 9
    for row in rows:
        code = row["territory"].partition(":")[2]
        assert any(
            p["organisation_type_code"] == row["type"]
            and p["territory_code"] == code
            and p["role"] == "financeur"
            and p["amount_eur"] == row["amount"]
            for p in found[int(row["fiche_line"])]
        ), row


def test_each_row_keeps_its_evidence_and_names_the_organisation(released: Path) -> None:
    rows = _csv(released / "participations.csv")
    assert list(rows[0]) == [c.name for c in COLUMNS]
    for row in rows:
        assert row["evidence_text"] and row["evidence_field"] and row["rule"], row
        assert row["organisation_name"] and row["organisation_type"], row
    cimade = next(r for r in rows if r["organisation"].endswith("/cimade"))
    assert (cimade["organisation_type"], cimade["organisation_type_code"]) == (
        "Type non précisé",
        "non-precise",
    )
    keys = [(r["action"], r["organisation"], r["role"]) for r in rows]
    assert len(keys) == len(set(keys))


def test_its_table_schema_and_csvw_description_validate_it(released: Path, tmp_path: Path) -> None:
    descriptor = json.loads((released / "participations.schema.json").read_text("utf-8"))
    assert [f["name"] for f in descriptor["fields"]] == [c.name for c in COLUMNS]
    assert descriptor["primaryKey"] == ["action", "organisation", "role"]
    schema = frictionless.Schema.from_descriptor(descriptor)
    report = frictionless.validate(
        frictionless.Resource(path="participations.csv", basepath=str(released), schema=schema)
    )
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])
    described = csvw.CSVW(str(released / "participations.csv-metadata.json"), validate=True)
    assert described.is_valid, described.warnings
    # the checks are real: an amount that is not a number breaks both
    for name in ("participations.csv", "participations.csv-metadata.json"):
        (tmp_path / name).write_bytes((released / name).read_bytes())
    text = (tmp_path / "participations.csv").read_text("utf-8").replace(",18300,", ",beaucoup,")
    (tmp_path / "participations.csv").write_text(text, "utf-8")
    broken = frictionless.validate(
        frictionless.Resource(path="participations.csv", basepath=str(tmp_path), schema=schema)
    )
    assert not broken.valid
    assert not csvw.CSVW(str(tmp_path / "participations.csv-metadata.json"), validate=True).is_valid


def test_the_workbook_and_the_database_hold_the_same_rows(released: Path) -> None:
    rows = _csv(released / "participations.csv")
    sheet = openpyxl.load_workbook(released / "actions.xlsx")["participations"]
    header, *lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert header == [c.name for c in COLUMNS]
    in_sheet = [
        {
            str(h): "" if v is None else str(v).removesuffix(".0")
            for h, v in zip(header, line, strict=True)
        }
        for line in lines
    ]
    assert in_sheet == rows
    db = sqlite_utils.Database(released / "actions.db")
    assert db["participations"].count == len(rows)
    assert {fk.other_table for fk in db["participations"].foreign_keys} == {
        "actions",
        "organisations",
    }
    assert list(db.execute("PRAGMA foreign_key_check").fetchall()) == []
    # the question of a CAF, in SQL: what the CAF of the Lot (46) takes part in
    lot = db.execute(
        "SELECT DISTINCT a.title, p.role FROM participations p "
        "JOIN organisations o ON o.iri = p.organisation JOIN actions a ON a.action = p.action "
        "WHERE o.type_code = 'caf' AND o.territory_code = '46' ORDER BY 1, 2"
    ).fetchall()
    assert lot == [
        ("Bienvenue ! Accueil de nouvelles populations en Ségala-Limargue", "financeur"),
        ("Bienvenue ! Accueil de nouvelles populations en Ségala-Limargue", "partenaire"),
    ]


def test_the_dictionary_and_the_readme_describe_it(released: Path) -> None:
    dictionary = (released / "dictionnaire.html").read_text("utf-8")
    part = dictionary[dictionary.index('id="participations"') : dictionary.index('id="proprietes"')]
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in part, column.name
    assert "participations.csv" in (released / "LISEZMOI.md").read_text("utf-8")


def test_the_site_of_a_released_folder_offers_it_for_download(
    converted: Path, released: Path, tmp_path: Path
) -> None:
    """The site's downloads take the release's table of participations, when ``data``
    holds a release in ``release/`` (as ``make run`` writes it)."""
    import shutil

    from converter.site.build import build_site

    data = tmp_path / "data"
    shutil.copytree(converted, data, symlinks=True)
    shutil.copytree(released, data / "release")
    build_site(data, tmp_path / "site")
    offered = tmp_path / "site" / "telechargements" / "participations.csv"
    assert offered.read_bytes() == (released / "participations.csv").read_bytes()
    home = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert "les partenaires et financeurs des actions (CSV)" in home
