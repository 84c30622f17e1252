"""The 25 real fiches of the bundled dump: counts, hand-checked records, nothing lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from converter.model import ParseResult
from converter.reader import header_of
from converter.tabular import record_to_json
from tests.conftest import DATA, SEED

EXPECTED = sorted((DATA / "expected").glob("*.json"))


def test_seed_has_25_fiches_all_parsed_none_rejected(seed: ParseResult) -> None:
    assert seed.fiches_found == 25
    assert len(seed.records) == 25
    assert seed.rejected == []
    assert seed.warnings == []


def test_hand_checked_fixtures_cover_the_six_named_fiches() -> None:
    assert len(EXPECTED) == 6


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
def test_record_equals_hand_checked_expectation(seed: ParseResult, path: Path) -> None:
    expected = json.loads(path.read_text(encoding="utf-8"))
    by_first_line = {r.source.first_line: r for r in seed.records}
    record = by_first_line[expected["source"]["first_line"]]
    got = record_to_json(record)
    assert got["source"]["last_line"] == expected["source"]["last_line"]
    assert got["source"]["file"] == str(SEED)
    for name, value in expected.items():
        if name != "source":
            assert got[name] == value, name


def test_every_content_line_of_every_seed_fiche_is_in_its_record(seed: ParseResult) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for record in seed.records:
        span = lines[record.source.first_line - 1 : record.source.last_line]
        assert span[0] == "Actions" and span[1] == record.title
        found = (
            "\n".join("\n".join(v) if isinstance(v, tuple) else v for v in record.values().values())
            + f"\n{record.structure} - {record.departement}"
        )
        for offset, line in enumerate(span[2:], start=record.source.first_line + 2):
            if header_of(line) is not None or line.strip() in ("", "-"):
                continue
            text = re.sub(r"^- ", "", line)
            assert text in found, f"line {offset} lost: {line!r}"


def test_both_bienvenue_fiches_are_two_records_of_two_structures(seed: ParseResult) -> None:
    bienvenue = [r for r in seed.records if r.title.startswith("Bienvenue !")]
    assert len(bienvenue) == 2
    assert {r.structure for r in bienvenue} == {
        "ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LEYME-LACAPELLE MARIVAL",
        "ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LATRONQUIERE SOUSCEYRAC",
    }


@pytest.mark.parametrize(
    ("title", "structure", "departement"),
    [
        ("Conseil d'usagers", "MPT-CS LES CAILLOLS - Synergie Family", "Bouches-du-Rhône"),
        (
            'De nous à vous, de vous à nous vers un "Je " Collectif',
            "OIKOS - CENTRE CULTUREL ET SOCIAL DES BARRES ET DU MONT",
            "Territoire de Belfort",
        ),
        ("DIAGNOSTIC EN MARCHANT", "CENTRE SOCIO-CULTUREL DE SAINT- LOUIS", "Haut-Rhin"),
        ("Fête de quartier de Chennevières", "MAISON DE QUARTIER CHENNEVIERES", "Val-d'Oise"),
        (
            "Faciliter l'accès au droit et à l'information",
            "CENTRE SOCIAL MAROC, CREUTZWALD",
            "Moselle",
        ),
    ],
)
def test_organiser_line_splits_on_its_last_separator(
    seed: ParseResult, title: str, structure: str, departement: str
) -> None:
    record = next(r for r in seed.records if r.title == title)
    assert (record.structure, record.departement) == (structure, departement)


def test_fiches_without_attached_files_header_still_parse(seed: ParseResult) -> None:
    titles = {r.title for r in seed.records if "files" not in dict(r.source.field_lines)}
    assert titles == {"Conseil d'usagers", "Espace multimédia"}


def test_demos_precision_keeps_its_three_lines(seed: ParseResult) -> None:
    demos = next(r for r in seed.records if r.title == "DEMOS")
    assert demos.initiator_precision == (
        "Philharmonie de Paris\nCaisse d'allocation familiale du Maine et Loire\nLes familles"
    )
    assert demos.initiators == ("Le centre social", "Un ou plusieurs partenaire(s)", "Autre")
    assert demos.description == "" and demos.funding == "" and demos.staffing == ""


def test_free_text_line_starting_with_actions_does_not_split_a_fiche(seed: ParseResult) -> None:
    leyme = next(r for r in seed.records if r.source.first_line == 74)
    assert "- Actions collectives d'insertion sociale" in leyme.description


def test_statuses_and_dimensions_are_read_as_single_values(seed: ParseResult) -> None:
    assert {r.status for r in seed.records} == {"En cours", "Terminée"}
    assert sum(r.status == "Terminée" for r in seed.records) == 3
    assert {r.dimension for r in seed.records} == {
        "Accompagnement de projets",
        "Citoyenneté",
        "Services",
    }


def test_rendering_the_seed_records_gives_back_the_seed_text(seed: ParseResult) -> None:
    """Every line in its field and in its order: the records rewritten in the fiche format are
    the dump itself, but for the « Fichier(s) associé(s) » header that two fiches lack (render
    always writes it) and the dump's missing final newline."""
    from converter.reader import render

    original = SEED.read_text(encoding="utf-8").split("\n")
    rendered = render(seed.records).rstrip("\n").split("\n")
    without_files_header = {"Conseil d'usagers", "Espace multimédia"}
    expected = []
    for index, line in enumerate(original):
        expected.append(line)
        if line == "- Structure organisatrice" and original[index - 1] in without_files_header:
            expected += [original[index + 1], "- Fichier(s) associé(s)"]
            original[index + 1] = None  # type: ignore[call-overload]
    expected = [line for line in expected if line is not None]
    assert rendered == expected
