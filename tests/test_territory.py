"""Départements written in fiches resolve to exactly one INSEE code, or to none."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.errors import InputError
from converter.model import ParseResult
from converter.territory import load_cog

# Checked by hand against INSEE's COG 2026 (data/cog/v_departement_2026.csv, v_region_2026.csv).
SEED_DEPARTEMENTS = {
    "Sarthe": ("72", "52"),
    "Lot": ("46", "76"),
    "Indre-et-Loire": ("37", "24"),
    "Guadeloupe": ("971", "01"),
    "Meurthe-et-Moselle": ("54", "44"),
    "Aude": ("11", "76"),
    "Mayenne": ("53", "52"),
    "Bouches-du-Rhône": ("13", "93"),
    "Nord": ("59", "32"),
    "Creuse": ("23", "75"),
    "Territoire de Belfort": ("90", "27"),
    "Maine-et-Loire": ("49", "52"),
    "Haut-Rhin": ("68", "44"),
    "Haute-Garonne": ("31", "76"),
    "Moselle": ("57", "44"),
    "Haute-Marne": ("52", "44"),
    "Loire-Atlantique": ("44", "52"),
    "Val-d'Oise": ("95", "11"),
}


def test_cog_has_101_departements_and_its_year() -> None:
    cog = load_cog()
    assert cog.year == 2026 and len(cog.departements) == 101


def test_every_seed_departement_is_in_the_hand_checked_table(seed: ParseResult) -> None:
    assert {r.departement for r in seed.records} == set(SEED_DEPARTEMENTS)


@pytest.mark.parametrize(("label", "codes"), sorted(SEED_DEPARTEMENTS.items()))
def test_seed_departement_resolves_to_its_code_and_region(
    label: str, codes: tuple[str, str]
) -> None:
    departement = load_cog().resolve_departement(label).departement
    assert departement is not None
    assert (departement.code, departement.region.code) == codes


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("val d'oise", "95"),
        ("VAL-D’OISE", "95"),
        ("Bouches du Rhone", "13"),
        ("territoire  de  belfort", "90"),
        ("Seine-St-Denis", "93"),
        ("Seine St Denis", "93"),
        ("72", "72"),
        ("2a", "2A"),
        ("2B", "2B"),
        ("971", "971"),
        ("1", "01"),
        ("Côtes d'Armor", "22"),
        ("valdoise", "95"),  # labels compare as fold compares them: without separators
    ],
)
def test_label_variants_and_codes_resolve(label: str, code: str) -> None:
    departement = load_cog().resolve_departement(label).departement
    assert departement is not None and departement.code == code


@pytest.mark.parametrize(
    ("label", "candidate"),
    [
        ("Sartre", "Sarthe"),
        ("Corse", "Corse-du-Sud"),
        ("Haute Savoy", "Haute-Savoie"),
        ("20", None),
    ],
)
def test_unknown_or_ambiguous_labels_resolve_to_none_with_candidates(
    label: str, candidate: str | None
) -> None:
    resolution = load_cog().resolve_departement(label)
    assert resolution.departement is None
    if candidate is not None:
        assert candidate in resolution.candidates


def test_region_of_every_departement_matches_the_cog_table() -> None:
    import csv

    cog = load_cog()
    with (cog.folder / "v_departement_2026.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {row["DEP"]: row["REG"] for row in rows} == {
        code: d.region.code for code, d in cog.departements.items()
    }


def test_a_label_of_three_letters_proposes_every_departement_containing_it() -> None:
    # the départements whose names hold « gar » (data/cog/v_departement_2026.csv)
    resolution = load_cog().resolve_departement("Gar")
    assert resolution.departement is None
    assert set(resolution.candidates) == {
        "Gard",
        "Haute-Garonne",
        "Lot-et-Garonne",
        "Tarn-et-Garonne",
    }


def test_at_most_five_candidates_are_proposed() -> None:
    candidates = load_cog().resolve_departement("Haute").candidates
    assert len(candidates) == 5  # ten names hold « haute »
    assert all("haute" in c.lower() for c in candidates)


def _edition(tmp_path: Path, *names: str) -> Path:
    for name in names:
        (tmp_path / name).write_bytes((load_cog().folder / name).read_bytes())
    return tmp_path


def test_a_missing_cog_table_is_named(tmp_path: Path) -> None:
    _edition(tmp_path, "v_departement_2026.csv")
    with pytest.raises(InputError) as caught:
        load_cog(tmp_path)
    assert caught.value.message == "table du COG introuvable"
    assert caught.value.path == str(tmp_path / "v_region_2026.csv")
    assert caught.value.exit_code == 2


def test_a_cog_table_not_in_utf8_is_named(tmp_path: Path) -> None:
    _edition(tmp_path, "v_departement_2026.csv", "v_commune_2026.csv")
    region = (load_cog().folder / "v_region_2026.csv").read_text(encoding="utf-8")
    (tmp_path / "v_region_2026.csv").write_bytes(region.encode("latin-1"))  # « Île-de-France »
    with pytest.raises(InputError) as caught:
        load_cog(tmp_path)
    assert caught.value.message.startswith("table du COG illisible (")
    assert caught.value.path == str(tmp_path / "v_region_2026.csv")


def test_cog_tables_with_a_byte_order_mark_read_the_same(tmp_path: Path) -> None:
    for name in (
        "v_region_2026.csv",
        "v_departement_2026.csv",
        "v_commune_2026.csv",
        "decoupage-communes-2026.csv",
        "decoupage-epci-2026.csv",
    ):
        data = (load_cog().folder / name).read_bytes()
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + data)
    cog = load_cog(tmp_path)
    assert cog.departements == load_cog().departements
    assert cog.communes == load_cog().communes


# Territory pack (data/cog/decoupage-*-2026.csv). Values read by hand in the reference
# files (shared/reference/etalab-decoupage-administratif-6.0.0/communes.json, epci.json).


def test_a_commune_has_its_siren_population_postcodes_and_epci() -> None:
    toulouse = load_cog().communes["31555"]
    assert (toulouse.siren, toulouse.population) == ("213105554", 514819)
    assert toulouse.postcodes == ("31000", "31100", "31200", "31300", "31400", "31500")
    assert toulouse.epci is not None
    assert (toulouse.epci.code, toulouse.epci.name, toulouse.epci.nature) == (
        "243100518",
        "Toulouse Métropole",
        "METRO",
    )


def test_an_epci_has_its_members_across_departements_and_their_population() -> None:
    cog = load_cog()
    figeac = cog.epcis["200067361"]
    members = cog.members(figeac)
    assert len(members) == 92 and {"46102", "12052"} <= {c.code for c in members}
    assert cog.population(figeac) == sum(c.population or 0 for c in members)


def test_departement_and_region_populations_are_sums_over_the_pack_rows() -> None:
    import csv

    cog = load_cog()
    with (cog.folder / "decoupage-communes-2026.csv").open(encoding="utf-8") as stream:
        rows = [r for r in csv.DictReader(stream) if r["TYPECOM"] == "COM"]
    lot = sum(int(r["POPULATION"]) for r in rows if r["COM"].startswith("46"))
    assert cog.population(cog.departements["46"]) == lot == 176473
    occitanie = sum(
        cog.population(d) or 0 for d in cog.departements.values() if d.region.code == "76"
    )
    assert cog.population(cog.departements["46"].region) == occitanie


def test_island_communes_belong_to_no_epci() -> None:
    assert load_cog().communes["29155"].epci is None  # Ouessant


def test_arrondissements_municipaux_have_their_postcode_and_commune() -> None:
    cog = load_cog()
    marseille = [a for a in cog.arrondissements_municipaux.values() if a.commune.code == "13055"]
    assert len(marseille) == 16 and len(cog.arrondissements_municipaux) == 45
    douze = cog.arrondissements_municipaux["13212"]
    assert (douze.postcodes, douze.population) == (("13012",), 64399)


def test_postcodes_index_every_commune_sharing_them() -> None:
    cog = load_cog()
    assert "46102" in {c.code for c in cog.by_postcode["46100"]}  # Figeac
    assert len(cog.by_postcode["46100"]) == 19  # rows of the pack with 46100 among their postcodes


def test_a_cog_without_the_pack_still_loads_without_populations(tmp_path: Path) -> None:
    _edition(tmp_path, "v_region_2026.csv", "v_departement_2026.csv", "v_commune_2026.csv")
    cog = load_cog(tmp_path)
    assert cog.communes["31555"].population is None and not cog.epcis
    assert cog.population(cog.departements["31"]) is None
