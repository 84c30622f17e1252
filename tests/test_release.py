"""``cskg release``: a folder a portal can take as it is, its catalogue conforming to DCAT-AP."""

from __future__ import annotations

import csv
import hashlib
import html.parser
import shutil
from pathlib import Path

import csvw
import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from pyshacl import validate
from typer.testing import CliRunner

from converter.cli import app
from converter.convert import convert
from converter.release import CSV_COLUMNS, CatalogueError, load_config, release
from converter.release.void import count_data
from tests.conftest import ROOT, SEED

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
CSKG = rdflib.Namespace("https://w3id.org/cskg/def#")
runner = CliRunner()


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("converted")
    convert([SEED], folder)
    return folder


@pytest.fixture(scope="module")
def released(converted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("release")
    config = load_config(
        ROOT / "release.toml", endpoint="https://example.org/sparql", issued="2026-11-25"
    )
    release(converted, folder, config)
    return folder


def _catalog(folder: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(folder / "catalog.ttl")


def test_catalogue_conforms_to_the_official_dcat_ap_shapes(released: Path) -> None:
    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl"):
        shapes.parse(ROOT / "data" / "dcat-ap" / name)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert all((p, sh.path, None) in shapes for p in shapes.objects(None, sh.property))
    conforms, _, text = validate(
        _catalog(released), shacl_graph=shapes, inference="none", allow_warnings=True
    )
    assert conforms, text
    jsonld = rdflib.Graph().parse(released / "catalog.jsonld", format="json-ld")
    assert rdflib.compare.isomorphic(jsonld, _catalog(released))


def test_catalogue_describes_the_dataset(released: Path) -> None:
    graph = _catalog(released)
    (dataset,) = graph.subjects(rdflib.RDF.type, DCAT.Dataset)
    titles = {t.language for t in graph.objects(dataset, rdflib.DCTERMS.title)}  # type: ignore[attr-defined]
    assert titles == {"fr", "en"}
    assert graph.value(dataset, rdflib.DCTERMS.license) == rdflib.URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )
    spatial = {str(s) for s in graph.objects(dataset, rdflib.DCTERMS.spatial)}
    # the 18 départements of the fiches' structures, and the whole coverage
    assert len(spatial) == 19 and "http://id.insee.fr/geo/departement/971" in spatial
    for place in spatial:
        for geometry in (DCAT.bbox, DCAT.centroid):
            assert graph.value(rdflib.URIRef(place), geometry) is not None, (place, geometry)
    whole = rdflib.URIRef("https://example.org/cskg/#couverture-spatiale")
    outline = graph.value(whole, rdflib.URIRef("http://www.w3.org/ns/locn#geometry"))
    assert isinstance(outline, rdflib.Literal) and str(outline).startswith("MULTIPOLYGON(((")
    assert outline.datatype == rdflib.URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
    # Nord (59): centroid near Douai (3.2° E, 50.4° N); bounding box up to Bray-Dunes, 51.09° N
    nord = rdflib.URIRef("http://id.insee.fr/geo/departement/59")
    point = str(graph.value(nord, DCAT.centroid))
    x, y = point.split("<gml:pos>")[1].split("</gml:pos>")[0].split()
    assert abs(float(x) - 3.2) < 0.2 and abs(float(y) - 50.45) < 0.15
    assert "51.089" in str(graph.value(nord, DCAT.bbox))
    keywords = {str(k) for k in graph.objects(dataset, DCAT.keyword)}
    assert len(keywords) == 14 and "Parentalité" in keywords
    period = graph.value(dataset, rdflib.DCTERMS.temporal)
    assert isinstance(period, rdflib.BNode)  # read in the graph, never fetched
    # earliest and latest start years the fiches state (CAFE SOLIDAIRE: « devrait débuter en 2021 »)
    start, end = graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)
    assert (start, end) == (
        rdflib.Literal("2013-01-01", datatype=rdflib.XSD.date),
        rdflib.Literal("2021-12-31", datatype=rdflib.XSD.date),
    )
    assert str(graph.value(dataset, rdflib.DCTERMS.identifier)) == str(dataset)
    assert graph.value(dataset, DCAT.landingPage) == rdflib.URIRef("https://example.org/cskg/")
    assert graph.value(dataset, rdflib.DCTERMS.accrualPeriodicity) == rdflib.URIRef(
        "http://publications.europa.eu/resource/authority/frequency/IRREG"
    )
    assert str(graph.value(dataset, rdflib.DCTERMS.issued)) == "2026-11-25"
    (service,) = graph.subjects(rdflib.RDF.type, DCAT.DataService)
    assert str(graph.value(service, DCAT.endpointURL)) == "https://example.org/sparql"
    contact = graph.value(dataset, DCAT.contactPoint)
    assert str(
        graph.value(contact, rdflib.URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))
    ).startswith("mailto:")


def test_every_distribution_size_and_checksum_match_its_file(released: Path) -> None:
    graph = _catalog(released)
    distributions = list(graph.subjects(rdflib.RDF.type, DCAT.Distribution))
    files = sorted(p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file())
    described = set()
    for node in distributions:
        url = str(graph.value(node, DCAT.downloadURL))
        name = url.removeprefix("https://example.org/cskg/")
        described.add(name)
        data = (released / name).read_bytes()
        assert int(graph.value(node, DCAT.byteSize)) == len(data), name  # type: ignore[arg-type]
        checksum = graph.value(node, SPDX.checksum)
        value = graph.value(checksum, SPDX.checksumValue)
        assert isinstance(value, rdflib.Literal) and value.datatype == rdflib.XSD.hexBinary
        assert str(value) == hashlib.sha256(data).hexdigest()
        assert graph.value(checksum, SPDX.algorithm) == rdflib.URIRef(
            "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        )
        assert str(graph.value(node, rdflib.DCTERMS.identifier)) == str(node)
        assert str(graph.value(node, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
        assert (
            graph.value(node, DCAT.mediaType) is not None
            and graph.value(node, DCAT.accessURL) is not None
        )
    assert described == set(files) - {"catalog.ttl", "catalog.jsonld"}


def test_void_counts_match_the_data(released: Path) -> None:
    data = rdflib.Graph().parse(released / "actions.nt", format="nt")
    void = rdflib.Graph().parse(released / "void.ttl")
    (dataset,) = void.subjects(rdflib.RDF.type, VOID.Dataset)
    assert int(void.value(dataset, VOID.triples)) == len(data)  # type: ignore[arg-type]
    assert int(void.value(dataset, VOID.distinctSubjects)) == len(set(data.subjects()))  # type: ignore[arg-type]
    assert int(void.value(dataset, VOID.distinctObjects)) == len(set(data.objects()))  # type: ignore[arg-type]
    for partition in void.objects(dataset, VOID.classPartition):
        cls = void.value(partition, VOID["class"])
        assert int(void.value(partition, VOID.entities)) == len(
            set(data.subjects(rdflib.RDF.type, cls))
        )  # type: ignore[arg-type]
    for partition in void.objects(dataset, VOID.propertyPartition):
        prop = void.value(partition, VOID.property)
        assert int(void.value(partition, VOID.triples)) == len(
            list(data.triples((None, prop, None)))
        )  # type: ignore[arg-type]
    assert (dataset, VOID.sparqlEndpoint, rdflib.URIRef("https://example.org/sparql")) in void


def test_csv_has_one_row_per_action_and_the_insee_codes_of_the_graph(released: Path) -> None:
    with (released / "actions.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 25 and list(rows[0]) == [c.name for c in CSV_COLUMNS]
    graph = rdflib.Graph().parse(released / "actions.ttl")
    for row in rows:
        action = rdflib.URIRef(row["action"])
        structure = graph.value(action, CSKG.organiser)
        departement = graph.value(structure, CSKG.departement)
        code = graph.value(departement, rdflib.URIRef("http://rdf.insee.fr/def/geo#codeINSEE"))
        assert row["departement_code"] == str(code) and row["structure_iri"] == str(structure)
    allonnes = next(r for r in rows if r["structure"] == "CENTRE SOCIAL GISELE HALIMI ALLONNES")
    assert (allonnes["commune_code"], allonnes["region_code"], allonnes["budget_eur"]) == (
        "72003",
        "52",
        "30500",
    )
    assert allonnes["themes"] == "Démocratie & citoyenneté | Solidarité | développement durable"


def test_csv_validates_against_its_csv_on_the_web_description(
    released: Path, tmp_path: Path
) -> None:
    described = csvw.CSVW(str(released / "actions.csv-metadata.json"), validate=True)
    assert described.is_valid, described.warnings
    rows = list(described.tablegroup.tables[0].iterdicts())
    assert len(rows) == 25
    # the check is real: a budget that is not a number breaks it
    for name in ("actions.csv", "actions.csv-metadata.json"):
        (tmp_path / name).write_bytes((released / name).read_bytes())
    text = (
        (tmp_path / "actions.csv").read_text(encoding="utf-8").replace(",30500,", ",trente mille,")
    )
    (tmp_path / "actions.csv").write_text(text, encoding="utf-8")
    assert not csvw.CSVW(str(tmp_path / "actions.csv-metadata.json"), validate=True).is_valid


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.text)


def test_documentation_names_every_class_and_property(released: Path) -> None:
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "cskg.ttl")
    page, dictionary = (
        _html_text(released / "ontologie.html"),
        _html_text(released / "dictionnaire.html"),
    )
    kinds = (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
    terms = {
        t
        for k in kinds
        for t in ontology.subjects(rdflib.RDF.type, k)
        if str(t).startswith(str(CSKG))
    }
    assert len(terms) > 25
    for term in terms:
        label = next(
            str(o) for o in ontology.objects(term, rdflib.RDFS.label) if o.language == "en"
        )  # type: ignore[attr-defined]
        assert label in page, term
        assert "cskg:" + str(term).removeprefix(str(CSKG)) in dictionary, term
    for column in CSV_COLUMNS:
        assert column.name in dictionary
    assert "Solidarité" in dictionary and "Ongoing" in dictionary


def test_release_is_deterministic(converted: Path, released: Path, tmp_path: Path) -> None:
    config = load_config(
        ROOT / "release.toml", endpoint="https://example.org/sparql", issued="2026-11-25"
    )
    release(converted, tmp_path, config)
    for path in released.rglob("*"):
        if path.is_file():
            assert (tmp_path / path.relative_to(released)).read_bytes() == path.read_bytes(), path


def test_no_date_unless_given(converted: Path, tmp_path: Path) -> None:
    release(converted, tmp_path, load_config(ROOT / "release.toml"))
    assert not list(_catalog(tmp_path).objects(None, rdflib.DCTERMS.issued))


def test_a_catalogue_that_does_not_conform_is_not_written(
    converted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import converter.release.build as module

    original = module.catalogue

    def without_titles(*args: object, **kwargs: object) -> list[ox.Triple]:
        return [t for t in original(*args, **kwargs) if not t.predicate.value.endswith("/title")]  # type: ignore[arg-type]

    monkeypatch.setattr(module, "catalogue", without_titles)
    with pytest.raises(CatalogueError, match="http://purl.org/dc/terms/title"):
        release(converted, tmp_path, load_config(ROOT / "release.toml"))
    assert not (tmp_path / "catalog.ttl").exists()


def test_cli_release_and_bad_options(converted: Path, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["release", "--data", str(converted), "-o", str(tmp_path / "r")])
    assert ok.exit_code == 0, ok.output
    assert "catalogue conforme à DCAT-AP 3.0.1" in ok.stdout
    bad = runner.invoke(
        app, ["release", "--data", str(converted), "-o", str(tmp_path / "r"), "--issued", "hier"]
    )
    assert bad.exit_code == 2 and "date invalide" in bad.stderr
    missing = runner.invoke(
        app, ["release", "--data", str(tmp_path / "absent"), "-o", str(tmp_path / "x")]
    )
    assert missing.exit_code == 2 and "introuvable" in missing.stderr


def test_checksums_follow_the_dcat_ap_vocabulary_shape(released: Path) -> None:
    """The one rule of mdr-vocabularies.shape.ttl that needs no EU code list: the algorithm."""
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    mdr = rdflib.Graph().parse(ROOT / "data" / "dcat-ap" / "mdr-vocabularies.shape.ttl")
    checksum_shape = next(s for s in mdr.subjects(sh.targetClass, SPDX.Checksum))
    shapes = rdflib.Graph()
    todo = [checksum_shape]
    while todo:  # the shape, its property shape and the node shape it points to
        node = todo.pop()
        for p, o in mdr.predicate_objects(node):
            shapes.add((node, p, o))
            if p in (sh.property, sh.node):
                todo.append(o)
    assert (None, sh.pattern, rdflib.Literal("^https://spdx.org/rdf/terms")) in shapes
    conforms, _, text = validate(_catalog(released), shacl_graph=shapes, inference="none")
    assert conforms, text
    # the check is real: the http:// algorithm IRI of SPDX 2.3 breaks it
    graph = _catalog(released)
    for s, o in list(graph.subject_objects(SPDX.algorithm)):
        graph.set((s, SPDX.algorithm, rdflib.URIRef(str(o).replace("https:", "http:"))))
        graph.add(
            (
                rdflib.URIRef(str(o).replace("https:", "http:")),
                rdflib.RDF.type,
                SPDX.ChecksumAlgorithm,
            )
        )
    assert not validate(graph, shacl_graph=shapes, inference="none")[0]


def test_lisezmoi_describes_the_dataset_for_its_page(released: Path) -> None:
    text = (released / "LISEZMOI.md").read_text(encoding="utf-8")
    # 25 fiches in the example, their structures in 18 départements, Guadeloupe among them
    assert "25 actions" in text and "18 départements" in text and "Guadeloupe" in text
    assert "de 2013 à 2021" in text
    assert "Licence Ouverte / Open Licence 2.0" in text
    assert "Insee, Code officiel géographique 2026" in text and "IGN Admin Express" in text
    assert "datasette actions.db" in text and "requetes.zip" in text
    assert "Point d'accès SPARQL : <https://example.org/sparql>" in text


def test_example_values_are_named_until_changed(tmp_path: Path) -> None:
    from converter.release import example_values

    assert example_values(load_config(ROOT / "release.toml")) == [
        "publisher",
        "publisher_iri",
        "contact_name",
        "contact_email",
        "base_url",
    ]
    real = tmp_path / "release.toml"
    real.write_text(
        '[publisher]\npublisher = "Fédération des centres sociaux de la Sarthe"\n'
        'contact_email = "donnees@centres-sociaux-72.fr"\n'
        '[distribution]\nbase_url = "https://donnees.centres-sociaux-72.fr/actions/"\n',
        encoding="utf-8",
    )
    assert example_values(load_config(real)) == []


def test_each_dcat_ap_warning_names_its_fix(converted: Path, tmp_path: Path) -> None:
    bare = tmp_path / "release.toml"
    bare.write_text('[publisher]\npublisher = "Centre social"\n', encoding="utf-8")
    done = release(converted, tmp_path / "r", load_config(bare))
    assert done.check.violations == []
    by_property = {w.split(" ")[1]: w for w in done.check.warnings}
    assert set(by_property) == {
        "http://purl.org/dc/terms/issued",
        "http://purl.org/dc/terms/modified",
        "http://www.w3.org/ns/dcat#contactPoint",
    }
    assert "option --issued" in by_property["http://purl.org/dc/terms/issued"]
    assert "contact_name et contact_email" in by_property["http://www.w3.org/ns/dcat#contactPoint"]


def test_void_counts_are_read_a_line_at_a_time(tmp_path: Path) -> None:
    """``count_data`` on a hand-written file: a literal holding « . » and spaces, a blank node,
    a comment, an object repeated across subjects, a subject of two classes, a subject whose
    statements do not all follow each other."""
    kind = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    path = tmp_path / "actions.nt"
    path.write_text(
        '<https://e.org/a> <https://e.org/p> "x y . z"@fr .\n'
        f"<https://e.org/a> {kind} <https://e.org/C> .\n"
        "<https://e.org/a> <https://e.org/q> <https://e.org/b> .\n"
        "_:n1 <https://e.org/p> <https://e.org/b> .\n"
        "# a comment\n"
        "\n"
        f"<https://e.org/b> {kind} <https://e.org/C> .\n"
        f"<https://e.org/b> {kind} <https://e.org/D> .\n"
        '<https://e.org/b> <https://e.org/p> "x y . z"@fr .\n'
        "<https://e.org/a> <https://e.org/q> <https://e.org/c> .\n",  # a subject seen before
        encoding="utf-8",
    )
    counts = count_data(path)
    assert (counts.triples, counts.subjects, counts.objects) == (8, 3, 5)
    assert counts.properties == {
        "https://e.org/p": 3,
        kind[1:-1]: 3,
        "https://e.org/q": 2,
    }
    assert {name: len(members) for name, members in counts.classes.items()} == {
        "https://e.org/C": 2,
        "https://e.org/D": 1,
    }


def test_a_release_read_from_a_store_on_disk_has_the_same_bytes(
    converted: Path, released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``IN_MEMORY_LIMIT`` the release reads the store ``cskg query`` keeps beside the
    data (here from the first byte): its rows, read a look-up at a time from RocksDB, make
    the same files as the in-memory store, every one byte for byte."""
    from converter import disk_store

    data = tmp_path / "data"
    shutil.copytree(converted, data, symlinks=True)
    monkeypatch.setattr(disk_store, "IN_MEMORY_LIMIT", 0)
    told: list[str] = []
    config = load_config(
        ROOT / "release.toml", endpoint="https://example.org/sparql", issued="2026-11-25"
    )
    done = release(data, tmp_path / "release", config, announce=told.append)
    assert told[-1] == f"magasin sur disque {data / disk_store.AUTOMATIC} : chargé"
    names = sorted(p.relative_to(released) for p in released.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(tmp_path / "release") for p in done.written)
    for name in names:
        assert (tmp_path / "release" / name).read_bytes() == (released / name).read_bytes(), name
