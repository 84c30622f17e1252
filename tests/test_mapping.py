"""Mapping: every field of every seed record is in the graph, with the right typed numbers."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib

from converter.mapping import MappedGraph, map_records
from converter.model import FIELDS, Kind, ParseResult, Record
from converter.reader import parse_text
from converter.shacl import validate_fast
from converter.validation import schema_graph
from converter.vocab import CSKG, DEFAULT_BASE_IRI, SKOS
from tests.conftest import fiche

SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def mapped(seed: ParseResult) -> MappedGraph:
    return map_records(seed.records)


def _store(graph: MappedGraph) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples)
    return store


def _action(store: ox.Store, record: Record) -> ox.NamedNode:
    """The action whose fiche starts at the record's first line (found through its source)."""
    line = ox.Literal(
        str(record.source.first_line),
        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#positiveInteger"),
    )
    (fiche_quad,) = store.quads_for_pattern(None, ox.NamedNode(CSKG + "firstLine"), line)
    (quad,) = store.quads_for_pattern(
        None, ox.NamedNode("http://purl.org/dc/terms/source"), fiche_quad.subject
    )
    assert isinstance(quad.subject, ox.NamedNode)
    return quad.subject


def _values(store: ox.Store, subject: ox.NamedNode, predicate: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)}  # type: ignore[union-attr]


def _labels(store: ox.Store, node: str) -> set[str]:
    return _values(store, ox.NamedNode(node), SKOS + "prefLabel")


def test_every_non_empty_field_of_every_seed_record_is_in_the_graph(
    seed: ParseResult, mapped: MappedGraph
) -> None:
    """Walks FIELDS: texts as @fr literals, concepts by label, organisations by name."""
    store = _store(mapped)
    concept_labels: dict[str, set[str]] = {}
    for concept, label in schema_graph().subject_objects(rdflib.URIRef(SKOS + "prefLabel")):
        concept_labels.setdefault(str(concept), set()).add(str(label))
    for record in seed.records:
        action = _action(store, record)
        assert _values(store, action, "http://purl.org/dc/terms/title") == {record.title}
        (structure,) = _values(store, action, CSKG + "organiser")
        assert _labels(store, structure) == {record.structure}
        assert _values(store, ox.NamedNode(structure), CSKG + "departementLabel") == {
            record.departement
        }
        for f in FIELDS:
            if f.kind is Kind.ORGANISER:
                continue
            value = getattr(record, f.name)
            expected = set(value) if isinstance(value, tuple) else ({value} if value else set())
            found = _values(store, action, f.predicate.replace("cskg:", CSKG))
            if f.scheme is not None:
                found = {
                    label for iri in found for label in concept_labels.get(iri, _labels(store, iri))
                }
                assert expected <= found, (record.title, f.name)
            elif f.name == "partners":  # and those the texts name (tests/test_linking.py)
                names = {
                    n
                    for iri in found
                    for n in _labels(store, iri)
                    | _values(store, ox.NamedNode(iri), SKOS + "altLabel")
                }
                assert expected <= names
            else:
                assert found == expected, (record.title, f.name)


def test_seed_values_all_match_reviewed_concepts(mapped: MappedGraph) -> None:
    assert mapped.unreviewed_concepts == 0


def test_unknown_value_becomes_an_unreviewed_concept_with_a_warning() -> None:
    result = parse_text(
        fiche(body="- Mots clés associés à l'action\n-\n- Jardinage partagé\n- Culture\n"),
        file="f.txt",
    )
    graph = map_records(result.records)
    assert graph.unreviewed_concepts == 1
    (warning,) = [w for w in graph.warnings if "Jardinage" in w.message]
    assert (warning.file, warning.line) == ("f.txt", 8)
    store = _store(graph)
    concepts = list(
        store.quads_for_pattern(
            None, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Jardinage partagé", language="fr")
        )
    )
    assert len(concepts) == 1
    assert (
        concepts[0].subject.value == "https://w3id.org/cskg/id/concept/thematique/jardinage-partage"
    )


def test_values_match_concepts_ignoring_case_accents_and_punctuation() -> None:
    body = (
        "- Mots clés associés à l'action\n-\n- DEMOCRATIE ET CITOYENNETE\n- education/scolarite\n"
    )
    graph = map_records(parse_text(fiche(body=body)).records)
    themes = {t.object.value for t in graph.triples if t.predicate.value == CSKG + "theme"}
    assert themes == {
        "https://w3id.org/cskg/vocab/thematique/democratie-citoyennete",
        "https://w3id.org/cskg/vocab/thematique/education-scolarite",
    }


def _amount(graph: MappedGraph, node: str) -> Decimal:
    (value,) = [
        t.object.value
        for t in graph.triples
        if t.subject.value == node and t.predicate.value == SCHEMA + "value"
    ]
    return Decimal(value)


def _budget(graph: MappedGraph) -> Decimal:
    (node,) = [t.object.value for t in graph.triples if t.predicate.value == CSKG + "budget"]
    return _amount(graph, node)


def test_budget_with_euro_sign_parses_as_decimal(seed: ParseResult) -> None:
    record = next(r for r in seed.records if r.title == "COOP MONS")
    graph = map_records([record])
    assert _budget(graph) == Decimal("37669")
    (staff,) = [t.object for t in graph.triples if t.predicate.value == CSKG + "staffCount"]
    assert isinstance(staff, ox.Literal) and staff.value == "4"


def test_funder_breakdown_becomes_contributions_linked_to_funders(seed: ParseResult) -> None:
    record = next(r for r in seed.records if r.title == "Ecrivain public")
    graph = map_records([record])
    assert _budget(graph) == Decimal("31600")
    store = _store(graph)
    funders = {}
    for t in graph.triples:
        if t.predicate.value == SCHEMA + "funder":
            (amount,) = [
                a.object.value
                for a in graph.triples
                if a.subject == t.subject and a.predicate.value == SCHEMA + "amount"
            ]
            funders[t.object.value.removeprefix(DEFAULT_BASE_IRI + "organisation/")] = _amount(
                graph, amount
            )
    assert funders == {  # the organisations each funding line names (issue 16)
        "commune/31555": Decimal("6000"),
        "caf/31": Decimal("4500"),
        "etat": Decimal("18300"),  # ASP, the State's payment agency
        "conseil-regional/76": Decimal("2800"),
    }
    assert {"Mairie de Toulouse", "Caisse d'allocations familiales (Haute-Garonne)"} <= {
        n
        for iri in ("commune/31555", "caf/31")
        for n in _labels(store, DEFAULT_BASE_IRI + "organisation/" + iri)
        | _values(store, ox.NamedNode(DEFAULT_BASE_IRI + "organisation/" + iri), SKOS + "altLabel")
    }


def test_expenses_and_receipts_are_not_one_budget(seed: ParseResult) -> None:
    record = next(r for r in seed.records if r.title == "Fête de quartier de Chennevières")
    graph = map_records([record])
    assert not any(t.predicate.value == CSKG + "budget" for t in graph.triples)
    assert any("montants sans total certain" in w.message for w in graph.warnings)
    funding = [t.object.value for t in graph.triples if t.predicate.value == CSKG + "fundingText"]
    assert funding == [record.funding]


def test_merged_names_keep_every_spelling_and_punctuation_names_stay_apart() -> None:
    """Review of issue 3: merging by normalised name must not lose a spelling."""
    body_a = "- Avec qui cette action a-t-elle été menée ?\n-\nPartenaires d'action:\n- ???\n- CAF du Lot\n"
    body_b = "- Avec qui cette action a-t-elle été menée ?\n-\nPartenaires d'action:\n- !!!\n- C.A.F. du LOT\n"
    text = fiche(title="A", organiser="CS X - Sarthe", body=body_a) + fiche(
        title="B", organiser="C.S. X - 72", body=body_b
    )
    graph = map_records(parse_text(text).records)
    assert graph.structures == 1 and graph.organisations == 3
    labels = {
        t.object.value
        for t in graph.triples
        if t.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel")
    }
    assert {"CS X", "C.S. X", "???", "!!!", "CAF du Lot", "C.A.F. du LOT"} <= labels


def test_partners_and_funders_are_roles_with_their_evidence(seed: ParseResult) -> None:
    """Issue 18: each partner item and each funding line is a qualified association of the
    action, with the role, the mention as written, its section and the header's line (read in
    the dump: « Ecrivain public » lists « Préfecture » under line 1075 and its funders under
    line 1085)."""
    record = next(r for r in seed.records if r.title == "Ecrivain public")
    store = _store(map_records([record]))
    rows = store.query(
        """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX cskg: <https://w3id.org/cskg/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name ?role ?text ?line WHERE {
          ?action prov:qualifiedAssociation ?a .
          ?a prov:agent/skos:prefLabel ?name ; prov:hadRole ?role ; cskg:evidenceText ?text ;
             cskg:evidenceLine ?line ; cskg:rule ?rule .
          FILTER(?rule IN ("liste-des-partenaires", "ligne-de-financement"))
          FILTER(lang(?name) IN ("fr", "")) }"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = {
        (s["name"].value, s["role"].value.rsplit("#")[1], s["text"].value, int(s["line"].value))  # type: ignore[union-attr]
        for s in rows
    }
    # named by type and territory (issue 16), the fiche's words kept as evidence
    assert found == {
        ("Préfecture (Haute-Garonne)", "partnerRole", "Préfecture", 1075),
        ("Commune (Toulouse)", "funderRole", "Mairie de Toulouse: 6 000 €", 1085),
        (
            "Caisse d'allocations familiales (Haute-Garonne)",
            "funderRole",
            "CAF Haute Garonne: 4 500 €",
            1085,
        ),
        ("État", "funderRole", "ASP:: 18 300 €", 1085),
        (
            "Conseil régional (Occitanie)",
            "funderRole",
            "Conseil Régional ( Adulte Relais): 2 800 €",
            1085,
        ),
    }


def test_a_generic_name_is_one_organisation_per_departement(seed: ParseResult) -> None:
    """Issue 18: « Préfecture » in the Sarthe and in the Lot are two organisations; the two
    fiches of the Lot cite the same one; « CAF Haute Garonne » names its own territory."""
    graph = map_records(seed.records)
    partners = {t.object.value for t in graph.triples if t.predicate.value == CSKG + "partner"}
    assert f"{DEFAULT_BASE_IRI}organisation/prefecture/72" in partners
    assert f"{DEFAULT_BASE_IRI}organisation/prefecture/46" in partners
    prefectures = {p for p in partners if "/organisation/prefecture/" in p}
    assert len(prefectures) == 18  # the 18 départements of the 25 fiches
    funders = {t.object.value for t in graph.triples if t.predicate.value == SCHEMA + "funder"}
    assert f"{DEFAULT_BASE_IRI}organisation/caf/31" in funders


def test_a_commune_of_mayotte_lies_directly_under_its_departement() -> None:
    """Mayotte has no arrondissement (the COG gives its communes no ARR): the commune is linked
    to département 976 directly, and the graph validates (it broke every Mayotte fiche)."""
    graph = map_records(parse_text(fiche(organiser="CENTRE SOCIAL MAMOUDZOU - Mayotte")).records)
    commune = "http://id.insee.fr/geo/commune/97611"
    parents = [
        t.object.value
        for t in graph.triples
        if t.subject.value == commune and t.predicate.value.endswith("#subdivisionDirecteDe")
    ]
    assert parents == ["http://id.insee.fr/geo/departement/976"]
    results = validate_fast(graph.triples).results
    structure = "https://w3id.org/cskg/id/structure/976/centre-social-mamoudzou"
    assert [r for r in results if r.focus in (commune, structure)] == []
    assert all(r.focus.startswith("https://w3id.org/cskg/id/action/") for r in results)


def test_a_linked_commune_carries_its_population_postcodes_and_epci(mapped: MappedGraph) -> None:
    """Allonnes (72003, Sarthe) is in Le Mans Métropole, a communauté urbaine (DGCL 2026);
    figures read by hand in the reference file communes.json."""
    store = _store(mapped)
    commune = ox.NamedNode("http://id.insee.fr/geo/commune/72003")
    assert _values(store, commune, CSKG + "population") == {"10739"}
    assert _values(store, commune, CSKG + "postalCode") == {"72700"}
    assert _values(store, commune, CSKG + "siren") == {"217200039"}
    epci = "http://id.insee.fr/geo/intercommunalite/247200132"
    assert _values(store, commune, CSKG + "epci") == {epci}
    assert _values(store, ox.NamedNode(epci), CSKG + "epciNature") == {
        "https://w3id.org/cskg/vocab/nature-epci/communaute-urbaine"
    }
    assert _values(store, ox.NamedNode(epci), "http://rdf.insee.fr/def/geo#codeINSEE") == {
        epci[-9:]
    }
    sarthe = ox.NamedNode("http://id.insee.fr/geo/departement/72")
    assert _values(store, sarthe, CSKG + "population") == {"566733"}


def test_every_territory_in_the_graph_has_a_population(mapped: MappedGraph) -> None:
    store = _store(mapped)
    query = """SELECT ?t WHERE {
      VALUES ?kind { igeo:Commune igeo:Departement igeo:Region igeo:Intercommunalite }
      ?t a ?kind . FILTER NOT EXISTS { ?t cskg:population ?p } }"""
    prefixes = {"igeo": "http://rdf.insee.fr/def/geo#", "cskg": CSKG}
    assert list(store.query(query, prefixes=prefixes)) == []  # type: ignore[arg-type]
