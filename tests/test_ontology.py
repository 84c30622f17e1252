"""The ontology and vocabularies document themselves, and declare every term the output uses."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, VANN, XSD

from converter.convert import convert
from converter.model import FIELDS
from converter.paths import ONTOLOGY_FILE, SHAPES_FILE
from converter.text import fold
from converter.validation import schema_graph
from converter.vocab import CSKG, SCHEMES, VOCAB, vocabulary_files
from tests.conftest import ROOT, SEED

ONT = rdflib.Graph().parse(ONTOLOGY_FILE)
CSKG_NS = rdflib.Namespace(CSKG)
BORROWED_FILES = {
    "http://www.w3.org/ns/org#": ROOT / "data" / "vocabularies" / "org.ttl",
    "http://rdf.insee.fr/def/geo#": ROOT / "data" / "vocabularies" / "insee-geo.ttl",
}
CLOSED_NAMESPACES = (DCTERMS, SKOS, PROV, SDO, RDF, RDFS, OWL, XSD, VANN, FOAF, QB)


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    folder = tmp_path_factory.mktemp("ontology")
    convert([SEED], folder)
    return rdflib.Graph().parse(folder / "actions.ttl")


def _languages(
    graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef
) -> set[str]:
    return {
        o.language
        for o in graph.objects(subject, predicate)
        if isinstance(o, rdflib.Literal) and o.language
    }


def test_ontology_and_vocabularies_load_in_rdflib_and_pyoxigraph() -> None:
    for path in (ONTOLOGY_FILE, *vocabulary_files()):
        assert len(rdflib.Graph().parse(path)) > 0
        assert list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def test_ontology_header_has_titles_description_version_licence_creator() -> None:
    (ontology,) = ONT.subjects(RDF.type, OWL.Ontology)
    assert _languages(ONT, ontology, DCTERMS.title) == {"fr", "en"}
    assert _languages(ONT, ontology, DCTERMS.description) == {"fr", "en"}
    for predicate in (OWL.versionInfo, DCTERMS.license, DCTERMS.creator):
        assert ONT.value(ontology, predicate) is not None, predicate


def _own_terms() -> set[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in ONT.subjects(RDF.type, k) if str(s).startswith(CSKG)}


def test_every_own_term_has_french_and_english_labels_and_comments() -> None:
    terms = _own_terms()
    assert len(terms) > 25
    for term in terms:
        assert _languages(ONT, term, RDFS.label) >= {"fr", "en"}, term
        assert _languages(ONT, term, RDFS.comment) >= {"fr", "en"}, term


def test_every_own_property_has_a_domain_and_a_range() -> None:
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ONT.subjects(RDF.type, kind):
            assert ONT.value(prop, RDFS.domain) is not None, prop
            assert ONT.value(prop, RDFS.range) is not None, prop


def test_every_field_predicate_is_declared() -> None:
    for f in FIELDS:
        assert CSKG_NS[f.predicate.removeprefix("cskg:")] in _own_terms(), f.name


def _used_terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    used = set(graph.predicates())
    used |= {o for o in graph.objects(None, RDF.type) if isinstance(o, rdflib.URIRef)}
    return used


def test_every_cskg_term_used_in_the_output_is_declared(output: rdflib.Graph) -> None:
    own = {t for t in _used_terms(output) if str(t).startswith(CSKG)}
    assert own and own <= _own_terms(), own - _own_terms()


def test_every_borrowed_term_exists_in_its_vocabulary(output: rdflib.Graph) -> None:
    borrowed = {t for t in _used_terms(output) | _used_terms(ONT) if not str(t).startswith(CSKG)}
    loaded = {ns: rdflib.Graph().parse(path) for ns, path in BORROWED_FILES.items()}
    for term in borrowed:
        namespace = next((ns for ns in loaded if str(term).startswith(ns)), None)
        if namespace is not None:
            assert (term, None, None) in loaded[namespace], term
            continue
        assert any(term in closed for closed in CLOSED_NAMESPACES), term


def test_ontology_aligns_its_classes_to_well_known_ones() -> None:
    assert (CSKG_NS.Action, RDFS.subClassOf, PROV.Activity) in ONT
    assert (
        CSKG_NS.Structure,
        RDFS.subClassOf,
        rdflib.URIRef("http://www.w3.org/ns/org#Organization"),
    ) in ONT
    assert (CSKG_NS.summary, RDFS.subPropertyOf, DCTERMS.abstract) in ONT


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_scheme_is_documented_and_its_concepts_labelled_in_french_and_english(
    scheme: str,
) -> None:
    graph = schema_graph()
    node = rdflib.URIRef(VOCAB + scheme)
    assert (node, RDF.type, SKOS.ConceptScheme) in graph
    assert _languages(graph, node, DCTERMS.title) == {"fr", "en"}
    concepts = set(graph.subjects(SKOS.inScheme, node))
    assert concepts
    folded: dict[str, rdflib.term.Node] = {}
    for concept in concepts:
        broader = set(graph.objects(concept, SKOS.broader))
        assert ((node, SKOS.hasTopConcept, concept) in graph) != bool(broader), concept
        assert broader <= concepts, concept
        for language in ("fr", "en"):
            labels = [o for o in graph.objects(concept, SKOS.prefLabel) if o.language == language]  # type: ignore[attr-defined]
            assert len(labels) == 1, (concept, language)
        assert graph.value(concept, SKOS.notation) is not None, concept
        for label in graph.objects(concept, SKOS.prefLabel | SKOS.altLabel):  # type: ignore[operator]
            if label.language == "fr":  # type: ignore[attr-defined]
                assert folded.setdefault(fold(str(label)), concept) == concept, label


def test_every_scheme_named_by_a_field_exists() -> None:
    assert {f.scheme for f in FIELDS if f.scheme} <= set(SCHEMES)
    assert len(vocabulary_files()) == len(SCHEMES)


def test_shapes_file_loads(tmp_path: Path) -> None:
    assert len(rdflib.Graph().parse(SHAPES_FILE)) > 100
