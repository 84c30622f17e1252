"""Commune detection in structure names: precision first, no wrong link, honest about mergers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from converter.convert import convert
from converter.territory import Cog, CommuneMatch, load_cog
from converter.text import fold
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
    # linked by their texts (issue 16, converter/linking/communes.py): lines 298, 1067, 456
    "CENTRE SOCIAL LA SOURCE": ("97119", "Ville de Petit-Canal"),
    "CENTRE SOCIAL PARTAGE FAOURETTE": ("31555", "Mairie de Toulouse"),
    "LES MAISONS POUR TOUS": ("72095", "ville de Coulaines"),
    'Centre Social "VILLE PLURIELLE" Place Neruda Allende': (None, ""),
    "CENTRE SOCIAL ET CULTUREL JEAN-MONTSARRAT": (None, ""),
    "MPT-CS LES CAILLOLS - Synergie Family": (None, ""),
    "CENTRE SOCIAL IMAGINE": (None, ""),
    "CAVL CLÉ DE CONTACTS": (None, ""),
    "Centre Social Val Plan Bégudes": (None, ""),
    "OIKOS - CENTRE CULTUREL ET SOCIAL DES BARRES ET DU MONT": (None, ""),
    "CENTRE SOCIAL D'EMPALOT": (None, ""),
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


@pytest.mark.parametrize(
    ("name", "departement", "code", "inner"),
    [
        # Martigues (13056) ends the name of Châteauneuf-les-Martigues (13026)
        ("Centre social de Châteauneuf-les-Martigues", "13", "13026", "Martigues"),
        # Anglars (46004) starts the name of Anglars-Juillac (46005)
        ("Foyer rural d'Anglars-Juillac", "46", "46005", "Anglars"),
    ],
)
def test_a_commune_named_inside_a_longer_name_is_not_a_second_match(
    name: str, departement: str, code: str, inner: str
) -> None:
    cog = load_cog()
    match = cog.find_commune(name, cog.departements[departement])
    assert match.commune is not None and match.commune.code == code
    assert [c.code for c in match.candidates] == [code]
    alone = cog.find_commune(f"Centre social {inner}", cog.departements[departement])
    assert alone.commune is not None and alone.commune.name == inner


def test_notes_say_which_commune_was_recognised_and_how() -> None:
    cog = load_cog()
    dechy = cog.find_commune("CS HENRI MARTEL DECHY", cog.departements["59"])
    assert dechy.note == "commune reconnue dans le nom : « DECHY »"  # a commune: nothing more
    sousceyrac = cog.find_commune("Foyer rural de Sousceyrac", cog.departements["46"])
    assert sousceyrac.note.startswith("commune reconnue dans le nom : « Sousceyrac » (")
    assert "« Sousceyrac » est commune déléguée ou associée de Sousceyrac-en-Quercy" in (
        sousceyrac.note
    )
    name = "ASSOCIATION SEGALA LIMARGUE CENTRE SOCIAL LEYME-LACAPELLE MARIVAL"
    both = cog.find_commune(name, cog.departements["46"])
    assert both.commune is None and both.evidence == "LEYME; LACAPELLE MARIVAL"
    assert both.note == "plusieurs communes dans le nom : Leyme (46170), Lacapelle-Marival (46143)"
    none = cog.find_commune("CENTRE SOCIAL IMAGINE", cog.departements["46"])
    assert none == CommuneMatch(None, note="aucun nom de commune du département dans le nom")


def test_a_departement_without_communes_matches_nothing() -> None:
    lot = load_cog().departements["46"]
    bare = Cog(2026, Path("."), departements={"46": lot})  # a COG without its commune table
    assert bare.find_commune("Centre social de Leyme", lot).commune is None


# Rows of data/cog/mouvements-communes.csv, checked by hand: (MOD, date, former name and code,
# département, the commune it went into as the note names it).
MERGED = [
    ("31", "2007-06-29", "Guitalens", "81", "Guitalens-L'Albarède (81132)"),
    ("32", "2025-01-01", "Filain", "02", "Pargny-et-Filain (02589)"),
    ("33", "1973-01-01", "Bouvent", "01", "Oyonnax (01283)"),
    ("34", "2026-01-01", "Rignat", "01", "Bohas-Meyriat-Rignat (01245)"),
    ("31", "1965-02-15", "Vésenex-Crassy", "01", "Divonne-les-Bains (01143)"),
    # went into Couvains (61136), since then itself a commune déléguée: no current commune
    ("31", "2002-01-01", "Marnefer", "61", "code 61136"),
]


@pytest.mark.parametrize(("mod", "date", "former", "departement", "into"), MERGED)
def test_each_kind_of_merger_notes_the_former_commune(
    mod: str, date: str, former: str, departement: str, into: str
) -> None:
    cog = load_cog()
    match = cog.find_commune(f"Centre social de {former}", cog.departements[departement])
    assert (match.commune, match.candidates) == (None, ())
    assert match.evidence.split() == [fold(w) for w in re.findall(r"[^\W_]+", former)]
    assert match.note == (
        f"« {former} » est une ancienne commune, fusionnée le {date} dans {into} : "
        "pas de lien, la commune actuelle n'est pas nommée"
    )


@pytest.mark.parametrize(
    ("former", "departement"),
    [
        ("Hocmont", "08"),  # MOD 30, 1968: a commune suppressed, not merged
        ("Saline", "14"),  # MOD 21, 2019: a commune nouvelle split back into its communes
    ],
)
def test_other_movements_are_not_mergers(former: str, departement: str) -> None:
    cog = load_cog()
    match = cog.find_commune(f"Centre social de {former}", cog.departements[departement])
    assert match.note == "aucun nom de commune du département dans le nom"


@pytest.mark.parametrize(
    ("name", "departement", "code", "note"),
    [
        # Cordieux (01120) is a commune associée of Montluel (01262)
        (
            "Centre social de Cordieux",
            "01",
            "01262",
            "commune reconnue dans le nom : « Cordieux » "
            "(« Cordieux » est commune déléguée ou associée de Montluel)",
        ),
        # a name in capitals, as structures are written, with the ligature: Bonnœil (14087)
        ("FOYER DE BONNŒIL", "14", "14087", "commune reconnue dans le nom : « BONNŒIL »"),
        # an arrondissement municipal (ARM) is neither a commune nor a commune déléguée
        (
            "Centre social Marseille 13e Arrondissement",
            "13",
            "13055",
            "commune reconnue dans le nom : « Marseille »",
        ),
    ],
)
def test_communes_associees_ligatures_and_arrondissements(
    name: str, departement: str, code: str, note: str
) -> None:
    cog = load_cog()
    match = cog.find_commune(name, cog.departements[departement])
    assert match.commune is not None and (match.commune.code, match.note) == (code, note)


def test_a_commune_merged_across_departements_is_noted_in_its_successors() -> None:
    """Dommerville (28131, Eure-et-Loir) was merged on 1974-11-01 into Angerville (91016,
    Essonne), as `mouvements-communes.csv` says: its name is noted among the communes of the
    Essonne, where it now lies, not of the Eure-et-Loir (kills the surviving mutant that took
    the département from the former code)."""
    cog = load_cog()
    essonne = cog.find_commune("CENTRE SOCIAL DE DOMMERVILLE", cog.departements["91"])
    assert essonne.commune is None
    assert essonne.note == (
        "« Dommerville » est une ancienne commune, fusionnée le 1974-11-01 dans Angerville "
        "(91016) : pas de lien, la commune actuelle n'est pas nommée"
    )
    eure_et_loir = cog.find_commune("CENTRE SOCIAL DE DOMMERVILLE", cog.departements["28"])
    assert eure_et_loir.note == "aucun nom de commune du département dans le nom"
