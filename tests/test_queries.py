"""The query library: each query documents itself and answers as checked by hand on the seed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.convert import convert
from converter.paths import QUERIES_DIR
from converter.query import Resolver, absent_values, local_store, run_local
from converter.query import solutions as solutions_of
from tests.conftest import SEED

QUERIES = QUERIES_DIR
THEME = "https://w3id.org/cskg/vocab/thematique/culture"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    folder = tmp_path_factory.mktemp("queries")
    convert([SEED], folder)
    return local_store([folder / "actions.ttl"])


def _rows(store: ox.Store, name: str) -> list[tuple[str, ...]]:
    solutions = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value if s[n] is not None else "" for n in names) for s in solutions]  # type: ignore[union-attr]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_opens_with_its_question_parameters_and_columns(path: Path) -> None:
    head = path.read_text(encoding="utf-8").split("PREFIX", 1)[0]
    assert head.startswith("# Question : ") and "# Question: " in head
    assert "# Paramètres / parameters:" in head and "# Colonnes / columns:" in head


def test_actions_per_region(store: ox.Store) -> None:
    # Hand count from the départements of the 25 fiches (tests/test_territory.py table).
    counts = {code: int(n) for _, code, _, n in _rows(store, "actions-par-region")}
    assert counts == {
        "52": 5, "76": 5, "44": 5, "93": 2, "32": 2, "01": 2, "24": 1, "75": 1, "27": 1, "11": 1,
    }  # fmt: skip
    names = {code: name for _, code, name, _ in _rows(store, "actions-par-region")}
    assert names["11"] == "Île-de-France" and names["01"] == "Guadeloupe"


def test_structures_per_commune(store: ox.Store) -> None:
    rows = [
        (code, name, dep, n) for _, code, name, dep, n in _rows(store, "structures-par-commune")
    ]
    assert rows == [  # by name, and by the texts (tests/data/expected/communes.csv)
        ("31555", "Toulouse", "31", "1"),
        ("49007", "Angers", "49", "1"),
        ("57160", "Creutzwald", "57", "1"),
        ("59170", "Dechy", "59", "1"),
        ("68297", "Saint-Louis", "68", "1"),
        ("72003", "Allonnes", "72", "1"),
        ("72095", "Coulaines", "72", "1"),
        ("97119", "Petit-Canal", "971", "1"),
    ]


# --- every library query, checked by hand against the fiches (see the counts in comments) ---

from decimal import Decimal  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from converter.cli import app  # noqa: E402
from converter.errors import UsageError  # noqa: E402
from converter.query import bind, library, load_query, parse_parameters, sparql_term  # noqa: E402


def _resolver(store: ox.Store) -> Resolver:
    return Resolver(lambda text: solutions_of(run_local(text, store)))


def _bound(store: ox.Store, name: str, **params: str) -> list[tuple[str, ...]]:
    solutions = store.query(bind(load_query(name), params, resolver=_resolver(store)))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value if s[n] is not None else "" for n in names) for s in solutions]  # type: ignore[union-attr]


def test_library_has_at_least_12_queries_with_questions_in_french_and_english() -> None:
    queries = library()
    assert len(queries) >= 12
    assert all(q.question and q.question_en for q in queries)


def test_actions_per_theme(store: ox.Store) -> None:
    # Themes of the 25 fiches counted by hand: 62 theme mentions in all.
    counts = {label: int(n) for _, label, n in _rows(store, "actions-par-thematique")}
    assert counts == {
        "Démocratie & citoyenneté": 10, "Mixité sociale": 9, "Solidarité": 7, "Parentalité": 7,
        "Emploi, économie": 6, "éducation / scolarité": 5, "Culture": 4, "intergénérationnel": 4,
        "Intégration": 3, "Précarité": 3, "développement durable": 1, "vacances / loisirs": 1,
        "Santé": 1, "mobilité / transport": 1,
    }  # fmt: skip


def test_actions_per_public(store: ox.Store) -> None:
    counts = {label: int(n) for _, label, n in _rows(store, "actions-par-public")}
    assert counts == {
        "Tous publics": 9, "familles": 6, "Adultes": 3, "Jeunesse": 3, "Enfance": 2,
        "Petite enfance": 1, "Jeunes adultes": 1,
    }  # fmt: skip


def test_actions_per_status(store: ox.Store) -> None:
    # Terminée: En route vers l'emploi, familles et reseaux sociaux, Fête de quartier.
    assert [(label, n) for _, label, n in _rows(store, "actions-par-statut")] == [
        ("En cours", "22"),
        ("Terminée", "3"),
    ]


def test_actions_per_departement(store: ox.Store) -> None:
    rows = {
        code: (name, region, int(n))
        for _, code, name, region, n in _rows(store, "actions-par-departement")
    }
    assert len(rows) == 18 and sum(n for _, _, n in rows.values()) == 25
    twice = {code for code, (_, _, n) in rows.items() if n == 2}
    assert twice == {"72", "46", "971", "54", "13", "59", "31"}
    assert rows["90"] == ("Territoire de Belfort", "27", 1)


def test_partners_with_most_actions(store: ox.Store) -> None:
    # Every fiche lists « Préfecture », and only it: the Préfecture of its structure's
    # département (18 départements), in as many actions as that département has, named by
    # its département in French; 23 structures organise the 25 actions; the
    # Meurthe-et-Moselle and Guadeloupe pairs share a structure, the two « Bienvenue » fiches
    # of the Lot do not.
    rows = _rows(store, "partenaires-principaux")
    assert len({name for _, name, _, _ in rows}) == len(rows) == 18
    assert all(name.startswith("Préfecture (") for _, name, _, _ in rows)
    assert ("Préfecture (Lot)", "2") in {(name, n) for _, name, n, _ in rows}
    by_dep = {iri.split("/")[-1]: (int(n), int(s)) for iri, _, n, s in rows}
    per_departement = {code: int(n) for _, code, _, _, n in _rows(store, "actions-par-departement")}
    assert {code: n for code, (n, _) in by_dep.items()} == per_departement
    assert sum(s for _, s in by_dep.values()) == 23
    assert by_dep["54"] == by_dep["971"] == (2, 1) and by_dep["46"] == (2, 2)
    assert [int(n) for _, _, n, _ in rows] == sorted((int(n) for _, _, n, _ in rows), reverse=True)


def test_structures_with_most_actions(store: ox.Store) -> None:
    rows = _rows(store, "structures-principales")
    assert len(rows) == 23
    assert [(name, dep, n) for _, name, dep, n in rows[:2]] == [
        ("CENTRE SOCIAL LA SOURCE", "Guadeloupe", "2"),
        ('Centre Social "VILLE PLURIELLE" Place Neruda Allende', "Meurthe-et-Moselle", "2"),
    ]


def test_themes_that_occur_together(store: ox.Store) -> None:
    pairs = {(a, b): int(n) for a, b, n in _rows(store, "thematiques-associees")}
    # Mixité sociale + Solidarité: both Bienvenue fiches, Conseil d'usagers, Fête de quartier.
    assert pairs[("Mixité sociale", "Solidarité")] == 4
    # Démocratie & citoyenneté + Mixité sociale: Collectif, Conseil d'usagers, TAP.
    assert pairs[("Démocratie & citoyenneté", "Mixité sociale")] == 3
    assert pairs[("Intégration", "Solidarité")] == 2
    assert max(pairs.values()) == 4


def test_actions_for_a_public_in_a_departement(store: ox.Store) -> None:
    default = _rows(store, "actions-public-departement")
    assert [(t[:10], s[-20:]) for _, t, s in default] == [
        ("Bienvenue ", "AL LATRONQUIERE SOUSCEYRAC"[-20:]),
        ("Bienvenue ", "LEYME-LACAPELLE MARIVAL"[-20:]),
    ]
    assert [t for _, t, _ in _bound(store, "actions-public-departement", departement="31")] == [
        "Diagnostic participatif et partagé famille sur le quartier d'Empalot"
    ]
    assert [
        t
        for _, t, _ in _bound(
            store, "actions-public-departement", public="Adultes", departement="57"
        )
    ] == ["Faciliter l'accès au droit et à l'information"]


def test_labels_and_departements_are_read_as_the_converter_reads_them(store: ox.Store) -> None:
    """Issue 12, point 10: "Familles" is the public "familles"; a département by its name."""
    empalot = ["Diagnostic participatif et partagé famille sur le quartier d'Empalot"]
    for public, departement in [("Familles", "31"), ("FAMILLES", "Haute-Garonne"),
                                ("familles", "haute garonne")]:  # fmt: skip
        rows = _bound(store, "actions-public-departement", public=public, departement=departement)
        assert [t for _, t, _ in rows] == empalot, (public, departement)
    # "prefecture" without its accent is the partner "Préfecture" of all 25 fiches
    assert len(_bound(store, "partenaire-unique", partenaire="prefecture")) == 25
    # the status "en cours" as the fiches write "En cours"
    assert _bound(store, "actions-commencees-avant", statut="en cours") == _rows(
        store, "actions-commencees-avant"
    )


def test_a_value_matching_nothing_is_told_with_the_closest_ones(store: ox.Store) -> None:
    resolver = _resolver(store)
    bind(load_query("actions-public-departement"), {"public": "familes"}, resolver=resolver)
    assert len(resolver.notes) == 1
    assert resolver.notes[0].startswith(
        "--param public : « familes » ne correspond à rien dans les données ; proches : familles"
    )
    with pytest.raises(UsageError, match="département inconnu ou ambigu « Haute-Garone » "
                       r"\(proches : Haute-Garonne"):  # fmt: skip
        bind(load_query("actions-public-departement"), {"departement": "Haute-Garone"},
             resolver=resolver)  # fmt: skip
    query = load_query("fiche-action")
    select = _resolver(store).select
    assert absent_values(query, {"fiche": "COOP MON"}, select) == [
        "--param fiche : « COOP MON » ne figure nulle part dans les données"
    ]
    assert absent_values(query, {"fiche": "COOP MONS"}, select) == []


def test_budget_totals_and_medians_per_theme(store: ox.Store) -> None:
    # Budgets read: Bien vivre 30500, T'Lien3 372100, conseil citoyens 5000, COOP MONS 37669,
    # Ecrivain public 31600, En route 3500, Festival BOUGE 95000.
    rows = {
        label: (int(n), Decimal(total), Decimal(median))
        for label, n, total, median in _rows(store, "budget-par-thematique")
    }
    assert rows == {
        "Emploi, économie": (4, Decimal("444869"), Decimal("34634.5")),
        "Culture": (1, Decimal("95000"), Decimal("95000")),
        "Démocratie & citoyenneté": (3, Decimal("67100"), Decimal("30500")),
        "Santé": (1, Decimal("31600"), Decimal("31600")),
        "Solidarité": (1, Decimal("30500"), Decimal("30500")),
        "développement durable": (1, Decimal("30500"), Decimal("30500")),
    }


def test_actions_whose_only_partner_is_the_prefecture(store: ox.Store) -> None:
    assert len(_rows(store, "partenaire-unique")) == 25
    assert _bound(store, "partenaire-unique", partenaire="CAF") == []


def test_full_fiche_of_one_action_by_title_or_iri(store: ox.Store) -> None:
    rows = _rows(store, "fiche-action")
    properties = {p.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for _, p, _, _ in rows}
    assert {
        "title",
        "staffCount",
        "budget",
        "fundingText",
        "organiser",
        "partner",
        "theme",
    } <= properties
    assert ("https://w3id.org/cskg/def#staffCount", "4") in {(p, v) for _, p, v, _ in rows}
    iri = rows[0][0]
    assert _bound(store, "fiche-action", fiche=iri) == rows


def test_actions_in_progress_started_before_a_year(store: ox.Store) -> None:
    # Descriptions: TAP « débuté en mars 2013 », T'Lien3 « démarré au 1er octobre 2015 »,
    # Ecrivain public « débuté effectivement le 05 avril 2017 », conseil citoyens « Démarrage en
    # septembre 2017 »; Espace Numérique (2018) is not before 2018; En route (2014) has ended.
    rows = [(t, y) for _, t, _, y, _ in _rows(store, "actions-commencees-avant")]
    assert rows == [
        ("Coordination et animation des Temps d'Activités Périscolaires", "2013"),
        ("Chantier d'insertion :\" T'Lien3\"", "2015"),
        ("Ecrivain public", "2017"),
        ("conseil citoyens", "2017"),
    ]
    assert [t for _, t, _, _, _ in _bound(store, "actions-commencees-avant", annee="2016")] == [
        "Coordination et animation des Temps d'Activités Périscolaires",
        "Chantier d'insertion :\" T'Lien3\"",
    ]
    # any status, any year: En route vers l'emploi (Terminée, 2014), Espace Numérique (2018) and
    # CAFE SOLIDAIRE (« L'action devrait débuter en 2021 », a planned start, as written) too
    every = {
        (t, s, y)
        for _, t, s, y, _ in _bound(store, "actions-commencees-avant", statut="*", annee="3000")
    }
    assert len(every) == 7
    assert ("En route vers l'emploi", "Terminée", "2014") in every
    assert ("Espace Numérique d'Accueil", "En cours", "2018") in every
    assert ("CAFE SOLIDAIRE /Cafeteria – Bokantaj", "En cours", "2021") in every


# --- binding values safely ---


@pytest.mark.parametrize(
    "hostile",
    ['"} ; DROP ALL ; {"', 'a\\" } } ; CLEAR ALL #', "é\n\r\t\\u0022", "}", "<script>"],
)
def test_text_values_are_bound_as_literals_and_match_exactly(store: ox.Store, hostile: str) -> None:
    before = len(store)
    assert _bound(store, "partenaire-unique", partenaire=hostile) == []
    assert _bound(store, "fiche-action", fiche=hostile) == []
    for kind, languages in (("texte", [""]), ("libelle", ["", "fr"]), ("titre-ou-iri", ["", "fr"])):
        echo = store.query(f"SELECT ?v WHERE {{ VALUES ?v {{ {sparql_term(kind, hostile)} }} }}")
        values = [solution["v"] for solution in echo]  # type: ignore[union-attr]
        assert all(isinstance(v, ox.Literal) and v.value == hostile for v in values)
        assert [v.language or "" for v in values] == languages  # type: ignore[union-attr]
    assert len(store) == before


def test_a_title_or_iri_adds_the_iri_only_for_an_absolute_iri() -> None:
    iri = "https://w3id.org/cskg/id/action/x"
    assert sparql_term("titre-ou-iri", iri) == f'"{iri}" "{iri}"@fr <{iri}>'
    assert sparql_term("titre-ou-iri", "urn:cskg:x").endswith(" <urn:cskg:x>")
    for title in ("Voir https://exemple.fr", "https://exemple.fr/{projet}", "Fête"):
        assert "<" not in sparql_term("titre-ou-iri", title)


def test_an_action_is_found_by_a_title_that_looks_like_an_iri(tmp_path: Path) -> None:
    data = tmp_path / "titre.ttl"
    data.write_text(
        "@prefix cskg: <https://w3id.org/cskg/def#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
        '<https://exemple.fr/a> a cskg:Action ; dct:title "https://jardins-partages.fr"@fr .\n',
        encoding="utf-8",
    )
    titled = local_store([data])
    for value in ("https://jardins-partages.fr", "https://exemple.fr/a"):
        actions = {row[0] for row in _bound(titled, "fiche-action", fiche=value)}
        assert actions == {"https://exemple.fr/a"}, value


def test_counts_hold_when_the_graph_and_its_vocabularies_are_repeated_in_several_graphs(
    store: ox.Store, tmp_path: Path
) -> None:
    """An endpoint may hold two editions, each with the ontology and the vocabularies: a query
    on their union must not count a repeated triple twice."""
    merged = ox.Store()
    for number in (1, 2):
        graph = ox.NamedNode(f"https://example.org/edition/{number}")
        merged.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in store)
    for name in ("actions-par-thematique", "actions-par-departement", "thematiques-associees",
                 "structures-principales", "budget-par-thematique", "partenaire-unique"):  # fmt: skip
        text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
        union = merged.query(text, use_default_graph_as_union=True)
        names = [v.value for v in union.variables]  # type: ignore[union-attr]
        rows = [tuple(s[n].value if s[n] is not None else "" for n in names) for s in union]  # type: ignore[union-attr]
        assert sorted(rows) == sorted(_rows(store, name)), name


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("entier", "2018; DROP"),
        ("entier", "deux"),
        ("iri", "a b"),
        ("iri", "x>"),
        ("iri", "sans-deux-points"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(kind: str, value: str) -> None:
    with pytest.raises(UsageError):
        sparql_term(kind, value)


def test_unknown_parameter_and_malformed_pair_are_refused() -> None:
    with pytest.raises(UsageError, match="paramètres : public, departement"):
        bind(load_query("actions-public-departement"), {"region": "52"})
    with pytest.raises(UsageError, match="nom=valeur"):
        parse_parameters(["region"])


runner = CliRunner()


def test_cli_query_list_shows_every_question() -> None:
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for query in library():
        assert f"{query.name} : {query.question}" in result.stdout


def test_cli_query_formats(tmp_path: Path) -> None:
    runner.invoke(app, ["convert", str(SEED), "-o", str(tmp_path)])
    data = ["--data", str(tmp_path / "actions.ttl")]
    csv_out = runner.invoke(app, ["query", "actions-par-statut", *data, "--format", "csv"])
    assert csv_out.stdout.splitlines() == [
        "statut,libelle,actions",
        "https://w3id.org/cskg/vocab/statut/en-cours,En cours,22",
        "https://w3id.org/cskg/vocab/statut/terminee,Terminée,3",
    ]
    json_out = runner.invoke(app, ["query", "actions-par-statut", *data, "--format", "json"])
    import json

    assert json.loads(json_out.stdout)["head"]["vars"] == ["statut", "libelle", "actions"]
    table = runner.invoke(app, ["query", "actions-par-statut", *data])
    assert "statut:en-cours" in table.stdout and "2 ligne(s)" in table.stdout
    default = runner.invoke(app, ["query", "actions-par-statut", "--format", "csv"])
    assert default.stdout == csv_out.stdout  # the last convert output is the default data


def test_cli_query_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    unknown = runner.invoke(app, ["query", "nope"])
    assert unknown.exit_code == 2 and "requête inconnue « nope »" in unknown.stderr
    bad = runner.invoke(app, ["query", "actions-commencees-avant", "--param", "annee=deux"])
    assert bad.exit_code == 2 and "entier attendu" in bad.stderr
    missing = runner.invoke(
        app, ["query", "actions-par-statut", "--data", str(tmp_path / "absent.ttl")]
    )
    assert missing.exit_code == 2 and "introuvable" in missing.stderr
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT WHERE {", encoding="utf-8")
    invalid = runner.invoke(app, ["query", str(rq), "--data", str(tmp_path / "absent.ttl")])
    assert invalid.exit_code == 2


def test_an_overlong_or_non_ascii_integer_is_refused_cleanly() -> None:
    with pytest.raises(UsageError, match="entier attendu"):
        sparql_term("entier", "9" * 5000)
    with pytest.raises(UsageError, match="entier attendu"):
        sparql_term("entier", "٢٠١٨")  # Arabic-Indic digits


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("absent.ttl", None, "fichier introuvable"),
        ("data.csv", "a,b\n", "format RDF inconnu : suffixe attendu parmi .ttl, .nt"),
        (
            "broken.ttl",
            "<urn:a> <urn:b> .\n",
            "Turtle invalide, colonne 17 (détail de l'analyseur : ",
        ),
    ],
)
def test_local_store_and_publish_name_the_unreadable_rdf_file(
    tmp_path: Path, name: str, text: str | None, message: str
) -> None:
    import re

    from converter.errors import InputError
    from converter.publish import read_triples

    path = tmp_path / name
    if text is not None:
        path.write_text(text, encoding="utf-8")
    for read in (local_store, read_triples):
        with pytest.raises(InputError, match=re.escape(message)) as caught:
            read([path])
        assert caught.value.path == str(path)


# --- issue 16: territories' populations and the organisations the fiches name ---


def test_actions_per_10000_inhabitants_by_departement_and_region(store: ox.Store) -> None:
    # Lot: 2 actions, 176,473 inhabitants (sum of its communes, data/cog/decoupage-communes):
    # 2 × 10,000 / 176,473 = 0.1133; Creuse 1 / 115,527 → 0.0866
    rows = {
        code: (n, pop, ratio)
        for _, code, _, n, pop, ratio in _rows(store, "actions-par-habitant-departement")
    }
    assert len(rows) == 18
    assert rows["46"] == ("2", "176473", "0.113") and rows["23"] == ("1", "115527", "0.087")
    regions = {
        code: (n, ratio) for _, code, _, n, _, ratio in _rows(store, "actions-par-habitant-region")
    }
    # Guadeloupe 2 / 384,160 → 0.0521; Pays de la Loire (Sarthe 2, Mayenne, Maine-et-Loire,
    # Loire-Atlantique 1 each) 5 / 3,907,156 → 0.0128
    assert regions["01"] == ("2", "0.052") and regions["52"] == ("5", "0.013")
    assert sum(int(n) for n, _ in regions.values()) == 25


def test_actions_per_epci_of_the_linked_communes(store: ox.Store) -> None:
    # the 8 linked structures' communes lie in 7 EPCI (Allonnes and Coulaines both in Le Mans
    # Métropole); La Source's 2 fiches in the CA du Nord Grande Terre (Petit-Canal)
    rows = {code: n for _, code, _, n, _, _ in _rows(store, "actions-par-epci")}
    assert rows == {
        "247200132": "2", "200044691": "2", "245701164": "1", "200066058": "1",
        "200044618": "1", "244900015": "1", "243100518": "1",
    }  # fmt: skip


def test_organisations_by_type_and_the_actions_they_join_or_fund(store: ox.Store) -> None:
    rows = {
        label: (int(o), int(p), int(f))
        for _, label, o, p, f in _rows(store, "organisations-par-type")
    }
    # 18 préfectures, one per département, partner of all 25 actions; funder once (Aude,
    # « du soutien … de la préfecture »); the FAMI funds the two fiches « Bienvenue »
    assert rows["Préfecture"] == (18, 25, 1)
    assert rows["Fonds asile, migration et intégration"] == (1, 0, 2)
    assert (
        rows["Caisse d'allocations familiales"][0] == 5
    )  # Lot, Guadeloupe, M.-et-M., Maine-et-Loire, H.-Garonne


def test_actions_a_caf_takes_part_in_by_its_departement(store: ox.Store) -> None:
    rows = _bound(store, "actions-d-une-caf", departement="Haute-Garonne")
    # « caf31 » funds the Empalot diagnostic; the CAF of Haute-Garonne funds and joins
    # « Ecrivain public » (lines 1082-1088)
    assert {(t, role) for _, t, _, role, _ in rows} == {
        ("Diagnostic participatif et partagé famille sur le quartier d'Empalot", "financeur"),
        ("Ecrivain public", "financeur"),
        ("Ecrivain public", "partenaire"),
    }
    lot = _bound(store, "actions-d-une-caf", departement="46")
    assert {role for *_, role, _ in lot} == {"partenaire", "financeur"} and len(
        {r[0] for r in lot}
    ) == 2


def test_funders_per_region(store: ox.Store) -> None:
    rows = _rows(store, "financeurs-par-region")
    occitanie = {
        iri.split("/organisation/")[1]: int(n) for region, _, iri, _, n in rows if region == "76"
    }
    assert occitanie["caf/46"] == 2
    assert occitanie["conseil-regional/76"] == 1  # « Conseil Régional ( Adulte Relais): 2 800 € »
    assert "prefecture/11" in occitanie  # the Aude
    assert {region for region, *_ in rows} == {"01", "44", "75", "76"}
