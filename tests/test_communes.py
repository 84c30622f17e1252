"""Commune detection in structure names: precision first, no wrong link, honest about mergers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from converter.convert import convert
from converter.territory import load_cog
from tests.conftest import SEED

# Checked by hand against the COG 2026 (data/cog/v_commune_2026.csv): the commune each seed
# structure names, or None and why it must stay unlinked.
EXPECTED = {
    "CENTRE SOCIAL GISELE HALIMI ALLONNES": ("72003", "ALLONNES"),
    "CENTRE SOCIAL JEAN VILAR ANGERS": ("49007", "ANGERS"),
    "CENTRE SOCIO-CULTUREL DE SAINT- LOUIS": ("68297", "SAINT- LOUIS"),
    "CS HENRI MARTEL DECHY": ("59170", "DECHY"),
    "CENTRE SOCIAL MAROC, CREUTZWALD": ("57160", "CREUTZWALD"),
    # two communes named: Leyme (46170) and Lacapelle-Marival (46143)
    "ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LEYME-LACAPELLE MARIVAL": (None, ""),
    # Latronquière (46160) and Sousceyrac, commune déléguée of Sousceyrac-en-Quercy (46311)
    "ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LATRONQUIERE SOUSCEYRAC": (None, ""),
    # a quartier of Conflans-Sainte-Honorine; Chennevières-lès-Louvres (95) is another commune
    "MAISON DE QUARTIER CHENNEVIERES": (None, ""),
    # a quartier of Laval: no commune Saint-Nicolas in Mayenne
    "Maison de quartier de Saint Nicolas": (None, ""),
    # quartiers and names of places that are no commune of their département
    "Association socioculturelle Courteline": (None, ""),
    "CENTRE SOCIAL LA SOURCE": (None, ""),
    'Centre Social "VILLE PLURIELLE" Place Neruda Allende': (None, ""),
    "CENTRE SOCIAL ET CULTUREL JEAN-MONTSARRAT": (None, ""),
    "LES MAISONS POUR TOUS": (None, ""),
    "MPT-CS LES CAILLOLS - Synergie Family": (None, ""),
    "CENTRE SOCIAL IMAGINE": (None, ""),
    "CAVL CLÉ DE CONTACTS": (None, ""),
    "Centre Social Val Plan Bégudes": (None, ""),
    "OIKOS - CENTRE CULTUREL ET SOCIAL DES BARRES ET DU MONT": (None, ""),
    "CENTRE SOCIAL D'EMPALOT": (None, ""),
    "CENTRE SOCIAL PARTAGE FAOURETTE": (None, ""),
    "Le point commun centre social": (None, ""),
    "MQMP": (None, ""),
}


@pytest.fixture(scope="module")
def territories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    folder = tmp_path_factory.mktemp("communes")
    convert([SEED], folder)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return {t["name"]: t for t in report["territories"]}


def test_every_seed_structure_has_a_hand_checked_expectation(
    territories: dict[str, dict[str, object]],
) -> None:
    assert set(territories) == set(EXPECTED)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_seed_structure_commune_link(
    territories: dict[str, dict[str, object]], name: str, expected: tuple[str | None, str]
) -> None:
    territory = territories[name]
    assert (territory["commune"], territory["evidence"] if expected[0] else "") == expected
    assert territory["departement"] is not None and territory["region"] is not None
    assert territory["note"]


def test_ambiguous_names_list_their_candidates(territories: dict[str, dict[str, object]]) -> None:
    leyme = territories["ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LEYME-LACAPELLE MARIVAL"]
    assert {c["code"] for c in leyme["candidates"]} == {"46170", "46143"}  # type: ignore[union-attr, index]
    latronquiere = territories["ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LATRONQUIERE SOUSCEYRAC"]
    assert {c["code"] for c in latronquiere["candidates"]} == {"46160", "46311"}  # type: ignore[union-attr, index]


@pytest.mark.parametrize(
    ("name", "departement", "code"),
    [
        ("Centre social de St-Louis", "68", "68297"),
        ("CENTRE SOCIAL SAINT LOUIS", "68", "68297"),
        ("centre social de creutzwald", "57", "57160"),
        ("Maison pour tous Mons en Baroeul", "59", "59410"),
        ("MJC du Mans", "72", None),  # the commune is « Le Mans »: « Mans » alone is no commune
        ("MJC LE MANS", "72", "72181"),
        ("Centre social Allonnes", "49", "49002"),  # same name, other département
    ],
)
def test_normalisation_rules(name: str, departement: str, code: str | None) -> None:
    cog = load_cog()
    match = cog.find_commune(name, cog.departements[departement])
    assert (match.commune.code if match.commune else None) == code


def test_commune_deleguee_alone_links_its_commune_nouvelle() -> None:
    cog = load_cog()
    match = cog.find_commune("Foyer rural de Sousceyrac", cog.departements["46"])
    assert match.commune is not None and match.commune.code == "46311"
    assert "Sousceyrac-en-Quercy" in match.note and match.evidence == "Sousceyrac"


def test_former_commune_is_noted_never_linked() -> None:
    cog = load_cog()
    lot = cog.departements["46"]
    names = [
        "Centre social " + " ".join(words)
        for entries in cog.former["46"].values()
        for words, _ in entries
    ]
    # a merged commune that is now a commune déléguée is linked through it; the others are not
    gone = [n for n in names if not cog.find_commune(n, lot).candidates]
    assert gone
    for name in gone:
        match = cog.find_commune(name, lot)
        assert match.commune is None and "ancienne commune" in match.note, name


def test_search_stays_inside_the_departement() -> None:
    cog = load_cog()
    assert cog.find_commune("CS HENRI MARTEL DECHY", cog.departements["62"]).commune is None


def test_cog_directory_option_reads_another_edition(tmp_path: Path) -> None:
    for name in ("v_region_2026.csv", "v_departement_2026.csv", "v_commune_2026.csv"):
        (tmp_path / name.replace("2026", "2027")).write_bytes(
            (load_cog().folder / name).read_bytes()
        )
    cog = load_cog(tmp_path)
    assert cog.year == 2027 and len(cog.communes) == 34875 and cog.former == {}
