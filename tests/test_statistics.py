"""The budget statistics the conversion derives (converter/statistics.py): right on the fiches,
the same whatever the batches, and what ``budget-par-thematique`` answered before from the
budgets themselves."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter.convert import convert
from converter.paths import QUERIES_DIR
from converter.query import local_store
from converter.statistics import BudgetSummary, Statistics, data_set_lines
from tests.conftest import SEED

THEMES = "https://w3id.org/cskg/vocab/thematique/"
CSKG = "https://w3id.org/cskg/def#"
BEFORE = Path(__file__).parent / "data" / "queries-before" / "budget-par-thematique.rq"
# Read by hand in data/actions_centres_sociaux.txt: the fiches whose « Ressources financières
# mobilisées » state one budget without ambiguity (line of that text: budget), with the themes
# listed under « Mots clés associés à l'action ». The others give no amount (« Pas de budget »,
# a table of 23 amounts, « 38 297.47€ … puis 20 000€ / an », « 27860 Euros, financés à 42%… »
# read as a total with percentages is ambiguous, « charges : 8651 € », « Dépenses : 8538€ »).
BUDGETS = {
    46: (Decimal("30500"), ("solidarite", "democratie-citoyennete", "developpement-durable")),
    351: (Decimal("372100"), ("emploi-economie",)),
    547: (Decimal("5000"), ("democratie-citoyennete",)),
    668: (Decimal("37669"), ("emploi-economie",)),
    1086: (Decimal("31600"), ("democratie-citoyennete", "emploi-economie", "sante")),  # 31 600 €
    1144: (Decimal("3500"), ("emploi-economie",)),
    1434: (Decimal("95000"), ("culture",)),  # « 95k€ »
}


def _observations(path: Path) -> dict[str, dict[str, Decimal]]:
    """The observations of a graph: theme slug -> measure name -> value."""
    found: dict[str, dict[str, Decimal]] = {}
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    for row in store.query(
        f"SELECT ?theme ?p ?v WHERE {{ ?o <{CSKG}refTheme> ?theme ; ?p ?v . "
        "FILTER(isLiteral(?v)) }"
    ):  # type: ignore[union-attr]
        slug = row["theme"].value.removeprefix(THEMES)
        found.setdefault(slug, {})[row["p"].value.removeprefix(CSKG)] = Decimal(row["v"].value)
    return found


def _expected() -> dict[str, dict[str, Decimal]]:
    by_theme: dict[str, list[Decimal]] = {}
    for budget, themes in BUDGETS.values():
        for theme in themes:
            by_theme.setdefault(theme, []).append(budget)
    return {
        theme: {
            "actionCount": Decimal(len(values)),
            "budgetTotal": sum(values, Decimal(0)),
            "budgetMedian": Decimal(statistics.median(values)),
            "budgetMinimum": min(values),
            "budgetMaximum": max(values),
        }
        for theme, values in by_theme.items()
    }


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("statistics")
    convert([SEED], folder)
    return folder


def test_statistics_per_theme_are_those_of_the_fiches_budgets(seed_output: Path) -> None:
    observations = _observations(seed_output / "actions.nt")
    assert observations == _expected()
    # Emploi, économie: 3500, 31600, 37669, 372100: the mean of the two middle ones
    assert observations["emploi-economie"]["budgetMedian"] == Decimal("34634.5")


def test_the_statistics_say_they_are_derived_by_the_conversion(seed_output: Path) -> None:
    store = local_store([seed_output / "actions.ttl"])
    rows = store.query(
        "PREFIX qb: <http://purl.org/linked-data/cube#> SELECT ?description ?component WHERE { "
        f"?o qb:dataSet ?d . ?d a <{CSKG}DerivedStatistics> ; "
        "<http://purl.org/dc/terms/description> ?description ; qb:structure/qb:component/"
        "(qb:dimension|qb:measure|qb:attribute) ?component . FILTER(lang(?description) = 'fr') }"
    )
    found = {(r["description"].value, r["component"].value) for r in rows}  # type: ignore[union-attr]
    assert {c.removeprefix(CSKG) for _, c in found} == {
        "refTheme", "actionCount", "budgetTotal", "budgetMedian", "budgetMinimum", "budgetMaximum",
        "refOrganisationType", "organisationCount", "partnerActionCount", "funderActionCount",
        "refFirstTheme", "refSecondTheme", "sharedActionCount",
        "refPartner", "joinedActionCount", "structureCount",
        "refRegion", "refFunder", "fundedActionCount",
        "refAction", "statedStartYear", "startYearEvidence",
        "refDepartement", "departementActionCount", "regionActionCount",
        "refEpci", "epciActionCount",
    }  # fmt: skip
    assert all("calculées par la conversion" in d for d, _ in found)


@pytest.mark.parametrize(("batch", "jobs"), [(1, 1), (4, 2), (1000, 1)])
def test_the_statistics_bytes_do_not_depend_on_batch_size_or_jobs(
    seed_output: Path, tmp_path: Path, batch: int, jobs: int
) -> None:
    convert([SEED], tmp_path, batch=batch, jobs=jobs, formats=("ntriples",))
    derived = [
        line
        for line in (tmp_path / "actions.nt").read_bytes().splitlines()
        if b"/statistique/" in line
    ]
    assert derived and derived == [
        line
        for line in (seed_output / "actions.nt").read_bytes().splitlines()
        if b"/statistique/" in line
    ]


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.randoms(use_true_random=False))
def test_a_summary_merged_from_any_batches_gives_the_same_lines(
    parts: int, chance: random.Random
) -> None:
    """Each action's lines go to one batch (as the pipeline sends whole fiches); batches are
    summarised apart and merged in any order."""
    actions = []
    for number in range(40):
        action = f"<https://example.org/a{number}>"
        budget = f"<https://example.org/a{number}/budget>"
        amount = chance.choice(["10", "10", "2.5", "300", "7000.25"])
        lines = [f"{action} <{CSKG}budget> {budget} .\n"]
        lines.append(
            f'{budget} <https://schema.org/value> "{amount}"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
        )
        for theme in chance.sample(["culture", "sante", "emploi-economie"], chance.randint(1, 3)):
            lines.append(f"{action} <{CSKG}theme> <{THEMES}{theme}> .\n")
        chance.shuffle(lines)
        actions.append("".join(lines))
    whole = BudgetSummary("https://example.org/")
    whole.add("".join(actions))
    batches = [BudgetSummary("https://example.org/") for _ in range(parts)]
    for text in actions:
        chance.choice(batches).add(text.encode())
    chance.shuffle(batches)
    merged = BudgetSummary("https://example.org/")
    for batch in batches:
        merged.merge(batch)
    assert merged.lines() == whole.lines() != b""


def test_no_budget_no_statistics() -> None:
    summary = BudgetSummary("https://example.org/")
    summary.add(f"<https://example.org/a> <{CSKG}theme> <{THEMES}culture> .\n")
    assert summary.lines() == b""


def _query_rows(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    results = store.query(text)
    names = [v.value for v in results.variables]  # type: ignore[union-attr]
    return [tuple(s[n].value for n in names) for s in results]  # type: ignore[union-attr]


def test_the_query_gives_the_rows_of_the_query_it_replaced(seed_output: Path) -> None:
    store = local_store([seed_output / "actions.ttl"])
    new = _query_rows(store, (QUERIES_DIR / "budget-par-thematique.rq").read_text("utf-8"))
    assert new == _query_rows(store, BEFORE.read_text("utf-8"))
    assert len(new) == 6


@pytest.mark.parametrize(
    ("budgets", "median"),
    [
        ([10, 20, 30, 30], "25"),  # even count, a repeated middle budget: the mean of the two
        ([0, 0, 5, 50], "2.5"),
        ([7], "7"),
        ([9, 10, 100, 1000.5, 99999], "100"),
        ([1500.25, 1500.75], "1500.5"),
        ([5, 50, 500, 5, 50], "50"),
    ],
)
def test_the_median_budget_is_the_middle_one_or_the_mean_of_the_two(
    tmp_path: Path, budgets: list[float], median: str
) -> None:
    """Read back by the library query, with the same rows as the pairwise query it replaced."""
    lines = []
    for number, budget in enumerate(budgets):
        action, node = f"<https://x.org/a{number}>", f"<https://x.org/a{number}/budget>"
        lines += [
            f"{action} <{CSKG}theme> <{THEMES}culture> .",
            f"{action} <{CSKG}budget> {node} .",
            f'{node} <https://schema.org/value> "{budget}"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
        ]
    text = "\n".join(lines) + "\n"
    summary = BudgetSummary("https://x.org/")
    summary.add(text)
    data = tmp_path / "budgets.nt"
    data.write_bytes(text.encode() + summary.lines())
    store = local_store([data])
    rows = _query_rows(store, (QUERIES_DIR / "budget-par-thematique.rq").read_text("utf-8"))
    assert [(int(n), Decimal(m)) for _, n, _, m in rows] == [(len(budgets), Decimal(median))]
    before = _query_rows(store, BEFORE.read_text("utf-8"))
    assert [(n, Decimal(t), Decimal(m)) for _, n, t, m in rows] == [
        (n, Decimal(t), Decimal(m)) for _, n, t, m in before
    ]


def test_a_predicate_written_inside_a_literal_is_not_read() -> None:
    text = (
        f'<https://example.org/a> <{CSKG}generalDescription> "voir <https://example.org/b> '
        f"<{CSKG}theme> <{THEMES}sante> .\\n<https://example.org/b> <{CSKG}budget> "
        f'<https://example.org/b/budget> ."@fr .\n'
        f"<https://example.org/a> <{CSKG}theme> <{THEMES}culture> .\n"
    )
    summary = BudgetSummary("https://example.org/")
    summary.add(text)
    assert summary.counts == {}


# Read by hand in data/actions_centres_sociaux.txt: the « Mots clés associés à l'action » of
# each fiche (line of its « Actions » header: themes).
KEYWORDS = {
    2: ("solidarite", "democratie-citoyennete", "developpement-durable"),
    74: ("solidarite", "integration", "mixite-sociale"),
    142: ("solidarite", "integration", "mixite-sociale"),
    210: ("parentalite", "education-scolarite", "vacances-loisirs"),
    252: ("education-scolarite", "solidarite", "democratie-citoyennete"),
    315: ("emploi-economie",),
    380: ("culture", "democratie-citoyennete", "mixite-sociale"),
    441: ("democratie-citoyennete", "emploi-economie", "integration"),
    514: ("democratie-citoyennete",),
    561: ("intergenerationnel", "solidarite", "democratie-citoyennete", "mixite-sociale"),
    636: ("emploi-economie",),
    681: ("education-scolarite", "democratie-citoyennete", "mixite-sociale"),
    744: ("parentalite", "emploi-economie", "precarite"),
    797: ("parentalite", "education-scolarite", "mixite-sociale"),
    858: ("parentalite", "culture", "mixite-sociale"),
    924: ("democratie-citoyennete",),
    976: ("parentalite", "democratie-citoyennete"),
    1045: ("democratie-citoyennete", "emploi-economie", "sante"),
    1103: ("emploi-economie",),
    1157: ("intergenerationnel", "education-scolarite", "mixite-sociale"),
    1217: ("precarite",),
    1275: ("solidarite", "precarite"),
    1333: ("intergenerationnel", "parentalite"),
    1403: ("culture",),
    1443: ("intergenerationnel", "parentalite", "solidarite", "culture", "mobilite-transport",
           "mixite-sociale"),
}  # fmt: skip
# The types on which the hand-made table of tests/data/expected/organisations.csv and the
# reader agree (the others: the reader names some associations « autre », or reads « l'État »
# and a mission locale as one organisation more or less, see that table's notes):
# type → organisations, actions with a partner, actions with a funder of that type, counted
# from the table's rows.
AGREED_TYPES = (
    "caf ccas commune conseil-departemental conseil-regional cpam education-nationale "
    "entreprise epci fami france-travail politique-de-la-ville prefecture services-deconcentres"
).split()
ORGANISATIONS = Path(__file__).parent / "data" / "expected" / "organisations.csv"
TYPES = "https://w3id.org/cskg/vocab/types-organisations/"
GEO = "<http://id.insee.fr/geo/"


def test_pairs_of_themes_are_those_of_the_fiches_keywords(seed_output: Path) -> None:
    expected: dict[tuple[str, ...], dict[str, int]] = {}
    for themes in KEYWORDS.values():
        ordered = sorted(THEMES + t for t in themes)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                key = (first.removeprefix(THEMES), second.removeprefix(THEMES))
                counts = expected.setdefault(key, {"sharedActionCount": 0})
                counts["sharedActionCount"] += 1
    found = _slugs(_measures(seed_output / "actions.nt", "refFirstTheme", "refSecondTheme"))
    assert found == expected
    # Démocratie & citoyenneté with Mixité sociale: lines 380, 561, 681
    assert found[("democratie-citoyennete", "mixite-sociale")] == {"sharedActionCount": 3}


def test_organisation_types_are_those_of_the_hand_made_table(seed_output: Path) -> None:
    import csv

    with ORGANISATIONS.open(encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r["counted"] == "oui"]
    expected = {}
    for kind in AGREED_TYPES:
        mine = [r for r in rows if r["type"] == kind]
        expected[(kind,)] = {
            "organisationCount": len({(r["territory"], r["name"]) for r in mine}),
            "partnerActionCount": len({r["fiche_line"] for r in mine if r["role"] == "partner"}),
            "funderActionCount": len({r["fiche_line"] for r in mine if r["role"] == "funder"}),
        }
    found = _slugs(_measures(seed_output / "actions.nt", "refOrganisationType"))
    assert {key: found[key] for key in expected} == expected
    assert expected[("caf",)] == {
        "organisationCount": 5, "partnerActionCount": 6, "funderActionCount": 8,
    }  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "organisations-par-type",
        "thematiques-associees",
        "partenaires-principaux",
        "financeurs-par-region",
    ],
)
def test_a_query_reading_observations_gives_the_rows_of_the_query_it_replaced(
    seed_output: Path, name: str
) -> None:
    store = local_store([seed_output / "actions.ttl"])
    new = _query_rows(store, (QUERIES_DIR / f"{name}.rq").read_text("utf-8"))
    old = Path(__file__).parent / "data" / "queries-before" / f"{name}.rq"
    assert new == _query_rows(store, old.read_text("utf-8"))
    assert len(new) > 10


def test_statistics_merged_from_any_batches_give_the_same_lines() -> None:
    """The organisation types and theme pairs too: each action's lines in one batch, the
    shared resources in another, summarised apart and merged in any order."""
    chance = random.Random(7)
    actions, shared = [], []
    for number in range(4):
        shared.append(f"<https://example.org/o{number}> <http://purl.org/dc/terms/type> "
                      f"<{TYPES}{('caf', 'commune')[number % 2]}> .\n")  # fmt: skip
        shared.append(f"<https://example.org/s{number}> <{CSKG}departement> {GEO}departement/{number}> .\n")  # fmt: skip
        shared.append(f"{GEO}departement/{number}> <http://rdf.insee.fr/def/geo#subdivisionDirecteDe> {GEO}region/{number % 2}> .\n")  # fmt: skip
        shared.append(f"<https://example.org/s{number}> <{CSKG}commune> {GEO}commune/{number}> .\n")  # fmt: skip
        shared.append(f"{GEO}commune/{number}> <{CSKG}epci> {GEO}intercommunalite/{number // 3}> .\n")  # fmt: skip
    for number in range(30):
        action = f"<https://example.org/a{number}>"
        lines = [f"{action} <{CSKG}theme> <{THEMES}{t}> .\n"
                 for t in chance.sample(["culture", "sante", "emploi-economie"], chance.randint(1, 3))]  # fmt: skip
        lines.append(
            f"{action} <{CSKG}organiser> <https://example.org/s{chance.randint(0, 3)}> .\n"
        )
        for k in range(chance.randint(0, 2)):
            lines.append(f"{action} <{CSKG}partner> <https://example.org/o{k}> .\n")
        for k in range(chance.randint(0, 3)):
            node = f"<https://example.org/a{number}/association/{k}>"
            role = chance.choice(["partnerRole", "funderRole"])
            lines += [
                f"{action} <http://www.w3.org/ns/prov#qualifiedAssociation> {node} .\n",
                f"{node} <http://www.w3.org/ns/prov#agent> <https://example.org/o{chance.randint(0, 3)}> .\n",
                f"{node} <http://www.w3.org/ns/prov#hadRole> <{CSKG}{role}> .\n",
            ]
        year = chance.choice(["", "Démarrage en 2015", "débuté en mars 2019, puis 2020"])
        lines.append(f'{action} <{CSKG}generalDescription> "Texte.\\n{year}"@fr .\n')
        chance.shuffle(lines)
        actions.append("".join(lines))
    whole = Statistics("https://example.org/")
    whole.add("".join(actions + shared))
    for parts in (1, 3, 30):
        batches = [Statistics("https://example.org/") for _ in range(parts)]
        for text in actions:
            chance.choice(batches).add(text.encode())
        batches[0].add("".join(shared))
        chance.shuffle(batches)
        merged = Statistics("https://example.org/")
        for batch in batches:
            merged.merge(batch)
        assert merged.lines() == whole.lines()
    assert b"organisations-par-type/caf>" in whole.lines()
    assert b"thematiques-associees/culture--sante>" in whole.lines()
    assert b"partenaires-principaux/" in whole.lines()
    assert b"financeurs-par-region/1/" in whole.lines()
    assert b"actions-par-epci/1>" in whole.lines() and b"actions-par-region/0>" in whole.lines()
    assert '"débuté en mars 2019"'.encode() in whole.lines()


def _table(name: str) -> list[dict[str, str]]:
    import csv

    with (ORGANISATIONS.parent / name).open(encoding="utf-8", newline="") as stream:
        return [r for r in csv.DictReader(stream) if r.get("counted", "oui") == "oui"]


def test_actions_and_structures_per_prefecture_are_those_of_the_hand_made_tables(
    seed_output: Path,
) -> None:
    """Each préfecture (by its département) a partner of the fiches the table lists, each
    fiche organised by the structure the communes table names."""
    structure_of = {r["fiche_line"]: r["structure"] for r in _table("communes.csv")}
    lines: dict[tuple[str, str], set[str]] = {}
    structures: dict[tuple[str, str], set[str]] = {}
    for row in _table("organisations.csv"):
        if row["type"] == "prefecture" and row["role"] == "partner":
            key = ("prefecture", row["territory"].removeprefix("departement:"))
            lines.setdefault(key, set()).add(row["fiche_line"])
            structures.setdefault(key, set()).add(structure_of[row["fiche_line"]])
    wanted = {
        key: {"joinedActionCount": len(lines[key]), "structureCount": len(structures[key])}
        for key in lines
    }
    found = {
        (key[0].split("/")[-2], key[0].split("/")[-1]): counts
        for key, counts in _measures(seed_output / "actions.nt", "refPartner").items()
        if "/prefecture/" in key[0]
    }
    assert found == wanted
    assert found[("prefecture", "54")] == {"joinedActionCount": 2, "structureCount": 1}


def test_actions_funded_per_caf_and_region_are_those_of_the_hand_made_tables(
    seed_output: Path,
) -> None:
    from converter.territory import load_cog

    cog = load_cog()
    departement_of = {r["fiche_line"]: r["departement"] for r in _table("communes.csv")}
    lines: dict[tuple[str, str], set[str]] = {}
    for row in _table("organisations.csv"):
        if row["type"] == "caf" and row["role"] == "funder":
            region = cog.departements[departement_of[row["fiche_line"]]].region.code
            caf = row["territory"].removeprefix("departement:")
            lines.setdefault((region, caf), set()).add(row["fiche_line"])
    found = {
        (key[0].rsplit("/", 1)[1], key[1].rsplit("/", 1)[1]): counts["fundedActionCount"]
        for key, counts in _measures(seed_output / "actions.nt", "refRegion", "refFunder").items()
        if "/caf/" in key[1]
    }
    assert found == {key: len(v) for key, v in lines.items()}
    assert found[("76", "46")] == 2


def _slugs(found: dict[tuple[str, ...], dict[str, int]]) -> dict[tuple[str, ...], dict[str, int]]:
    """The same observations, each dimension by the last segment of its IRI."""
    return {tuple(iri.rsplit("/", 1)[1] for iri in key): v for key, v in found.items()}


def _measures(path: Path, *dimensions: str) -> dict[tuple[str, ...], dict[str, int]]:
    """The observations with these dimensions: the dimensions' IRIs → measure → number."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    keys = " ".join(f"<{CSKG}{d}> ?d{n} ;" for n, d in enumerate(dimensions))
    found: dict[tuple[str, ...], dict[str, int]] = {}
    for row in store.query(f"SELECT * WHERE {{ ?o {keys} ?p ?v . FILTER(isLiteral(?v)) }}"):  # type: ignore[union-attr]
        key = tuple(row[f"d{n}"].value for n in range(len(dimensions)))
        found.setdefault(key, {})[row["p"].value.removeprefix(CSKG)] = int(row["v"].value)
    return found


# Read by hand in data/actions_centres_sociaux.txt: the fiches whose « Description générale »
# says when the action started (line of the fiche's « Actions » header: year, words).
START_YEARS = {
    252: (2021, "débuter en 2021"),  # line 297
    315: (2015, "démarré au 1er octobre 2015"),  # line 346
    514: (2017, "Démarrage en septembre 2017"),  # line 545
    681: (2013, "débuté en mars 2013"),  # line 722
    1045: (2017, "débuté effectivement le 05 avril 2017"),  # line 1084
    1103: (2014, "Début de l'action : janvier 2014"),  # line 1141
    1217: (2018, "débuté en juin 2018"),  # line 1250
}


def test_start_years_are_those_the_descriptions_state(seed_output: Path) -> None:
    store = local_store([seed_output / "actions.nt"])
    found = {
        int(r["line"].value): (int(r["year"].value), r["words"].value)
        for r in store.query(  # type: ignore[union-attr]
            f"SELECT ?line ?year ?words WHERE {{ ?o <{CSKG}refAction> ?a ; "
            f"<{CSKG}statedStartYear> ?year ; <{CSKG}startYearEvidence> ?words . "
            f"?a <http://purl.org/dc/terms/source>/<{CSKG}firstLine> ?line }}"
        )
    }
    assert found == START_YEARS


def test_actions_per_territory_are_those_of_the_hand_made_communes_table(
    seed_output: Path,
) -> None:
    """Each fiche one action, of the structure whose département and commune the table
    gives; the région and the EPCI from the COG."""
    from converter.territory import load_cog

    cog = load_cog()
    rows = _table("communes.csv")
    expected = {
        "departementActionCount": Counter(r["departement"] for r in rows),
        "regionActionCount": Counter(cog.departements[r["departement"]].region.code for r in rows),
        "epciActionCount": Counter(
            epci.code
            for r in rows
            if r["commune"] and (epci := cog.communes[r["commune"]].epci) is not None
        ),
    }
    for dimension, measure in (
        ("refDepartement", "departementActionCount"),
        ("refRegion", "regionActionCount"),
        ("refEpci", "epciActionCount"),
    ):
        found = {
            key[0].rsplit("/", 1)[1]: counts[measure]
            for key, counts in _measures(seed_output / "actions.nt", dimension).items()
            if measure in counts
        }
        assert found == dict(expected[measure]), measure
    assert expected["departementActionCount"]["54"] == 2


def test_the_derived_data_conform_to_the_shapes_validated_apart_from_the_actions(
    seed_output: Path,
) -> None:
    """They are validated with the shared resources, in a batch without the actions."""
    import json

    shacl = json.loads((seed_output / "report.json").read_text("utf-8"))["shacl"]
    assert (shacl["conforms"], shacl["violations"]) == (True, 0)


def test_the_data_set_lines_are_those_about_the_data_sets_and_their_structures(
    seed_output: Path,
) -> None:
    """What a part of observations is validated with: found by a graph query here."""
    derived = b"".join(
        line + b"\n"
        for line in (seed_output / "actions.nt").read_bytes().split(b"\n")
        if line.startswith(b"<https://w3id.org/cskg/id/statistique/")
    )
    store = ox.Store()
    store.load(derived, format=ox.RdfFormat.N_TRIPLES)
    heads = {
        row["s"]
        for row in store.query(  # type: ignore[union-attr]
            "PREFIX qb: <http://purl.org/linked-data/cube#> SELECT ?s WHERE { ?s a ?c . "
            "VALUES ?c { qb:DataSet qb:DataStructureDefinition qb:ComponentSpecification } }"
        )
    }
    expected = {
        (t.subject, t.predicate, t.object)
        for t in ox.parse(derived, format=ox.RdfFormat.N_TRIPLES)
        if t.subject in heads
    }
    found = data_set_lines(derived)
    assert {
        (t.subject, t.predicate, t.object) for t in ox.parse(found, format=ox.RdfFormat.N_TRIPLES)
    } == expected
    assert len(found.splitlines()) == len(expected)  # each line once
    # every data set, with its structure and its components (8 data sets × 2 at least)
    assert len(heads) > 16 and b"Observation>" not in found
