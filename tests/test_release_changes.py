"""``cskg release --previous``: a modified copy of the example (one fiche changed, one removed,
one added) lists exactly those three, in changements.md, changements.csv and the catalogue."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import rdflib
from typer.testing import CliRunner

from converter.cli import app
from converter.convert import convert
from converter.release import load_config, release
from tests.conftest import ROOT, SEED

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")
SUMMARY = (
    "- Chaque mardi, un temps est proposé aux parents pour échanger et apprendre ensemble par "
    "le biais de projets et de débats."
)
NEW_FICHE = """Actions
Jardin partagé du quartier
- Structure organisatrice
- CENTRE SOCIAL GISELE HALIMI ALLONNES - Sarthe
- Fichier(s) associé(s)
- Statut de l'action
- En cours
- Résumé
- Un jardin cultivé ensemble par les habitants.
"""


def _modified_copy(folder: Path) -> Path:
    """The example with CAFE DES PARENTS' summary changed, « Bienvenue ! Accueil de nouvelles
    populations en Ségala-Limargue » (lines 142-209) removed and one fiche added at the end."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[141] == "Actions" and lines[142].startswith("Bienvenue ! Accueil")
    assert lines[209] == "Actions" and lines[224] == SUMMARY
    lines[224] = SUMMARY + " Les enfants sont accueillis à côté."
    kept = lines[:141] + lines[209:]
    path = folder / "fiches.txt"
    path.write_text("\n".join(kept) + "\n" + NEW_FICHE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("changes")
    convert([SEED], base / "converted-1")
    first = base / "release-1"
    config = load_config(ROOT / "release.toml", issued="2026-11-25", version="1")
    release(base / "converted-1", first, config)
    convert([_modified_copy(base)], base / "converted-2")
    second = base / "release-2"
    release(
        base / "converted-2", second, load_config(ROOT / "release.toml", issued="2026-12-01"), first
    )
    return first, second


def test_changelog_lists_exactly_the_three_changes(releases: tuple[Path, Path]) -> None:
    first, second = releases
    assert not (first / "changements.csv").exists()
    with (second / "changements.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert sorted((r["change"], r["title"]) for r in rows) == [
        ("ajoutée", "Jardin partagé du quartier"),
        ("modifiée", "CAFE DES PARENTS"),
        ("retirée", "Bienvenue ! Accueil de nouvelles populations en Ségala-Limargue"),
    ]
    changed = next(r for r in rows if r["change"] == "modifiée")
    assert changed["sha256_before"] != changed["sha256_after"]
    text = (second / "changements.md").read_text(encoding="utf-8")
    assert "1 action(s) ajoutée(s), 1 retirée(s), 1 modifiée(s)" in text
    assert "Jardin partagé du quartier" in text and "CAFE DES PARENTS" in text


def test_catalogue_says_which_version_follows_which(releases: tuple[Path, Path]) -> None:
    first, second = releases
    graph = rdflib.Graph().parse(second / "catalog.ttl")
    (dataset,) = graph.subjects(rdflib.RDF.type, DCAT.Dataset)
    assert str(graph.value(dataset, DCAT.version)) == "2"  # the previous one was "1"
    notes = str(graph.value(dataset, ADMS.versionNotes))
    assert notes.startswith("Par rapport à la version 1 : 1 action(s) ajoutée(s)")
    earlier = graph.value(dataset, DCAT.previousVersion)
    assert earlier is not None and str(graph.value(earlier, DCAT.version)) == "1"
    assert (earlier, rdflib.RDF.type, DCAT.Dataset) not in graph  # not a second dataset
    described = {str(u).rsplit("/", 1)[-1] for u in graph.objects(None, DCAT.downloadURL)}
    assert {"changements.md", "changements.csv"} <= described


def test_same_release_twice_has_no_change_and_the_same_bytes(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = releases
    again = tmp_path / "again"
    config = load_config(ROOT / "release.toml", issued="2026-12-01")
    release(second.parent / "converted-2", again, config, first)
    for path in second.rglob("*"):
        if path.is_file():
            assert (again / path.relative_to(second)).read_bytes() == path.read_bytes(), path
    same = tmp_path / "same"
    release(second.parent / "converted-2", same, config, second)
    with (same / "changements.csv").open(encoding="utf-8", newline="") as stream:
        assert list(csv.DictReader(stream)) == []
    # released again into the same folder without --previous: no stale changelog is left
    release(second.parent / "converted-2", same, config)
    assert not (same / "changements.csv").exists() and not (same / "changements.md").exists()


def test_cli_previous_and_its_errors(releases: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = releases
    data = str(second.parent / "converted-2")
    runner = CliRunner()
    ok = runner.invoke(
        app, ["release", "--data", data, "-o", str(tmp_path / "r"), "--previous", str(first)]
    )
    assert ok.exit_code == 0, ok.output
    assert "1 action(s) ajoutée(s), 1 retirée(s), 1 modifiée(s)" in ok.stdout
    assert "« base_url » garde la valeur de l'exemple" in ok.stderr
    missing = runner.invoke(
        app,
        [
            "release",
            "--data",
            data,
            "-o",
            str(tmp_path / "x"),
            "--previous",
            str(tmp_path / "absente"),
        ],
    )
    assert missing.exit_code == 2 and "publication précédente introuvable" in missing.stderr
