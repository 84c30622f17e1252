"""The description of one IRI (converter/site/describe.py), read back by real parsers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from converter.convert import convert
from converter.endpoint import served_files
from converter.serialise import FORMATS
from converter.site.describe import describe, description_bytes, descriptions
from converter.site.layout import file_of, site_path
from tests.conftest import SEED

ACTION = (
    "https://w3id.org/cskg/id/action/72/centre-social-gisele-halimi-allonnes/"
    "bien-vivre-dans-son-logement-s-ouvrir-vers-l-exterieur"
)
CSKG = "https://w3id.org/cskg/def#"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    folder = tmp_path_factory.mktemp("converted")
    convert([SEED], folder)
    loaded = ox.Store()
    for path in served_files(folder):
        loaded.bulk_load(path=path)
    return loaded


def _rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=description_bytes(triples, "ntriples"), format="nt")
    return graph


def test_action_is_described_by_its_own_triples_and_its_parts(store: ox.Store) -> None:
    """First fiche of data/actions_centres_sociaux.txt (lines 2-73): its title, its 3 themes;
    its parts (no document of their own): the fiche, the budget (« Buget global 2014 : 30500
    € »), the association of its one partner (« Préfecture »)."""
    triples = describe(store, ACTION)
    assert {t.subject.value for t in triples} == {
        ACTION,
        ACTION + "/fiche",
        ACTION + "/budget",
        ACTION + "/association/1",
    }
    for part in ("/fiche", "/budget", "/association/1"):
        node = ox.NamedNode(ACTION + part)
        own = {
            ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(node, None, None)
        }
        assert own and own <= set(triples), part
    objects = {(t.predicate.value, t.object.value) for t in triples}
    assert (
        "http://purl.org/dc/terms/title",
        "Bien vivre dans son logement, s'ouvrir vers l'extérieur",
    ) in objects
    assert len([t for t in triples if t.predicate.value == CSKG + "theme"]) == 3
    assert describe(store, "https://w3id.org/cskg/id/nothing") == []


def test_ontology_document_holds_its_hash_terms(store: ox.Store) -> None:
    subjects = {t.subject.value for t in describe(store, "https://w3id.org/cskg/def")}
    assert {"https://w3id.org/cskg/def", CSKG + "Action", CSKG + "partnerRole"} <= subjects
    assert {t.subject.value for t in describe(store, CSKG + "Action")} == {CSKG + "Action"}


def test_blank_nodes_reached_are_described() -> None:
    store = ox.Store()
    a, b, c = ox.NamedNode("https://w3id.org/cskg/id/a"), ox.BlankNode(), ox.BlankNode()
    p = ox.NamedNode(CSKG + "p")
    store.extend(
        [
            ox.Quad(a, p, b),
            ox.Quad(b, p, c),
            ox.Quad(c, p, ox.Literal("fin")),
            ox.Quad(ox.NamedNode("https://w3id.org/cskg/id/other"), p, ox.Literal("x")),
        ]
    )
    assert len(describe(store, a.value)) == 3
    store.add(ox.Quad(a, p, b, ox.NamedNode("https://w3id.org/cskg/graph")))  # in two graphs
    assert len(describe(store, a.value)) == 3


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize(
    "iri", [ACTION, "https://w3id.org/cskg/def", "https://w3id.org/cskg/vocab/statut/en-cours"]
)
def test_every_format_parses_isomorphic_to_the_description(
    store: ox.Store, name: str, iri: str
) -> None:
    triples = describe(store, iri)
    data = description_bytes(triples, name)
    expected = _rdflib(triples)
    by_rdflib = rdflib.Graph().parse(data=data, format=FORMATS[name].media_type)
    in_both, only_expected, only_parsed = graph_diff(
        to_isomorphic(expected), to_isomorphic(by_rdflib)
    )
    assert not list(only_expected) and not list(only_parsed), name
    by_oxigraph = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(data, format=FORMATS[name].reader)
    ]
    assert to_isomorphic(_rdflib(by_oxigraph)) == to_isomorphic(expected)
    assert description_bytes(describe(store, iri), name) == data  # same input, same bytes
    assert descriptions(triples)[name] == data  # what cskg site writes


def test_layout_maps_iris_to_folders() -> None:
    assert file_of(ACTION, "html") == ACTION.removeprefix("https://w3id.org/cskg/") + "/index.html"
    assert site_path("https://w3id.org/cskg/def#Action") == "def"
    assert site_path("https://example.org/d/x", "https://example.org/d/") == "x"
    assert (
        site_path("https://w3id.org/cskg/vocab/statut", "https://example.org/d/") == "vocab/statut"
    )
    assert site_path("https://w3id.org/cskg/id/%2E%2E/x") is None
    assert site_path("https://w3id.org/cskg/") == ""
