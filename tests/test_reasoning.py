"""The ontology as reasoners read it (issue 18): an OWL 2 RL closure of the ontology, the
vocabularies and the example's output, together with the borrowed ontologies themselves,
finds no inconsistency, infers no type a node should not have, and the project's own shapes
still pass on it.

Borrowed ontologies, as shipped by packages the project installs: PROV-O and SKOS from
pyLODE's copies of the W3C files (``pylode/rdf/prov.ttl``, ``skos.ttl``), ORG and INSEE's
geographic ontology from ``data/vocabularies/``. INSEE's ontology (5.0.0) is read with its
defects patched, as ``insee_geo_patched`` documents.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import owlrl
import pylode
import pytest
import rdflib
from pyshacl import validate

from converter.convert import convert
from converter.paths import ONTOLOGY_FILE, RESOURCES, SHAPES_FILE
from converter.vocab import vocabulary_files
from tests.conftest import SEED

OWL, RDF, RDFS, XSD = rdflib.OWL, rdflib.RDF, rdflib.RDFS, rdflib.XSD
IGEO = rdflib.Namespace("http://rdf.insee.fr/def/geo#")
CSKG = rdflib.Namespace("https://w3id.org/cskg/def#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
SCHEMA = rdflib.Namespace("https://schema.org/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
OWLRL_ERROR = rdflib.URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
PYLODE_RDF = Path(pylode.__file__).parent / "rdf"
GEOSPARQL_FEATURE = rdflib.URIRef("http://www.opengis.net/ont/geosparql#Feature")
MISSPELT_FEATURE = rdflib.URIRef("http://http://www.opengis.net/ont/geosparql#Feature")
VOCABULARIES = RESOURCES / "data" / "vocabularies"
ALIGNMENTS = RESOURCES / "ontology" / "alignments"


def insee_geo_patched() -> rdflib.Graph:
    """INSEE's geographic ontology 5.0.0 with the defects a reasoner cannot get past mended:

    - ``igeo:subdivisionDirecteDe`` is declared transitive: a *direct* subdivision is not
      (a commune would be directly under its région), and OWL 2 DL forbids a transitive
      property in the cardinality restrictions INSEE writes with it; the type is dropped;
    - it is also declared ``owl:inverseOf igeo:subdivision`` (the inverse of the indirect
      ``subdivisionDe``); its inverse is ``igeo:subdivisionDirecte``, as that property says:
      the wrong triple is dropped;
    - ``igeo:Commune`` restricts ``subdivisionDirecteDe`` with ``owl:maxCardinality`` beside
      ``owl:onClass``, which OWL 2 RL reads as an unqualified maximum and so merges territories
      by ``owl:sameAs``: read as the qualified maximum it means (``owl:maxQualifiedCardinality``);
    - ``igeo:date`` has the range ``xsd:date``, outside the OWL 2 datatype map: dropped;
    - a superclass is written ``<http://http://www.opengis.net/ont/geosparql#Feature>``: read
      as GeoSPARQL's ``Feature``, which it means.
    """
    geo = rdflib.Graph().parse(VOCABULARIES / "insee-geo.ttl")
    for s, p, o in list(geo.triples((None, None, MISSPELT_FEATURE))):
        geo.remove((s, p, o))
        geo.add((s, p, GEOSPARQL_FEATURE))
    geo.remove((IGEO.subdivisionDirecteDe, RDF.type, OWL.TransitiveProperty))
    geo.remove((IGEO.subdivisionDirecteDe, OWL.inverseOf, IGEO.subdivision))
    for restriction in list(geo.subjects(OWL.onClass, None)):
        for number in list(geo.objects(restriction, OWL.maxCardinality)):
            geo.remove((restriction, OWL.maxCardinality, number))
            geo.add((restriction, OWL.maxQualifiedCardinality, number))
    for prop in list(geo.subjects(RDFS.range, XSD.date)):
        geo.remove((prop, RDFS.range, XSD.date))
    return geo


def borrowed() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in (PYLODE_RDF / "prov.ttl", PYLODE_RDF / "skos.ttl", VOCABULARIES / "org.ttl"):
        assert path.exists(), f"{path} manque : l'ontologie empruntée doit être installée"
        graph.parse(path)
    return graph + insee_geo_patched()


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    folder = tmp_path_factory.mktemp("reasoning")
    convert([SEED], folder)
    return rdflib.Graph().parse(folder / "actions.ttl")


@pytest.fixture(scope="module")
def schema() -> rdflib.Graph:
    """The ontology, the vocabularies and the concepts they are aligned to."""
    graph = rdflib.Graph()
    for path in (ONTOLOGY_FILE, *vocabulary_files(), *ALIGNMENTS.glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def closure(output: rdflib.Graph, schema: rdflib.Graph) -> rdflib.Graph:
    graph = output + schema + borrowed()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_the_closure_finds_no_inconsistency(closure: rdflib.Graph) -> None:
    errors = sorted(str(m) for m in closure.objects(None, OWLRL_ERROR))
    assert errors == [], "\n".join(errors[:10])


def test_no_two_distinct_nodes_are_merged(closure: rdflib.Graph) -> None:
    merged = [(s, o) for s, o in closure.subject_objects(OWL.sameAs) if s != o]
    assert merged == []


GEO_ABOVE = {
    DCT.Location, GEOSPARQL_FEATURE,
    rdflib.URIRef("http://www.w3.org/2003/01/geo/wgs84_pos#SpatialThing"), OWL.Thing,
    IGEO.PaysOuTerritoire, IGEO.TerritoireFrancais, IGEO.TerritoireAdministratif,
    IGEO.CirconscriptionAdministrative,
}  # fmt: skip
AGENT = {ORG.Organization, FOAF.Agent, FOAF.Organization, PROV.Agent, OWL.Thing}
# The types a node of each kind may have after the closure: what it asserts and what the
# borrowed ontologies rightly add, nothing else (a commune is never an arrondissement…).
ALLOWED = {
    CSKG.Action: {CSKG.Action, PROV.Activity, OWL.Thing},
    CSKG.Fiche: {CSKG.Fiche, PROV.Entity, OWL.Thing},
    CSKG.Structure: {CSKG.Structure} | AGENT,
    ORG.Organization: AGENT,
    CSKG.FundingContribution: {CSKG.FundingContribution, SCHEMA.MonetaryGrant, OWL.Thing},
    PROV.Association: {PROV.Association, PROV.AgentInfluence, PROV.Influence, OWL.Thing},
    SCHEMA.MonetaryAmount: {SCHEMA.MonetaryAmount, OWL.Thing},
    SKOS.Concept: {SKOS.Concept, CSKG.UnreviewedConcept, OWL.Thing},
    IGEO.Region: {IGEO.Region, IGEO.NUTS2, IGEO.CollectiviteTerritoriale} | GEO_ABOVE,
    IGEO.Departement: {IGEO.Departement, IGEO.NUTS3} | GEO_ABOVE,
    IGEO.Arrondissement: {IGEO.Arrondissement, IGEO.CollectiviteTerritoriale} | GEO_ABOVE,
    IGEO.Commune: {IGEO.Commune, IGEO.LAU2, IGEO.CollectiviteTerritoriale} | GEO_ABOVE,
    # an EPCI is an administrative territory, not a circonscription (INSEE's ontology)
    IGEO.Intercommunalite: {IGEO.Intercommunalite}
    | GEO_ABOVE - {IGEO.CirconscriptionAdministrative},
    # the derived statistics (converter/statistics.py)
    QB.DataSet: {QB.DataSet, CSKG.DerivedStatistics, OWL.Thing},
    QB.DataStructureDefinition: {QB.DataStructureDefinition, OWL.Thing},
    QB.ComponentSpecification: {QB.ComponentSpecification, OWL.Thing},
    QB.Observation: {QB.Observation, OWL.Thing},
}


def _kind(types: set[rdflib.term.Node]) -> rdflib.term.Node:
    for kind in (CSKG.Structure, CSKG.FundingContribution):
        if kind in types:
            return kind
    (kind,) = types & set(ALLOWED)
    return kind


def _nodes(output: rdflib.Graph, schema: rdflib.Graph) -> Iterator[rdflib.term.Node]:
    yield from set(output.subjects(RDF.type, None))
    yield from set(schema.subjects(RDF.type, SKOS.Concept))


def test_no_node_gets_a_type_outside_its_kind(
    closure: rdflib.Graph, output: rdflib.Graph, schema: rdflib.Graph
) -> None:
    wrong = {}
    for node in _nodes(output, schema):
        asserted = set(output.objects(node, RDF.type)) | set(schema.objects(node, RDF.type))
        inferred = {t for t in closure.objects(node, RDF.type) if isinstance(t, rdflib.URIRef)}
        extra = inferred - ALLOWED[_kind(asserted)]
        if extra:
            wrong[str(node)] = sorted(str(t) for t in extra)
    assert wrong == {}, list(wrong.items())[:5]


def test_the_project_shapes_pass_on_the_closure(closure: rdflib.Graph) -> None:
    conforms, _, text = validate(
        closure,
        shacl_graph=rdflib.Graph().parse(SHAPES_FILE),
        inference="none",
        allow_warnings=True,
    )
    assert conforms, str(text)[:3000]


# The datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4).
OWL2_DATATYPES = {
    rdflib.RDF.PlainLiteral, rdflib.RDF.XMLLiteral, RDFS.Literal, OWL.real, OWL.rational,
    *(XSD[n] for n in (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger "
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte double float "
        "string normalizedString token language Name NCName NMTOKEN boolean hexBinary "
        "base64Binary anyURI dateTime dateTimeStamp"
    ).split()),
}  # fmt: skip
ANNOTATIONS = {DCT.created, DCT.modified, DCT.issued}  # dates of the ontologies themselves


def _hermit_jar() -> Path:
    import owlready2

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    assert jar.exists(), f"{jar} manque : HermiT vient avec owlready2 (make test l'installe)"
    return jar


def test_hermit_finds_the_union_consistent_with_no_unsatisfiable_class(
    tmp_path: Path, output: rdflib.Graph, schema: rdflib.Graph
) -> None:
    """HermiT 1.3.8 (shipped with owlready2), on Debian's Java, over the same union."""
    java = shutil.which("java")
    assert java, "java manque : make test installe default-jre-headless (Debian)"
    union = output + schema + borrowed()
    union.remove((None, OWL.imports, None))  # every ontology is given here: nothing to fetch
    path = tmp_path / "union.owl"
    union.serialize(path, format="xml")
    # SKOS notations are typed with the vocabularies' own datatype (cskg:Notation), which OWL 2
    # leaves out of its datatype map: HermiT is told to set those literals aside, and the test
    # checks that no other datatype outside the map is used but in annotations.
    outside = {
        (p, o.datatype)
        for _, p, o in union
        if isinstance(o, rdflib.Literal) and o.datatype and o.datatype not in OWL2_DATATYPES
    }
    assert {d for p, d in outside if p not in ANNOTATIONS} <= {CSKG.Notation}, outside
    done = subprocess.run(
        [java, "-Xmx2g", "-cp", str(_hermit_jar()), "org.semanticweb.HermiT.cli.CommandLine",
         "--consistency", "--unsatisfiable", "--ignoreUnsupportedDatatypes", path.as_uri()],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "Inconsistent" not in done.stderr, done.stderr[-2000:]
    assert "owl#Thing is satisfiable." in done.stdout, done.stdout + done.stderr[-2000:]
    unsatisfiable = done.stdout.split("Classes equivalent to 'owl:Nothing':", 1)[1].split()
    assert unsatisfiable == ["owl:Nothing"], unsatisfiable
