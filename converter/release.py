"""An open-data release: a folder a portal can take as it is (``cskg release``).

Data files (Turtle, N-Triples, JSON-LD, a flat CSV with its CSV on the Web description), the
ontology and vocabularies, documentation (pyLODE page of the ontology, data dictionary), VoID
statistics, and a DCAT catalogue that must conform to the official DCAT-AP 3.0.1 shapes before
it is written. Same input and options, same bytes: dates come from the configuration or the
options, never from the clock unless asked.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import pyoxigraph as ox
import rdflib

from converter.errors import InputError, UsageError, missing_output
from converter.files import json_bytes, write_atomically
from converter.paths import ONTOLOGY_FILE, RESOURCES, VOCABULARY_DIR
from converter.query import bind, library, load_query, local_store
from converter.serialise import jsonld_bytes, turtle_bytes
from converter.text import slug
from converter.vocab import CSKG, DCT, IGEO, PROV, RDF, SCHEMA, SKOS, XSD, vocabulary_files

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
FRENCH = EU_AUTHORITY + "language/FRA"
DATA_THEME = EU_AUTHORITY + "data-theme"
SOCIETY = EU_AUTHORITY + "data-theme/SOCI"
STABLE = EU_AUTHORITY + "planned-availability/STABLE"
AVAILABILITY = "http://data.europa.eu/r5r/availability"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/Attribution"
# The split DCAT-AP 3.0.1 shapes, which are self-contained (see data/dcat-ap/README.md).
DCAT_AP_SHAPES = tuple(
    RESOURCES / "data" / "dcat-ap" / name
    for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")
)
CONFIG_FILE = Path("release.toml")
CATALOG_PREFIXES = {
    "cskg": CSKG,
    "dcat": DCAT,
    "dct": DCT,
    "departement": "http://id.insee.fr/geo/departement/",
    "foaf": FOAF,
    "rdf": RDF,
    "spdx": SPDX,
    "vcard": VCARD,
    "void": VOID,
    "xsd": XSD,
}


@dataclass(frozen=True)
class ReleaseConfig:
    """Who publishes, where, under which licence: ``release.toml``, then command-line options."""

    title_fr: str = "Actions des centres sociaux"
    title_en: str = "Actions of French social centres"
    description_fr: str = ""
    description_en: str = ""
    publisher: str = "Éditeur des données"
    publisher_iri: str = ""
    publisher_type: str = "NonProfitOrganisation"  # ADMS publisher type
    contact_name: str = ""
    contact_email: str = ""
    base_url: str = "https://example.org/cskg/"
    licence: str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    licence_title: str = "Licence Ouverte / Open Licence 2.0"
    endpoint: str = ""
    issued: str = ""  # a date (AAAA-MM-JJ), "today", or empty: no date

    def resolved(self) -> ReleaseConfig:
        """With ``issued = "today"`` made a date (the only use of the clock) and checked.

        :raises UsageError: a malformed date, base URL or IRI.
        """
        issued = self.issued
        if issued == "today":
            issued = datetime.date.today().isoformat()
        if issued:
            try:
                datetime.date.fromisoformat(issued)
            except ValueError:
                raise UsageError(
                    f"date invalide « {issued} » (attendu AAAA-MM-JJ ou today)"
                ) from None
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        for name, value in (
            ("base_url", base),
            ("licence", self.licence),
            ("endpoint", self.endpoint),
        ):
            if value and not value.startswith(("http://", "https://")):
                raise UsageError(f"{name} : URL http(s) attendue, pas « {value} »")
        return replace(self, issued=issued, base_url=base)


def load_config(path: Path | None = None, **options: str | None) -> ReleaseConfig:
    """The configuration file (default ``release.toml``), overridden by non-empty options.

    :raises InputError: the file cannot be read or is not valid TOML.
    :raises UsageError: an unknown key.
    """
    values: dict[str, str] = {}
    source = path or CONFIG_FILE
    if path is not None or source.exists():
        try:
            loaded = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"configuration illisible ({error})", path=str(source)) from None
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"TOML invalide ({error})", path=str(source)) from None
        for section in loaded.values():
            values.update(section if isinstance(section, dict) else {})
    values.update({k: v for k, v in options.items() if v})
    known = {f.name for f in fields(ReleaseConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UsageError(f"clé(s) inconnue(s) dans la configuration : {', '.join(unknown)}")
    return ReleaseConfig(**{k: str(v) for k, v in values.items()}).resolved()


# --- the flat CSV: one declaration per column drives the file, its CSVW description and docs ---


@dataclass(frozen=True)
class Column:
    name: str
    title_fr: str
    title_en: str
    datatype: str  # a CSVW datatype
    description: str
    path: tuple[str, ...] = ()  # property path from the action (full IRIs)
    label: bool = False  # write the French label of the value rather than the value
    many: bool = False  # several values, joined with " | "


def _p(*names: str) -> tuple[str, ...]:
    prefixes = {
        "cskg": CSKG,
        "dct": DCT,
        "igeo": IGEO,
        "prov": PROV,
        "schema": SCHEMA,
        "skos": SKOS,
    }
    return tuple(prefixes[n.split(":")[0]] + n.split(":")[1] for n in names)


CSV_COLUMNS: tuple[Column, ...] = (
    Column("action", "action", "action", "anyURI", "IRI de l'action."),
    Column("titre", "titre", "title", "string", "Titre de l'action.", _p("dct:title")),
    Column(
        "structure",
        "structure",
        "structure",
        "string",
        "Nom de la structure organisatrice.",
        _p("cskg:organiser", "skos:prefLabel"),
    ),
    Column(
        "structure_iri",
        "IRI de la structure",
        "structure IRI",
        "anyURI",
        "IRI de la structure organisatrice.",
        _p("cskg:organiser"),
    ),
    Column(
        "departement_ecrit",
        "département écrit",
        "département as written",
        "string",
        "Département tel qu'écrit dans la fiche.",
        _p("cskg:organiser", "cskg:departementLabel"),
    ),
    Column(
        "departement_code",
        "code du département",
        "département code",
        "string",
        "Code INSEE du département (COG), vide s'il n'est pas reconnu.",
        _p("cskg:organiser", "cskg:departement", "igeo:codeINSEE"),
    ),
    Column(
        "departement",
        "département",
        "département",
        "string",
        "Nom INSEE du département.",
        _p("cskg:organiser", "cskg:departement", "igeo:nom"),
    ),
    Column(
        "region_code",
        "code de la région",
        "région code",
        "string",
        "Code INSEE de la région du département.",
        _p("cskg:organiser", "cskg:departement", "igeo:subdivisionDirecteDe", "igeo:codeINSEE"),
    ),
    Column(
        "region",
        "région",
        "région",
        "string",
        "Nom INSEE de la région.",
        _p("cskg:organiser", "cskg:departement", "igeo:subdivisionDirecteDe", "igeo:nom"),
    ),
    Column(
        "commune_code",
        "code de la commune",
        "commune code",
        "string",
        "Code INSEE de la commune reconnue dans le nom de la structure, vide sinon.",
        _p("cskg:organiser", "cskg:commune", "igeo:codeINSEE"),
    ),
    Column(
        "commune",
        "commune",
        "commune",
        "string",
        "Nom INSEE de cette commune.",
        _p("cskg:organiser", "cskg:commune", "igeo:nom"),
    ),
    Column(
        "statut",
        "statut",
        "status",
        "string",
        "Statut de l'action (libellé du vocabulaire).",
        _p("cskg:status"),
        label=True,
    ),
    Column(
        "dimension",
        "dimension",
        "dimension",
        "string",
        "Dimension de l'action (libellé du vocabulaire).",
        _p("cskg:dimension"),
        label=True,
    ),
    Column(
        "thematiques",
        "thématiques",
        "themes",
        "string",
        "Thématiques (mots clés), séparées par « | ».",
        _p("cskg:theme"),
        label=True,
        many=True,
    ),
    Column(
        "publics",
        "publics",
        "publics",
        "string",
        "Publics, séparés par « | ».",
        _p("cskg:public"),
        label=True,
        many=True,
    ),
    Column(
        "initiateurs",
        "initiateurs",
        "initiators",
        "string",
        "Qui est à l'initiative, séparés par « | ».",
        _p("cskg:initiator"),
        label=True,
        many=True,
    ),
    Column(
        "territoires",
        "territoires concernés",
        "territory scales",
        "string",
        "Échelles du territoire concerné, séparées par « | ».",
        _p("cskg:territoryScale"),
        label=True,
        many=True,
    ),
    Column(
        "partenaires",
        "partenaires",
        "partners",
        "string",
        "Noms des partenaires, séparés par « | ».",
        _p("cskg:partner", "skos:prefLabel"),
        many=True,
    ),
    Column(
        "budget_euros",
        "budget (€)",
        "budget (EUR)",
        "decimal",
        "Budget total en euros, seulement quand la fiche le dit sans ambiguïté.",
        _p("cskg:budget", "schema:value"),
    ),
    Column(
        "personnes",
        "personnes mobilisées",
        "staff count",
        "integer",
        "Nombre de personnes, seulement quand la fiche le donne seul.",
        _p("cskg:staffCount"),
    ),
    Column("resume", "résumé", "summary", "string", "Résumé, tel qu'écrit.", _p("cskg:summary")),
    Column(
        "experience",
        "description de l'expérience",
        "experience",
        "string",
        "Description de l'expérience, ses objectifs, ses acteurs et ses phases.",
        _p("cskg:experienceDescription"),
    ),
    Column(
        "description",
        "description générale",
        "general description",
        "string",
        "Description générale.",
        _p("cskg:generalDescription"),
    ),
    Column(
        "financement",
        "ressources financières",
        "funding",
        "string",
        "Ressources financières, telles qu'écrites.",
        _p("cskg:fundingText"),
    ),
    Column(
        "moyens_humains",
        "personnes mobilisées (texte)",
        "staffing",
        "string",
        "Personnes mobilisées, telles qu'écrites.",
        _p("cskg:staffingText"),
    ),
    Column(
        "resultat_territoire",
        "résultat sur le territoire",
        "results for the territory",
        "string",
        "Résultat sur le territoire.",
        _p("cskg:resultForTerritory"),
    ),
    Column(
        "resultat_centre",
        "résultat pour le centre social",
        "results for the centre",
        "string",
        "Résultat pour le centre social.",
        _p("cskg:resultForCentre"),
    ),
    Column(
        "resultat_habitants",
        "résultat pour les habitants",
        "results for the inhabitants",
        "string",
        "Résultat pour les habitants.",
        _p("cskg:resultForInhabitants"),
    ),
    Column(
        "limites", "limites", "limits", "string", "Suite de l'action : limites.", _p("cskg:limits")
    ),
    Column(
        "perspectives",
        "perspectives",
        "perspectives",
        "string",
        "Suite de l'action : perspectives.",
        _p("cskg:perspectives"),
    ),
    Column(
        "source_fichier",
        "fichier source",
        "source file",
        "string",
        "Fichier de fiches d'où vient l'action.",
        _p("dct:source", "cskg:sourceFile"),
    ),
    Column(
        "source_ligne",
        "ligne source",
        "source line",
        "integer",
        "Première ligne de la fiche dans ce fichier.",
        _p("dct:source", "cskg:firstLine"),
    ),
)


def _follow(store: ox.Store, start: ox.NamedNode, path: tuple[str, ...]) -> list[Term]:
    nodes: list[Term] = [start]
    for predicate in path:
        nodes = [
            quad.object
            for node in nodes
            if isinstance(node, ox.NamedNode)
            for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
        ]
    return nodes


def _french_label(store: ox.Store, node: Term) -> str:
    """The French label of a concept or an organisation, else its own value."""
    labels = []
    if isinstance(node, ox.NamedNode):
        labels = [
            q.object.value
            for q in store.quads_for_pattern(node, ox.NamedNode(SKOS + "prefLabel"), None)
            if isinstance(q.object, ox.Literal) and q.object.language in ("fr", None)
        ]
    return sorted(labels)[0] if labels else str(getattr(node, "value", node))


def actions_of(store: ox.Store) -> list[ox.NamedNode]:
    typed = store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(CSKG + "Action"))
    return sorted(
        (q.subject for q in typed if isinstance(q.subject, ox.NamedNode)), key=lambda n: n.value
    )


def csv_rows(store: ox.Store) -> list[list[str]]:
    rows = []
    for action in actions_of(store):
        row = []
        for column in CSV_COLUMNS:
            if not column.path:
                row.append(action.value)
                continue
            found = _follow(store, action, column.path)
            texts = sorted(
                {
                    _french_label(store, n) if column.label else str(getattr(n, "value", n))
                    for n in found
                }
            )
            row.append(" | ".join(texts) if column.many else (texts[0] if texts else ""))
        rows.append(row)
    return rows


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(c.name for c in CSV_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def csvw_metadata(config: ReleaseConfig) -> dict[str, object]:
    """CSV on the Web description of ``actions.csv``."""
    columns = []
    for c in CSV_COLUMNS:
        column: dict[str, object] = {
            "name": c.name,
            "titles": {"fr": c.title_fr, "en": c.title_en},
            "datatype": c.datatype,
            "dc:description": c.description,
        }
        if c.many:
            column["separator"] = " | "
        if c.name in ("action", "titre", "structure"):
            column["required"] = True
        columns.append(column)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "fr"}],
        "url": "actions.csv",
        "dc:title": config.title_fr,
        "dc:license": {"@id": config.licence},
        "dialect": {"header": True, "encoding": "utf-8", "lineTerminators": ["\r\n"]},
        "tableSchema": {"columns": columns, "primaryKey": "action"},
    }


# --- VoID ---


def void_graph(
    store: ox.Store, data: list[ox.Triple], dataset: str, config: ReleaseConfig
) -> list[ox.Triple]:
    """VoID statistics of the data graph ``data`` (ontology and vocabularies not counted)."""
    node = ox.NamedNode(dataset)
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: Term) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    classes: dict[str, set[str]] = {}
    properties: dict[str, int] = {}
    for t in data:
        properties[t.predicate.value] = properties.get(t.predicate.value, 0) + 1
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
            classes.setdefault(t.object.value, set()).add(str(t.subject))
    add(node, RDF + "type", ox.NamedNode(VOID + "Dataset"))
    add(node, VOID + "triples", integer(len(data)))
    add(node, VOID + "distinctSubjects", integer(len({t.subject for t in data})))
    add(node, VOID + "distinctObjects", integer(len({t.object for t in data})))
    add(node, VOID + "classes", integer(len(classes)))
    add(node, VOID + "properties", integer(len(properties)))
    add(node, VOID + "entities", integer(len({s for members in classes.values() for s in members})))
    for name, members in sorted(classes.items()):
        part = ox.NamedNode(f"{dataset}-classe-{slug(name, max_length=120)}")
        add(node, VOID + "classPartition", part)
        add(part, VOID + "class", ox.NamedNode(name))
        add(part, VOID + "entities", integer(len(members)))
    for name, count in sorted(properties.items()):
        part = ox.NamedNode(f"{dataset}-propriete-{slug(name, max_length=120)}")
        add(node, VOID + "propertyPartition", part)
        add(part, VOID + "property", ox.NamedNode(name))
        add(part, VOID + "triples", integer(count))
    for action in actions_of(store)[:3]:
        add(node, VOID + "exampleResource", action)
    first = actions_of(store)[:1]
    if first:
        add(node, VOID + "uriSpace", ox.Literal(first[0].value.split("action/")[0]))
    for name in ("actions.nt", "actions.ttl"):
        add(node, VOID + "dataDump", ox.NamedNode(config.base_url + name))
    for namespace in (CSKG, DCT, SKOS, PROV, SCHEMA, IGEO, "http://www.w3.org/ns/org#"):
        add(node, VOID + "vocabulary", ox.NamedNode(namespace))
    if config.endpoint:
        add(node, VOID + "sparqlEndpoint", ox.NamedNode(config.endpoint))
    return sorted(set(out), key=str)


# --- documentation ---


def ontology_html() -> bytes:
    """The ontology page, generated by pyLODE from ``ontology/cskg.ttl``."""
    import logging

    # pyLODE configures the root logger at import (DEBUG, a stderr handler): undo it after use
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.disable(logging.INFO)
    try:
        from pylode import OntPub

        page = OntPub(ontology=str(ONTOLOGY_FILE), sort_subjects=True).make_html(include_css=True)
    finally:
        logging.disable(logging.NOTSET)
        root.handlers[:] = handlers
        root.setLevel(level)
    return str(page).encode("utf-8")


def _texts(graph: rdflib.Graph, node: rdflib.term.Node, predicate: rdflib.URIRef) -> dict[str, str]:
    """The literals of ``node``'s ``predicate``, by language ("" for none)."""
    return {getattr(o, "language", None) or "": str(o) for o in graph.objects(node, predicate)}


def _row(*cells: str, cell: str = "td", attributes: str = "") -> str:
    return f"<tr{attributes}>" + "".join(f"<{cell}>{c}</{cell}>" for c in cells) + "</tr>"


def dictionary_html(store: ox.Store, rows: list[list[str]]) -> bytes:
    """The data dictionary: every CSV column, every property of the ontology, every concept."""
    schema = rdflib.Graph()
    for path in (ONTOLOGY_FILE, *vocabulary_files()):
        schema.parse(path)
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        "<title>Dictionnaire des données cskg</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto}"
        "table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em;vertical-align:top}</style></head><body>",
        "<h1>Dictionnaire des données / Data dictionary</h1>",
        '<h2 id="csv">actions.csv</h2><p>Une ligne par action, UTF-8, séparateur virgule. '
        "Description lisible par machine : <code>actions.csv-metadata.json</code> "
        "(CSV on the Web).</p><table>",
        _row("colonne", "titre (fr / en)", "type", "sens", "exemple", cell="th"),
    ]
    for index, column in enumerate(CSV_COLUMNS):
        example = next((row[index] for row in rows if row[index]), "")
        parts.append(
            _row(
                f"<code>{e(column.name)}</code>",
                f"{e(column.title_fr)} / {e(column.title_en)}",
                e(column.datatype),
                e(column.description),
                e(example[:120]),
            )
        )
    parts += [
        '</table><h2 id="proprietes">Classes et propriétés / Classes and properties</h2><table>',
        _row("terme", "libellé (fr / en)", "type", "sens", "exemple", cell="th"),
    ]
    owl = rdflib.OWL
    for kind in (owl.Class, owl.ObjectProperty, owl.DatatypeProperty):
        for term in sorted(str(t) for t in schema.subjects(rdflib.RDF.type, kind)):
            if not term.startswith(CSKG):
                continue
            node = rdflib.URIRef(term)
            labels = _texts(schema, node, rdflib.RDFS.label)
            range_ = str(schema.value(node, rdflib.RDFS.range) or "")
            kind_text = (
                "classe" if kind == owl.Class else range_.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            )
            values = (
                [] if kind == owl.Class else store.quads_for_pattern(None, ox.NamedNode(term), None)
            )
            example = min((str(getattr(q.object, "value", q.object)) for q in values), default="")
            name = "cskg:" + term.removeprefix(CSKG)
            parts.append(
                _row(
                    f"<code>{e(name)}</code>",
                    f"{e(labels.get('fr', ''))} / {e(labels.get('en', ''))}",
                    e(kind_text),
                    e(_texts(schema, node, rdflib.RDFS.comment).get("fr", "")),
                    e(example[:120]),
                    attributes=f' id="{e(name)}"',
                )
            )
    parts.append('</table><h2 id="vocabulaires">Vocabulaires / Vocabularies</h2>')
    skos = rdflib.SKOS
    for scheme in sorted(str(t) for t in schema.subjects(rdflib.RDF.type, skos.ConceptScheme)):
        titles = _texts(schema, rdflib.URIRef(scheme), rdflib.DCTERMS.title)
        parts += [
            f"<h3>{e(titles.get('fr', ''))} / {e(titles.get('en', ''))}</h3>",
            f"<p><code>{e(scheme)}</code></p><table>",
            _row("notation", "libellé fr", "libellé en", "définition", cell="th"),
        ]
        for concept in sorted(
            str(c) for c in schema.subjects(skos.inScheme, rdflib.URIRef(scheme))
        ):
            node = rdflib.URIRef(concept)
            label = _texts(schema, node, skos.prefLabel)
            parts.append(
                _row(
                    f"<code>{e(str(schema.value(node, skos.notation) or ''))}</code>",
                    e(label.get("fr", "")),
                    e(label.get("en", "")),
                    e(_texts(schema, node, skos.definition).get("fr", "")),
                )
            )
        parts.append("</table>")
    parts.append("<h2>Requêtes SPARQL / SPARQL queries</h2><ul>")
    for query in library():
        parts.append(f"<li><code>{e(query.name)}</code> : {e(query.question)}</li>")
    parts.append("</ul></body></html>\n")
    return "\n".join(parts).encode("utf-8")


# --- the DCAT catalogue ---


@dataclass(frozen=True)
class Distributed:
    """A file of the release, as described in the catalogue."""

    name: str
    media_type: str  # IANA name
    file_type: str  # EU file-type authority code
    title: str
    description: str
    rdf: bool = False


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def catalogue(
    config: ReleaseConfig,
    folder: Path,
    files: list[Distributed],
    spatial: list[str],
    years: list[int],
    keywords: list[str],
) -> list[ox.Triple]:
    base = config.base_url
    out: list[ox.Triple] = []

    def add(s: str, p: str, o: Term) -> None:
        out.append(ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o))

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def fr(text: str) -> ox.Literal:
        return ox.Literal(text, language="fr")

    def en(text: str) -> ox.Literal:
        return ox.Literal(text, language="en")

    catalog, dataset, publisher = (
        base + "#catalogue",
        base + "#jeu-de-donnees",
        config.publisher_iri or base + "#editeur",
    )
    licence = config.licence
    for node in (catalog, dataset):  # what both describe alike
        add(node, DCT + "title", fr(config.title_fr))
        add(node, DCT + "title", en(config.title_en))
        add(node, DCT + "description", fr(config.description_fr or config.title_fr))
        add(node, DCT + "description", en(config.description_en or config.title_en))
        add(node, DCT + "publisher", iri(publisher))
        add(node, DCT + "license", iri(licence))
        add(node, DCT + "language", iri(FRENCH))
        if config.issued:
            add(node, DCT + "issued", ox.Literal(config.issued, datatype=iri(XSD + "date")))
            add(node, DCT + "modified", ox.Literal(config.issued, datatype=iri(XSD + "date")))
    add(catalog, RDF + "type", iri(DCAT + "Catalog"))
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
    add(dataset, RDF + "type", iri(DCAT + "Dataset"))
    add(dataset, DCT + "conformsTo", iri("https://w3id.org/cskg/def"))
    add("https://w3id.org/cskg/def", RDF + "type", iri(DCT + "Standard"))
    add(FRENCH, RDF + "type", iri(DCT + "LinguisticSystem"))
    for keyword in keywords:
        add(dataset, DCAT + "keyword", fr(keyword))
    for place in spatial:
        add(dataset, DCT + "spatial", iri(place))
        add(catalog, DCT + "spatial", iri(place))
        add(place, RDF + "type", iri(DCT + "Location"))
    if years:
        period = base + "#periode"
        add(dataset, DCT + "temporal", iri(period))
        add(period, RDF + "type", iri(DCT + "PeriodOfTime"))
        add(period, DCAT + "startDate", ox.Literal(str(min(years)), datatype=iri(XSD + "gYear")))
        add(period, DCAT + "endDate", ox.Literal(str(max(years)), datatype=iri(XSD + "gYear")))
    if config.contact_name or config.contact_email:
        contact = base + "#contact"
        add(dataset, DCAT + "contactPoint", iri(contact))
        add(contact, RDF + "type", iri(VCARD + "Kind"))
        if config.contact_name:
            add(contact, VCARD + "fn", ox.Literal(config.contact_name))
        if config.contact_email:
            add(contact, VCARD + "hasEmail", iri("mailto:" + config.contact_email))
    for item in files:
        path = folder / item.name
        node = f"{base}#distribution-{slug(item.name)}"
        url = iri(base + item.name)
        add(dataset, DCAT + "distribution", iri(node))
        add(node, RDF + "type", iri(DCAT + "Distribution"))
        add(node, DCT + "title", fr(item.title))
        add(node, DCT + "description", fr(item.description))
        add(node, AVAILABILITY, iri(STABLE))
        add(STABLE, RDF + "type", iri(SKOS + "Concept"))
        add(STABLE, SKOS + "prefLabel", en("stable"))
        add(node, DCAT + "accessURL", url)
        add(node, DCAT + "downloadURL", url)
        add(node, DCAT + "mediaType", iri(IANA + item.media_type))
        add(IANA + item.media_type, RDF + "type", iri(DCT + "MediaType"))
        add(node, DCT + "format", iri(FILE_TYPE + item.file_type))
        add(FILE_TYPE + item.file_type, RDF + "type", iri(DCT + "MediaTypeOrExtent"))
        add(
            node,
            DCAT + "byteSize",
            ox.Literal(str(path.stat().st_size), datatype=iri(XSD + "nonNegativeInteger")),
        )
        add(node, SPDX + "checksum", iri(node + "-sha256"))
        add(node + "-sha256", RDF + "type", iri(SPDX + "Checksum"))
        add(node + "-sha256", SPDX + "algorithm", iri(SPDX + "checksumAlgorithm_sha256"))
        add(SPDX + "checksumAlgorithm_sha256", RDF + "type", iri(SPDX + "ChecksumAlgorithm"))
        add(
            node + "-sha256",
            SPDX + "checksumValue",
            ox.Literal(_sha256(path), datatype=iri(XSD + "hexBinary")),
        )
        add(node, DCT + "license", iri(licence))
        if item.rdf:
            add(node, DCT + "conformsTo", iri("https://w3id.org/cskg/def"))
    if config.endpoint:
        service = base + "#service-sparql"
        add(catalog, DCAT + "service", iri(service))
        add(service, RDF + "type", iri(DCAT + "DataService"))
        add(service, DCT + "title", fr(f"Point d'accès SPARQL : {config.title_fr}"))
        add(service, DCAT + "endpointURL", iri(config.endpoint))
        add(service, DCAT + "servesDataset", iri(dataset))
        add(service, DCT + "conformsTo", iri("https://www.w3.org/TR/sparql11-protocol/"))
        add("https://www.w3.org/TR/sparql11-protocol/", RDF + "type", iri(DCT + "Standard"))
        add(service, DCT + "license", iri(licence))
    return sorted(set(out), key=str)


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
            f"{'/'.join(types) or focus} {result_path} ({what})",
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
        "actions.ttl",
        "text/turtle",
        "RDF_TURTLE",
        "Graphe des actions (Turtle)",
        "Toutes les actions, structures, partenaires et territoires, en Turtle.",
        rdf=True,
    ),
    Distributed(
        "actions.nt",
        "application/n-triples",
        "RDF_N_TRIPLES",
        "Graphe des actions (N-Triples)",
        "Le même graphe, un triplet par ligne, pour le chargement en masse.",
        rdf=True,
    ),
    Distributed(
        "actions.jsonld",
        "application/ld+json",
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
        "actions.csv-metadata.json",
        "application/csvm+json",
        "JSON",
        "Description du tableau (CSV on the Web)",
        "Colonnes, types et sens de actions.csv, lisibles par machine.",
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
        "Page lisible de l'ontologie, produite par pyLODE.",
    ),
    Distributed(
        "dictionnaire.html",
        "text/html",
        "HTML",
        "Dictionnaire des données",
        "Chaque colonne du tableau, chaque propriété et chaque concept des vocabulaires.",
    ),
)


@dataclass
class Release:
    folder: Path
    written: list[Path]
    check: CatalogueCheck


def release(data: Path, folder: Path, config: ReleaseConfig) -> Release:
    """Write the release folder from the convert output in ``data``.

    :raises InputError: the output of ``cskg convert`` is missing or unreadable.
    :raises CatalogueError: the catalogue does not conform to DCAT-AP (it is then not written).
    """
    graph_file = data / "actions.ttl"
    store = local_store([graph_file])
    written: list[Path] = []

    def write(name: str, content: bytes) -> None:
        write_atomically(folder / name, content)
        written.append(folder / name)

    for name in ("actions.ttl", "actions.nt", "actions.jsonld"):
        try:
            write(name, (data / name).read_bytes())
        except FileNotFoundError:
            raise missing_output(data / name) from None
    rows = csv_rows(store)
    write("actions.csv", csv_bytes(rows))
    write("actions.csv-metadata.json", json_bytes(csvw_metadata(config)))
    write("cskg.ttl", ONTOLOGY_FILE.read_bytes())
    vocabularies = sorted(VOCABULARY_DIR.glob("*.ttl"))
    for path in vocabularies:
        write(f"vocabulaires/{path.name}", path.read_bytes())
    write("ontologie.html", ontology_html())
    write("dictionnaire.html", dictionary_html(store, rows))
    data_triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(graph_file), format=ox.RdfFormat.TURTLE)
    ]
    dataset = config.base_url + "#jeu-de-donnees"
    write(
        "void.ttl",
        turtle_bytes(void_graph(store, data_triples, dataset, config), prefixes=CATALOG_PREFIXES),
    )
    files = list(RELEASE_FILES) + [
        Distributed(
            f"vocabulaires/{p.name}",
            "text/turtle",
            "RDF_TURTLE",
            f"Vocabulaire SKOS : {p.stem}",
            "Concepts, libellés français et anglais, variantes et définitions.",
            rdf=True,
        )
        for p in vocabularies
    ]
    spatial = sorted(
        {
            t.object.value
            for t in data_triples
            if t.predicate.value == CSKG + "departement" and isinstance(t.object, ox.NamedNode)
        }
    )
    keywords = sorted(
        {
            _french_label(store, t.object)
            for t in data_triples
            if t.predicate.value == CSKG + "theme"
        }
    )
    years = start_years(store)
    triples = catalogue(config, folder, files, spatial, years, keywords)
    check = check_catalogue(triples)
    if check.violations:
        raise CatalogueError(
            "catalogue non conforme à DCAT-AP, non écrit : " + " ; ".join(check.violations)
        )
    write("catalog.ttl", turtle_bytes(triples, prefixes=CATALOG_PREFIXES))
    write("catalog.jsonld", jsonld_bytes(triples, prefixes=CATALOG_PREFIXES))
    return Release(folder, written, check)


def start_years(store: ox.Store) -> list[int]:
    """Start years the fiches state, whatever the status (library query
    ``actions-commencees-avant``, the one place where that rule is written)."""
    query = bind(load_query("actions-commencees-avant"), {"statut": "*", "annee": "10000"})
    results = store.query(query)
    assert isinstance(results, ox.QuerySolutions)
    return sorted({int(getattr(s["debut"], "value", 0)) for s in results})
