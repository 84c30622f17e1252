"""The DCAT catalogue of the release and its check against the DCAT-AP 3.0.1 shapes.

Written for two readers: the DCAT-AP 3.0.1 shapes (0 violation, or the catalogue is not
written) and data.gouv.fr's harvester (udata's ``DcatBackend``, which takes ``dct:identifier``
as the remote id and reads spatial coverage from geometry literals only). The README says which
consumer reads which property.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from converter.errors import UsageError
from converter.files import sha256_of
from converter.paths import RESOURCES
from converter.release.changes import Changes
from converter.release.config import ReleaseConfig
from converter.release.geo import Shape
from converter.release.tables import Term
from converter.release.void import VOID
from converter.serialise import FORMATS
from converter.text import slug
from converter.vocab import CSKG, DCT, RDF, SKOS, XSD

DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
LOCN = "http://www.w3.org/ns/locn#"
GSP = "http://www.opengis.net/ont/geosparql#"
ADMS = "http://www.w3.org/ns/adms#"
# udata matches media types on the https form (``udata.rdf.IANAFORMAT``).
IANA = "https://www.iana.org/assignments/media-types/"
# The DCAT-AP vocabulary shapes (mdr-vocabularies.shape.ttl, ChecksumAlgorithmRestriction) want
# the algorithm under https://spdx.org/rdf/terms (see the README on what udata does with it).
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
FREQUENCY = EU_AUTHORITY + "frequency/"
FRENCH = EU_AUTHORITY + "language/FRA"
DATA_THEME = EU_AUTHORITY + "data-theme"
SOCIETY = EU_AUTHORITY + "data-theme/SOCI"
STABLE = EU_AUTHORITY + "planned-availability/STABLE"
AVAILABILITY = "http://data.europa.eu/r5r/availability"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/Attribution"
ONTOLOGY = "https://w3id.org/cskg/def"
# The split DCAT-AP 3.0.1 shapes, which are self-contained (see data/dcat-ap/README.md).
DCAT_AP_SHAPES = tuple(
    RESOURCES / "data" / "dcat-ap" / name
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")
)
CATALOG_PREFIXES = {
    "adms": ADMS,
    "cskg": CSKG,
    "dcat": DCAT,
    "dct": DCT,
    "departement": "http://id.insee.fr/geo/departement/",
    "foaf": FOAF,
    "rdf": RDF,
    "gsp": GSP,
    "locn": LOCN,
    "spdx": SPDX,
    "vcard": VCARD,
    "void": VOID,
    "xsd": XSD,
}


@dataclass(frozen=True)
class Distributed:
    """A file of the release, as described in the catalogue."""

    name: str
    media_type: str  # IANA name
    file_type: str  # EU file-type authority code
    title: str
    description: str
    rdf: bool = False


@dataclass(frozen=True)
class Coverage:
    """What the catalogue says of the data: places, period, keywords."""

    departements: dict[str, str]  # INSEE IRI → code
    shapes: dict[str, Shape]  # by code
    whole: Shape | None
    years: list[int]
    keywords: list[str]


def catalogue(
    config: ReleaseConfig,
    folder: Path,
    files: list[Distributed],
    coverage: Coverage,
    history: Changes | None = None,
) -> list[ox.Triple]:
    base = config.base_url
    out: list[ox.Triple] = []

    def add(s: str | ox.BlankNode, p: str, o: Term) -> None:
        subject = s if isinstance(s, ox.BlankNode) else ox.NamedNode(s)
        out.append(ox.Triple(subject, ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def fr(text: str) -> ox.Literal:
        return ox.Literal(text, language="fr")

    def en(text: str) -> ox.Literal:
        return ox.Literal(text, language="en")

    def typed(value: str, datatype: str) -> ox.Literal:
        return ox.Literal(value, datatype=iri(datatype))

    def identified(node: str, kind: str) -> None:
        """Typed, and its IRI as its ``dct:identifier`` (udata's remote id: never changes)."""
        add(node, RDF + "type", iri(kind))
        add(node, DCT + "identifier", ox.Literal(node))

    catalog, dataset, publisher = (
        base + "#catalogue",
        base + "#jeu-de-donnees",
        config.publisher_iri or base + "#editeur",
    )
    licence = config.licence
    modified = config.modified or config.issued
    for node in (catalog, dataset):  # what both describe alike
        add(node, DCT + "title", fr(config.title_fr))
        add(node, DCT + "title", en(config.title_en))
        add(node, DCT + "description", fr(config.description_fr or config.title_fr))
        add(node, DCT + "description", en(config.description_en or config.title_en))
        add(node, DCT + "publisher", iri(publisher))
        add(node, DCT + "license", iri(licence))
        add(node, DCT + "language", iri(FRENCH))
        if config.issued:
            add(node, DCT + "issued", typed(config.issued, XSD + "date"))
        if modified:
            add(node, DCT + "modified", typed(modified, XSD + "date"))
    identified(catalog, DCAT + "Catalog")
    add(catalog, DCAT + "dataset", iri(dataset))
    add(catalog, FOAF + "homepage", iri(base))
    add(base, RDF + "type", iri(FOAF + "Document"))
    add(publisher, RDF + "type", iri(FOAF + "Agent"))
    add(publisher, FOAF + "name", ox.Literal(config.publisher))
    add(publisher, DCT + "type", iri(PUBLISHER_TYPE + config.publisher_type))
    add(PUBLISHER_TYPE + config.publisher_type, RDF + "type", iri(SKOS + "Concept"))
    add(PUBLISHER_TYPE + config.publisher_type, SKOS + "prefLabel", en(config.publisher_type))
    add(licence, RDF + "type", iri(DCT + "LicenseDocument"))
    add(licence, DCT + "title", ox.Literal(config.licence_title))
    add(licence, DCT + "type", iri(LICENCE_TYPE))
    add(LICENCE_TYPE, RDF + "type", iri(SKOS + "Concept"))
    add(LICENCE_TYPE, SKOS + "prefLabel", en("Attribution"))
    add(catalog, DCAT + "themeTaxonomy", iri(DATA_THEME))
    add(DATA_THEME, RDF + "type", iri(SKOS + "ConceptScheme"))
    add(DATA_THEME, DCT + "title", en("Data theme"))
    add(dataset, DCAT + "theme", iri(SOCIETY))
    add(SOCIETY, RDF + "type", iri(SKOS + "Concept"))
    add(SOCIETY, SKOS + "prefLabel", fr("Population et société"))
    add(SOCIETY, SKOS + "inScheme", iri(DATA_THEME))
    identified(dataset, DCAT + "Dataset")
    add(dataset, DCAT + "landingPage", iri(config.landing_page or base))
    add(config.landing_page or base, RDF + "type", iri(FOAF + "Document"))
    add(dataset, DCT + "accrualPeriodicity", iri(FREQUENCY + config.frequency))
    add(FREQUENCY + config.frequency, RDF + "type", iri(DCT + "Frequency"))
    add(dataset, DCT + "conformsTo", iri(ONTOLOGY))
    add(ONTOLOGY, RDF + "type", iri(DCT + "Standard"))
    add(FRENCH, RDF + "type", iri(DCT + "LinguisticSystem"))
    if config.version:
        add(dataset, DCAT + "version", ox.Literal(config.version))
    if history is not None:
        add(dataset, ADMS + "versionNotes", fr(history.summary()))
        before = history.previous
        if before.dataset and before.dataset != dataset:
            add(dataset, DCAT + "previousVersion", iri(before.dataset))
        elif before.version:
            # same IRI (same base URL): the previous version is named by its version, and not
            # typed dcat:Dataset so that no harvester takes it for a second dataset
            earlier = f"{dataset}-version-{slug(before.version)}"
            add(dataset, DCAT + "previousVersion", iri(earlier))
            add(earlier, DCAT + "version", ox.Literal(before.version))
            add(earlier, DCT + "isVersionOf", iri(dataset))
    for keyword in coverage.keywords:
        add(dataset, DCAT + "keyword", fr(keyword))
    places = [(place, coverage.shapes.get(code)) for place, code in coverage.departements.items()]
    if coverage.whole:
        whole = base + "#couverture-spatiale"
        places.append((whole, coverage.whole))
        add(whole, SKOS + "prefLabel", fr("Départements couverts par les actions"))
        add(whole, LOCN + "geometry", typed(coverage.whole.outline_wkt, GSP + "wktLiteral"))
        add(whole, DCAT + "centroid", typed(coverage.whole.centroid_wkt, GSP + "wktLiteral"))
    for place, shape in places:
        add(dataset, DCT + "spatial", iri(place))
        add(catalog, DCT + "spatial", iri(place))
        add(place, RDF + "type", iri(DCT + "Location"))
        if shape:  # see geo.py for the encodings each consumer reads
            add(place, DCAT + "bbox", typed(shape.bbox_gml, GSP + "gmlLiteral"))
            if shape is not coverage.whole:
                add(place, DCAT + "centroid", typed(shape.centroid_gml, GSP + "gmlLiteral"))
    if coverage.years:
        # A blank node: udata fetches a dct:temporal IRI instead of reading it in the graph.
        period = ox.BlankNode("periode")
        add(dataset, DCT + "temporal", period)
        add(period, RDF + "type", iri(DCT + "PeriodOfTime"))
        add(period, DCAT + "startDate", typed(f"{min(coverage.years)}-01-01", XSD + "date"))
        add(period, DCAT + "endDate", typed(f"{max(coverage.years)}-12-31", XSD + "date"))
    if config.contact_name or config.contact_email:
        contact = base + "#contact"
        add(dataset, DCAT + "contactPoint", iri(contact))
        add(contact, RDF + "type", iri(VCARD + "Kind"))
        if config.contact_name:
            add(contact, VCARD + "fn", ox.Literal(config.contact_name))
        if config.contact_email:
            add(contact, VCARD + "hasEmail", iri("mailto:" + config.contact_email))
    add(SHA256, RDF + "type", iri(SPDX + "ChecksumAlgorithm"))
    add(STABLE, RDF + "type", iri(SKOS + "Concept"))
    add(STABLE, SKOS + "prefLabel", en("stable"))
    for item in files:
        path = folder / item.name
        node = f"{base}#distribution-{slug(item.name)}"
        url = iri(base + item.name)
        add(dataset, DCAT + "distribution", iri(node))
        identified(node, DCAT + "Distribution")
        add(node, DCT + "title", fr(item.title))
        add(node, DCT + "description", fr(item.description))
        add(node, AVAILABILITY, iri(STABLE))
        add(node, DCAT + "accessURL", url)
        add(node, DCAT + "downloadURL", url)
        add(node, DCAT + "mediaType", iri(IANA + item.media_type))
        add(IANA + item.media_type, RDF + "type", iri(DCT + "MediaType"))
        add(node, DCT + "format", iri(FILE_TYPE + item.file_type))
        add(FILE_TYPE + item.file_type, RDF + "type", iri(DCT + "MediaTypeOrExtent"))
        add(node, DCAT + "byteSize", typed(str(path.stat().st_size), XSD + "nonNegativeInteger"))
        add(node, SPDX + "checksum", iri(node + "-sha256"))
        add(node + "-sha256", RDF + "type", iri(SPDX + "Checksum"))
        add(node + "-sha256", SPDX + "algorithm", iri(SHA256))
        add(node + "-sha256", SPDX + "checksumValue", typed(sha256_of(path), XSD + "hexBinary"))
        add(node, DCT + "license", iri(licence))
        if config.issued:
            add(node, DCT + "issued", typed(config.issued, XSD + "date"))
        if modified:
            add(node, DCT + "modified", typed(modified, XSD + "date"))
        if item.rdf:
            add(node, DCT + "conformsTo", iri(ONTOLOGY))
    if config.endpoint:
        service = base + "#service-sparql"
        add(catalog, DCAT + "service", iri(service))
        identified(service, DCAT + "DataService")
        add(service, DCT + "title", fr(f"Point d'accès SPARQL : {config.title_fr}"))
        add(service, DCAT + "endpointURL", iri(config.endpoint))
        add(service, DCAT + "servesDataset", iri(dataset))
        add(service, DCT + "conformsTo", iri("https://www.w3.org/TR/sparql11-protocol/"))
        add("https://www.w3.org/TR/sparql11-protocol/", RDF + "type", iri(DCT + "Standard"))
        add(service, DCT + "license", iri(licence))
    return sorted(set(out), key=str)


def ascii_turtle(turtle: bytes) -> bytes:
    """The same Turtle with every non-ASCII character escaped (``\\u00E9``).

    udata reads the catalogue as ``requests``' ``response.text``: served as ``text/turtle``
    without a charset, that is decoded as ISO-8859-1 and every accent comes out garbled. Pure
    ASCII reads the same whatever the server says.
    """
    return "".join(
        c if ord(c) < 128 else f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08X}"
        for c in turtle.decode("utf-8")
    ).encode("ascii")


# Which key of release.toml (or option of cskg release) fills a property DCAT-AP asks for.
FIXES = {
    DCT + "issued": "clé issued de release.toml ou option --issued AAAA-MM-JJ",
    DCT + "modified": "clé modified (ou issued) de release.toml ou option --issued",
    DCAT + "contactPoint": "clés contact_name et contact_email de release.toml",
    DCT + "publisher": "clés publisher et publisher_iri de release.toml",
    DCT + "description": "clés description_fr et description_en de release.toml",
    DCAT + "landingPage": "clé landing_page de release.toml",
    DCT + "accrualPeriodicity": "clé frequency de release.toml",
    DCAT + "version": "clé version de release.toml ou option --release-version",
    DCT + "license": "clé licence de release.toml ou option --licence",
    DCAT + "endpointURL": "clé endpoint de release.toml ou option --endpoint",
}


def fix_for(path: str) -> str:
    """How the publisher fills ``path``, or why it cannot be filled."""
    return FIXES.get(path, "pas de clé : voir le README (« Publication », avertissements)")


@dataclass
class CatalogueCheck:
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_catalogue(triples: Iterable[ox.Triple]) -> CatalogueCheck:
    """Validate with the official DCAT-AP 3.0.1 shapes: « Class property : message » each."""
    from pyshacl import validate

    from converter.validation import to_rdflib

    shapes = rdflib.Graph()
    for path in DCAT_AP_SHAPES:
        shapes.parse(path)
    data = to_rdflib(triples)
    _, results, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert isinstance(results, rdflib.Graph)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found: dict[tuple[bool, str], int] = {}
    for result in results.objects(None, sh.result):
        focus = results.value(result, sh.focusNode)
        types = sorted(
            str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            for t in data.objects(focus, rdflib.RDF.type)
        )
        result_path = str(results.value(result, sh.resultPath) or "")
        component = str(results.value(result, sh.sourceConstraintComponent) or "")
        what = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        key = (
            results.value(result, sh.resultSeverity) in (sh.Warning, sh.Info),
            f"{'/'.join(types) or focus} {result_path} ({what}) → {fix_for(result_path)}",
        )
        found[key] = found.get(key, 0) + 1
    check = CatalogueCheck()
    for (warning, text), count in sorted(found.items()):
        (check.warnings if warning else check.violations).append(
            text + (f" ×{count}" if count > 1 else "")
        )
    return check


class CatalogueError(UsageError):
    """The catalogue does not conform to DCAT-AP: it is not written."""


RELEASE_FILES = (
    Distributed(
        f"actions{FORMATS['turtle'].suffix}",
        FORMATS["turtle"].media_type,
        "RDF_TURTLE",
        "Graphe des actions (Turtle)",
        "Toutes les actions, structures, partenaires et territoires, en Turtle.",
        rdf=True,
    ),
    Distributed(
        f"actions{FORMATS['ntriples'].suffix}",
        FORMATS["ntriples"].media_type,
        "RDF_N_TRIPLES",
        "Graphe des actions (N-Triples)",
        "Le même graphe, un triplet par ligne, pour le chargement en masse.",
        rdf=True,
    ),
    Distributed(
        f"actions{FORMATS['jsonld'].suffix}",
        FORMATS["jsonld"].media_type,
        "JSON_LD",
        "Graphe des actions (JSON-LD)",
        "Le même graphe en JSON-LD, avec un contexte de préfixes.",
        rdf=True,
    ),
    Distributed(
        "actions.csv",
        "text/csv",
        "CSV",
        "Tableau des actions (CSV)",
        "Une ligne par action, avec les codes INSEE du département, de la région et de la commune.",
    ),
    Distributed(
        "actions.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "XLSX",
        "Tableau des actions (Excel)",
        "Les lignes de actions.csv et de participations.csv dans un classeur, sans formule : "
        "chaque cellule reste du texte.",
    ),
    Distributed(
        "actions.db",
        "application/vnd.sqlite3",
        "BIN",
        "Base SQLite des actions",
        "Actions, structures, organisations (type, territoire), participations (partenaires et "
        "financeurs de chaque action), concepts et territoires, tables de liens, clés "
        "étrangères et recherche plein texte ; à ouvrir avec datasette ou sqlite3.",
    ),
    Distributed(
        "actions.csv-metadata.json",
        "application/csvm+json",
        "JSON",
        "Description du tableau (CSV on the Web)",
        "Colonnes, types et sens de actions.csv, lisibles par machine.",
    ),
    Distributed(
        "actions.schema.json",
        "application/schema+json",
        "JSON",
        "Schéma du tableau (Table Schema)",
        "Colonnes, types, contraintes et exemples de actions.csv, au format Table Schema "
        "(celui de schema.data.gouv.fr).",
    ),
    Distributed(
        "participations.csv",
        "text/csv",
        "CSV",
        "Tableau des partenaires et financeurs (CSV)",
        "Une ligne par action, organisation et rôle (partenaire ou financeur) : type et "
        "territoire de l'organisation, montant quand la fiche le donne, et la mention lue.",
    ),
    Distributed(
        "participations.csv-metadata.json",
        "application/csvm+json",
        "JSON",
        "Description du tableau des partenaires et financeurs (CSV on the Web)",
        "Colonnes, types et sens de participations.csv, lisibles par machine.",
    ),
    Distributed(
        "participations.schema.json",
        "application/schema+json",
        "JSON",
        "Schéma du tableau des partenaires et financeurs (Table Schema)",
        "Colonnes, types, contraintes et exemples de participations.csv, au format Table Schema.",
    ),
    Distributed(
        "cskg.ttl",
        "text/turtle",
        "RDF_TURTLE",
        "Ontologie cskg (Turtle)",
        "Classes et propriétés du graphe, libellées en français et en anglais.",
        rdf=True,
    ),
    Distributed(
        "void.ttl",
        "text/turtle",
        "RDF_TURTLE",
        "Statistiques VoID",
        "Nombre de triplets, de sujets, d'objets, par classe et par propriété.",
        rdf=True,
    ),
    Distributed(
        "ontologie.html",
        "text/html",
        "HTML",
        "Documentation de l'ontologie",
        "Page lisible de l'ontologie, produite par cskg (la page de l'ontologie du site).",
    ),
    Distributed(
        "dictionnaire.html",
        "text/html",
        "HTML",
        "Dictionnaire des données",
        "Chaque colonne du tableau, chaque propriété et chaque concept des vocabulaires.",
    ),
    Distributed(
        "requetes.zip",
        "application/zip",
        "ZIP",
        "Requêtes SPARQL (zip)",
        "Les requêtes de la bibliothèque cskg (fichiers .rq), à poser au graphe des actions.",
    ),
)


# Written with --previous only.
CHANGE_FILES = (
    Distributed(
        "changements.md",
        "text/markdown",
        "TXT",
        "Changements depuis la version précédente",
        "Actions ajoutées, retirées et modifiées, lisibles par tous.",
    ),
    Distributed(
        "changements.csv",
        "text/csv",
        "CSV",
        "Changements depuis la version précédente (CSV)",
        "Une ligne par action ajoutée, retirée ou modifiée, avec ses empreintes SHA-256.",
    ),
)

README_FILE = Distributed(
    "LISEZMOI.md",
    "text/markdown",
    "TXT",
    "Lisez-moi",
    "Ce que sont les données, leurs sources, leur licence et comment les interroger.",
)
