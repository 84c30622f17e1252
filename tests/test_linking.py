"""The linking rules of issue 16 on fiches invented for them (none taken from the example):
organisations typed and territorialised by their mention, merged across fiches, schemes and
unnamed bodies left alone, and a structure's commune from its texts only when certain."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from converter.convert import convert
from converter.linking.organisations import Mention, find_mentions
from converter.mapping import MappedGraph, map_records
from converter.reader import parse_text
from converter.territory import load_cog
from converter.vocab import CSKG, DEFAULT_BASE_IRI
from tests.conftest import SEED, fiche

ORG = DEFAULT_BASE_IRI + "organisation/"
DESCRIPTION = "- Description générale\n"


def _mentions(text: str, departement: str = "72", **options: object) -> list[Mention]:
    cog = load_cog()
    return find_mentions(text, cog=cog, departement=cog.departements[departement], **options)  # type: ignore[arg-type]


def _keys(text: str, departement: str = "72", **options: object) -> list[tuple[str, str]]:
    return [(m.kind, m.territory or m.name) for m in _mentions(text, departement, **options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("avec la CAF du Lot", [("caf", "departement:46")]),
        ("avec la caf72 et la CAF", [("caf", "departement:72"), ("caf", "departement:72")]),
        ("la Caisse d'allocations familiales de la Sarthe", [("caf", "departement:72")]),
        ("le Conseil Régional", [("conseil-regional", "region:52")]),
        ("la DREETS et la DDETS", [("services-deconcentres", "region:52"),
                                   ("services-deconcentres", "departement:72")]),
        ("l'Association Les Amis du Quartier", [("association", "Les Amis du Quartier")]),
        ("la Communauté de communes du Pays Fléchois", [("epci", "epci:247200348")]),
        ("la CCPF", [("epci", "epci:247200348")]),
        ("le FSE et le FEDER", [("fse", ""), ("feder", "")]),
    ],
)  # fmt: skip
def test_a_mention_gets_its_type_and_territory(text: str, expected: list[tuple[str, str]]) -> None:
    assert _keys(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "dans le cadre du Contrat de ville",
        "grâce aux plans d'État",
        "les villes du secteur et les associations",
        "une association de parents",
        "la caf",  # an abbreviation counts in capitals only
        "découvrir la ville",
        "le département voisin",
    ],
)
def test_schemes_common_words_and_unnamed_bodies_are_no_organisation(text: str) -> None:
    assert _mentions(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le réseau réunit Les Papillons Blancs, ARAPEJ 72, la Compagnie du Chat Perché et le "
         "Trait d'Union.", [("non-precise", "Papillons Blancs"), ("non-precise", "ARAPEJ 72"),
                            ("non-precise", "Compagnie du Chat Perché"),
                            ("non-precise", "Trait d'Union")]),
        ("Partenaires mobilisés : une association de quartier (Les Lucioles), le CRIJ (Centre "
         "Régional Information Jeunesse), les Écoles Jean Zay et Prévert.",
         [("association", "Lucioles"), ("autre", "CRIJ"),
          ("education-nationale", "Écoles Jean Zay et Prévert")]),
        # the parenthesis names the association: the word before it is a scheme
        ("Un collectif composé de : l'association REAAP (Les Tisserands), Radio Plaine.",
         [("association", "Tisserands"), ("autre", "Radio Plaine")]),
        ("Nous avons reçu des associations : Les Amis de Pierre nous ont aidés.",
         [("association", "Amis de Pierre")]),
        # items with a word of their type keep the type rules (CAF of the département)
        ("Les partenaires : la CAF, Sarthe Emploi Solidaire, la Mairie de Mamers.",
         [("caf", "departement:72"), ("non-precise", "Sarthe Emploi Solidaire"),
          ("commune", "commune:72180")]),
    ],
)  # fmt: skip
def test_the_items_of_an_enumeration_of_partners_are_organisations(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _keys(text) == expected
    assert {m.rule for m in _mentions(text)} & {"element-d-enumeration"}


@pytest.mark.parametrize(
    "text",
    [
        "Le collectif regroupe : les habitants, les Bénévoles, la MJC, le CLAS, le Conseil "
        "citoyen et les familles.",
        "En lien avec : le Contrat de Ville, la Halte-garderie, le Point Information Jeunesse.",
        "Les acteurs (13 associations, 2 bailleurs et 1 compagnie de transport) se sont réunis.",
        "Des sorties avec des associations (Mamers et La Flèche) du territoire.",
        "Les partenaires : Monsieur le Maire, Madame la Directrice, l'équipe du Centre Social.",
        "L'association a continué de se développer : l'ouverture en 2013 d'une Boutique.",
        "Ils ont rencontré Les Papillons Blancs, ARAPEJ 72 et la Compagnie du Chat Perché.",
    ],
)
def test_publics_schemes_places_people_and_lists_without_a_cue_are_no_items(text: str) -> None:
    assert _mentions(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a proper name alone says no type: none is guessed
        ("Le collectif réunit : Kiosque7, la Ribambelle.",
         [("non-precise", "Kiosque7"), ("non-precise", "Ribambelle")]),
        # a common noun of a kind of body no type covers, in the name or spelt out
        ("Le collectif réunit : la crèche des Lilas, le CHA (Centre d'Hébergement d'Accueil), "
         "la Paroisse Saint-Paul.",
         [("autre", "crèche des Lilas"), ("autre", "CHA"), ("autre", "Paroisse Saint-Paul")]),
        # a former name in parentheses is no description
        ("Partenaires : Les Hirondelles (ex Foyer Rural), Kiosque7.",
         [("non-precise", "Hirondelles"), ("non-precise", "Kiosque7")]),
    ],
)  # fmt: skip
def test_an_item_whose_type_the_text_does_not_say_is_not_given_one(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _keys(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('organisé par l\'association "Kiosque7" cette année', ("Kiosque7", 'association "Kiosque7"')),
        ("avec l’association « Les Amis du Parc » et d'autres", ("Les Amis du Parc",
         "association « Les Amis du Parc »")),
    ],
)  # fmt: skip
def test_a_quoted_name_after_association_is_its_name(text: str, expected: tuple[str, str]) -> None:
    (mention,) = _mentions(text)
    assert (mention.kind, mention.rule) == ("association", "nom-propre")
    assert (mention.name, mention.text) == expected


def test_a_listed_text_takes_each_proper_name_line_as_an_organisation() -> None:
    text = "Compagnie Les Arts Verts\nLes familles\nla CAF de la Sarthe"
    assert _keys(text, listed=True) == [("non-precise", "Compagnie Les Arts Verts"),
                                        ("caf", "departement:72")]  # fmt: skip
    assert _keys(text) == [("caf", "departement:72")]


def test_a_ccas_written_as_the_alternative_of_its_commune_is_the_commune() -> None:
    """Issue 16: a budget table's « CCAS / COMMUNE » column counted as two funders."""
    cog = load_cog()
    found = _mentions("CAF CCAS / COMMUNE Autres", commune=cog.communes["72180"], funding=True)
    assert [(m.kind, m.territory) for m in found] == [("caf", "departement:72"),
                                                       ("commune", "commune:72180")]  # fmt: skip


def test_funding_mentions_are_funders_with_their_amount() -> None:
    (mention,) = _mentions("Conseil départemental : 2 500 €", funding=True)
    assert (mention.kind, mention.funder, mention.amount) == (
        "conseil-departemental",
        True,
        Decimal("2500"),
    )
    (partner,) = _mentions("en lien avec la CPAM")
    assert not partner.funder
    (funder,) = _mentions("avec une subvention de la CPAM")
    assert funder.funder


def test_a_mairie_in_another_departement_is_not_a_commune_of_this_one() -> None:
    (mention,) = _mentions("la Mairie de Toulouse")
    assert (mention.kind, mention.territory, mention.scoped) == ("commune", "", True)


def _graph(*bodies: tuple[str, str]) -> MappedGraph:
    text = "".join(fiche(f"Action {n}", organiser, DESCRIPTION + body + "\n")
                   for n, (organiser, body) in enumerate(bodies))  # fmt: skip
    return map_records(parse_text(text, file="f.txt").records)


def _objects(graph: MappedGraph, predicate: str) -> set[tuple[str, str]]:
    return {
        (t.subject.value, t.object.value) for t in graph.triples if t.predicate.value == predicate
    }


def test_one_caf_per_departement_across_fiches_and_structures() -> None:
    graph = _graph(
        ("CENTRE SOCIAL A - Sarthe", "Avec la CAF."),
        ("CENTRE SOCIAL B - Sarthe", "Avec la CAF de la Sarthe et la CAF du Lot."),
        ("CENTRE SOCIAL C - Lot", "Avec la CAF."),
    )
    agents = {o for _, o in _objects(graph, "http://www.w3.org/ns/prov#agent")}
    assert agents == {ORG + "caf/72", ORG + "caf/46"}
    territory = dict(_objects(graph, CSKG + "territory"))
    assert territory[ORG + "caf/72"] == "http://id.insee.fr/geo/departement/72"


def test_a_structure_gets_the_one_commune_its_texts_name_with_evidence() -> None:
    graph = _graph(("CENTRE SOCIAL DES TILLEULS - Sarthe", "Soutenu par la Mairie de Mamers."))
    (row,) = graph.territories
    assert row["commune"] == "72180" and row["evidence"] == "Mairie de Mamers"
    rules = {o for _, o in _objects(graph, CSKG + "communeRule")}
    assert rules == {"expression-locale"}
    assert {o for _, o in _objects(graph, CSKG + "communeEvidenceLine")} == {"8"}


def test_two_communes_named_are_reported_never_linked() -> None:
    graph = _graph(
        ("CENTRE SOCIAL DES TILLEULS - Sarthe", "Avec la Mairie de Mamers."),
        ("CENTRE SOCIAL DES TILLEULS - Sarthe", "Avec la Mairie de La Flèche."),
    )
    (row,) = graph.territories
    assert row["commune"] is None
    assert {c["code"] for c in row["candidates"]} == {"72180", "72154"}
    assert "plusieurs communes" in row["note"]
    assert not _objects(graph, CSKG + "commune")


def test_a_bare_mairie_is_the_structures_commune_once_known() -> None:
    graph = _graph(("CENTRE SOCIAL DE MAMERS - Sarthe", "La mairie finance le projet."))
    assert (DEFAULT_BASE_IRI + "organisation/commune/72180") in {
        o for _, o in _objects(graph, "http://www.w3.org/ns/prov#agent")
    }


def test_a_name_typed_elsewhere_in_the_fiche_has_that_type_where_it_is_named_alone() -> None:
    """« un collectif où sont présents : Kiosque7, … » then « l'association "Kiosque7" »: one
    association, whose evidence is the mention that says its type; Ribambelle, typed nowhere,
    keeps « non précisé »."""
    graph = _graph(("CENTRE SOCIAL A - Sarthe",
                    "Un collectif où sont présents : Kiosque7, la Ribambelle.\n"
                    "Le bal est organisé par l'association \"Kiosque7\"."))  # fmt: skip
    agents = {o for _, o in _objects(graph, "http://www.w3.org/ns/prov#agent")}
    assert agents == {ORG + "association/72/kiosque7", ORG + "non-precise/72/ribambelle"}
    evidence = {o for _, o in _objects(graph, CSKG + "evidenceText")}
    assert evidence == {'association "Kiosque7"', "la Ribambelle"}
    assert graph.organisation_types == {"Association": 1, "Type non précisé": 1}


def test_a_name_is_one_organisation_within_a_departement_never_across() -> None:
    graph = _graph(
        ("CENTRE SOCIAL A - Sarthe", "Avec l'Association Les Amis du Quartier."),
        ("CENTRE SOCIAL B - Sarthe", "Avec l'association Les Amis du Quartier."),
        ("CENTRE SOCIAL C - Lot", "Avec l'Association Les Amis du Quartier."),
    )
    agents = {o for _, o in _objects(graph, "http://www.w3.org/ns/prov#agent")}
    assert agents == {ORG + "association/72/les-amis-du-quartier",
                      ORG + "association/46/les-amis-du-quartier"}  # fmt: skip


def test_a_regional_and_a_departmental_service_of_one_code_are_two_organisations() -> None:
    """Région 76 (Occitanie) and département 76 (Seine-Maritime) share a code, not a path."""
    graph = _graph(
        ("CENTRE SOCIAL A - Seine-Maritime", "Avec la DDETS."),
        ("CENTRE SOCIAL B - Haute-Garonne", "Avec la DREETS."),
    )
    territory = dict(_objects(graph, CSKG + "territory"))
    assert territory == {
        ORG + "services-deconcentres/76": "http://id.insee.fr/geo/departement/76",
        ORG + "services-deconcentres/region-76": "http://id.insee.fr/geo/region/76",
    }


def test_every_mention_keeps_its_text_field_line_and_rule() -> None:
    graph = _graph(("CENTRE SOCIAL A - Sarthe", "Avec la CAF du Lot et l'Association Les Amis."))
    associations = {s for s, _ in _objects(graph, "http://www.w3.org/ns/prov#agent")}
    for predicate in ("evidenceText", "evidenceField", "evidenceLine", "rule"):
        assert {s for s, _ in _objects(graph, CSKG + predicate)} >= associations, predicate
    assert {o for _, o in _objects(graph, CSKG + "rule")} == {"nom-et-territoire", "nom-propre"}


def test_merged_organisations_and_text_communes_are_the_same_bytes_whatever_the_batches(
    tmp_path: Path,
) -> None:
    """The merge happens in the one mapper, in input order: batch size and jobs change
    nothing (the seed, one fiche per batch against all in one, 1 and 2 processes)."""
    one = convert([SEED], tmp_path / "one", batch=1, jobs=2)
    whole = convert([SEED], tmp_path / "whole", jobs=1)
    assert one.ok and whole.ok
    for name in ("actions.nt", "actions.ttl", "report.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert b"organisation/caf/46" in (tmp_path / "one" / "actions.nt").read_bytes()


def test_an_epci_first_named_in_a_text_is_written_once(tmp_path: Path) -> None:
    """An EPCI first met in a fiche's text, then as the EPCI of another structure's commune,
    was written in the first action's block and again with the shared resources: each line
    once."""
    text = fiche(
        "Action 1",
        "CENTRE SOCIAL DES TILLEULS - Sarthe",
        DESCRIPTION + "Avec la Communauté de communes du Pays Fléchois.\n",
    )
    text += fiche("Action 2", "CENTRE SOCIAL DE LA FLÈCHE - Sarthe", DESCRIPTION)  # fmt: skip
    (tmp_path / "f.txt").write_text(text, encoding="utf-8")
    assert convert([tmp_path / "f.txt"], tmp_path / "out", jobs=1).ok
    lines = (tmp_path / "out" / "actions.nt").read_text(encoding="utf-8").splitlines()
    assert any("intercommunalite/247200348> <http://rdf.insee.fr/def/geo#nom>" in x for x in lines)
    assert len(lines) == len(set(lines))


def test_convert_prints_the_structures_with_a_commune_and_the_organisations_by_type(
    tmp_path: Path,
) -> None:
    """What `make run` prints on the example: the 8 communes of tests/data/expected/communes.csv,
    and the organisations counted by the French label of their type (the partner list of every
    fiche says « Préfecture »: one per département of the 25 fiches, 18)."""
    from typer.testing import CliRunner

    from converter.cli import app

    done = CliRunner().invoke(app, ["convert", str(SEED), "-o", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert "8/23 à une commune" in done.output
    line = next(x for x in done.output.splitlines() if x.startswith("organisations par type"))
    assert "Préfecture 18, " in line
    assert "Caisse d'allocations familiales 5" in line and "prefecture" not in line


def _labels(graph: MappedGraph, iri: str) -> tuple[set[str], set[str]]:
    found = {(t.predicate.value, t.object) for t in graph.triples if t.subject.value == iri}
    skos = "http://www.w3.org/2004/02/skos/core#"
    pref = {f"{o.value}@{o.language or ''}" for p, o in found if p == skos + "prefLabel"}  # type: ignore[attr-defined]
    alt = {o.value for p, o in found if p == skos + "altLabel"}  # type: ignore[attr-defined]
    return pref, alt


def test_an_organisation_is_named_by_its_type_and_territory_its_spellings_kept() -> None:
    """Issue 16: « caf46 » is no name a person reads; the CAF of the Lot is « Caisse
    d'allocations familiales (Lot) » in French and English, the fiches' spellings alternative
    labels; a national body by its type, a named one by its own name."""
    graph = _graph(
        ("CENTRE SOCIAL A - Lot", "Avec la caf46 et l'État."),
        ("CENTRE SOCIAL B - Sarthe", "Avec la CAF du Lot et l'Association Les Amis du Parc."),
    )
    assert _labels(graph, ORG + "caf/46") == (
        {"Caisse d'allocations familiales (Lot)@fr", "Family allowance fund (Lot)@en"},
        {"caf46", "CAF du Lot"},
    )
    assert _labels(graph, ORG + "etat") == ({"État@fr", "State@en"}, {"État"})
    assert _labels(graph, ORG + "association/72/les-amis-du-parc") == (
        {"Les Amis du Parc@"},
        {"Association Les Amis du Parc"},
    )
