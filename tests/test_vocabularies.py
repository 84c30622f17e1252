"""The SKOS vocabularies as SKOS tools and the French reference read them (issue 18): skosify
finds nothing to mend, labels and notations are clean, the publics have their hierarchy, and
the alignments to data·inclusion point to codes that the data·inclusion package defines."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import rdflib
import skosify
from data_inclusion.schema import v1 as data_inclusion

from converter.paths import ONTOLOGY_DIR
from converter.text import fold
from converter.vocab import VOCAB, vocabulary_files

SKOS = rdflib.namespace.SKOS
CSKG = rdflib.Namespace("https://w3id.org/cskg/def#")
DI = "https://w3id.org/cskg/data-inclusion/"
ALIGNMENTS = ONTOLOGY_DIR / "alignments" / "data-inclusion.ttl"
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch)
PACKAGE = {
    "publics": {e.value: e.label for e in data_inclusion.Public},
    "thematiques": {
        e.value: e.label for enum in (data_inclusion.Categorie, data_inclusion.Thematique)
        for e in enum
    },
}  # fmt: skip
ALIGNED_SCHEMES = {"public": "publics", "thematique": "thematiques"}


@pytest.mark.parametrize("path", vocabulary_files(), ids=lambda p: p.stem)
def test_skosify_finds_nothing_to_mend(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        skosify.skosify(rdflib.Graph().parse(path), eliminate_redundancy=True)
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert said == [], said


@pytest.mark.parametrize("path", vocabulary_files(), ids=lambda p: p.stem)
def test_labels_and_notations_are_clean(path: Path) -> None:
    graph = rdflib.Graph().parse(path)
    (scheme,) = graph.subjects(rdflib.RDF.type, SKOS.ConceptScheme)
    assert {o.language for o in graph.objects(scheme, SKOS.prefLabel)} == {"fr", "en"}  # type: ignore[attr-defined]
    for concept in graph.subjects(rdflib.RDF.type, SKOS.Concept):
        preferred = {o.language: fold(str(o)) for o in graph.objects(concept, SKOS.prefLabel)}  # type: ignore[attr-defined]
        for alt in graph.objects(concept, SKOS.altLabel):
            assert fold(str(alt)) != preferred.get(alt.language), (concept, alt)  # type: ignore[attr-defined]
        (notation,) = graph.objects(concept, SKOS.notation)
        assert isinstance(notation, rdflib.Literal) and notation.datatype == CSKG.Notation
        assert str(concept).endswith("/" + str(notation)), concept
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(notation)), notation


def test_the_publics_have_their_hierarchy() -> None:
    graph = rdflib.Graph().parse(ONTOLOGY_DIR / "vocabularies" / "publics.ttl")
    public = rdflib.Namespace(VOCAB + "public/")
    broader = {(c, b) for c, b in graph.subject_objects(SKOS.broader)}
    assert broader == {
        (public["petite-enfance"], public.enfance),
        (public.adolescents, public.jeunesse),
        (public["jeunes-adultes"], public.jeunesse),
    }
    assert broader == {(c, b) for b, c in graph.subject_objects(SKOS.narrower)}


def _vocabularies() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in vocabulary_files():
        graph.parse(path)
    return graph


def test_every_alignment_points_to_a_code_and_label_of_the_data_inclusion_package() -> None:
    alignments = rdflib.Graph().parse(ALIGNMENTS)
    targets = {o for p in MATCHES for o in _vocabularies().objects(None, p)}
    assert targets, "no alignment"
    assert targets == set(alignments.subjects(rdflib.RDF.type, SKOS.Concept))
    for target in targets:
        kind, code = str(target).removeprefix(DI).split("/")
        assert code in PACKAGE[kind], target
        assert str(alignments.value(target, SKOS.notation)) == code
        assert str(alignments.value(target, SKOS.prefLabel)) == PACKAGE[kind][code]


@pytest.mark.parametrize("scheme", sorted(ALIGNED_SCHEMES))
def test_every_data_inclusion_code_with_one_of_our_labels_is_an_exact_match(scheme: str) -> None:
    graph = _vocabularies()
    kind = ALIGNED_SCHEMES[scheme]
    ours = {
        fold(str(label)): concept
        for concept in graph.subjects(SKOS.inScheme, rdflib.URIRef(VOCAB + scheme))
        for label in graph.objects(concept, SKOS.prefLabel)
        if label.language == "fr"  # type: ignore[attr-defined]
    }
    for code, label in PACKAGE[kind].items():
        concept = ours.get(fold(label))
        if concept is not None:
            assert (concept, SKOS.exactMatch, rdflib.URIRef(f"{DI}{kind}/{code}")) in graph, label
    exact = list(graph.subject_objects(SKOS.exactMatch))
    for concept, target in exact:
        if str(target).startswith(f"{DI}{kind}/"):
            code = str(target).rsplit("/", 1)[1]
            labels = {fold(str(label)) for label in graph.objects(concept, SKOS.prefLabel)}
            assert fold(PACKAGE[kind][code]) in labels, (concept, target)
