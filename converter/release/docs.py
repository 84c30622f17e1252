"""Documentation of the release: the ontology page (the site's, converter/site) and the data
dictionary."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pyoxigraph as ox
import rdflib

from converter.paths import ONTOLOGY_FILE
from converter.query import library
from converter.release.catalogue import Coverage
from converter.release.config import ReleaseConfig
from converter.release.participations import PARTICIPATIONS
from converter.release.tables import ACTIONS, CSV_COLUMNS, Rows, Table, examples
from converter.vocab import CSKG, vocabulary_files


def ontology_html() -> bytes:
    """The ontology page: the site's page of the ontology, on its own (``cskg site`` writes
    the same in ``def/``); one language per label, where pyLODE glued French and English."""
    from converter.site.standalone import ontology_document

    return ontology_document()


def _texts(graph: rdflib.Graph, node: rdflib.term.Node, predicate: rdflib.URIRef) -> dict[str, str]:
    """The literals of ``node``'s ``predicate``, by language ("" for none)."""
    return {getattr(o, "language", None) or "": str(o) for o in graph.objects(node, predicate)}


def _row(*cells: str, cell: str = "td", attributes: str = "") -> str:
    return f"<tr{attributes}>" + "".join(f"<{cell}>{c}</{cell}>" for c in cells) + "</tr>"


def _column_rows(table: Table, rows: Iterable[list[str]]) -> list[str]:
    """The dictionary's rows of a table's columns, each with an example from the data."""
    e = html.escape
    found = [_row("colonne", "titre (fr / en)", "type", "sens", "exemple", cell="th")]
    for column, example in zip(table.columns, examples(rows, table), strict=True):
        found.append(
            _row(
                f"<code>{e(column.name)}</code>",
                f"{e(column.title_fr)} / {e(column.title_en)}",
                e(column.datatype),
                e(column.description),
                e(example[:120]),
            )
        )
    return found


def dictionary_html(
    store: ox.Store, rows: Iterable[list[str]], participations: Iterable[list[str]] = ()
) -> bytes:
    """The data dictionary: every column of the two tables, every property of the ontology,
    every concept."""
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
    ]
    parts += _column_rows(ACTIONS, rows)
    parts += [
        '</table><h2 id="participations">participations.csv</h2><p>Une ligne par action, '
        "organisation et rôle (partenaire ou financeur), UTF-8, séparateur virgule : les "
        "organisations que la fiche nomme, avec leur type, leur territoire, le montant et la "
        "mention lue. Description lisible par machine : "
        "<code>participations.csv-metadata.json</code> (CSV on the Web).</p><table>",
    ]
    parts += _column_rows(PARTICIPATIONS, participations)
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


def readme_markdown(
    config: ReleaseConfig, rows: Rows, coverage: Coverage, files: list[str]
) -> bytes:
    """``LISEZMOI.md``: the text of the dataset's page (what, sources, licence, how to query)."""
    names = [c.name for c in CSV_COLUMNS]
    structure, written, name = (
        names.index(n) for n in ("structure_iri", "departement", "departement_name")
    )
    structures: set[str] = set()
    places: set[str] = set()
    for row in rows:  # one pass: the rows may be read back from their file
        structures.add(row[structure])
        if row[written]:
            places.add(row[name])
    places.discard("")
    years = coverage.years
    period = f"de {min(years)} à {max(years)}" if years else "non indiquées"
    lines = [
        f"# {config.title_fr}",
        "",
        config.description_fr or config.title_fr,
        "",
        "## Ce que contient le jeu de données",
        "",
        f"- {len(rows)} actions menées par {len(structures)} structures (centres sociaux), "
        f"dans {len(places)} départements : {', '.join(sorted(places))}.",
        f"- Années de début des actions indiquées par les fiches : {period}.",
        f"- Thématiques : {', '.join(coverage.keywords)}.",
        "- Chaque action garde le texte de sa fiche (résumé, description, résultats, limites, "
        "perspectives) ; statut, thématiques, publics, initiateurs et échelles de territoire sont "
        "rattachés à des vocabulaires SKOS (libellés français et anglais).",
        "",
        "## Fichiers",
        "",
        "| fichier | pour quoi faire |",
        "|---|---|",
        *(f"| `{name}` | {what} |" for name, what in _FILE_USES if name in files),
        "",
        "Le catalogue `catalog.ttl` (DCAT-AP 3.0.1) décrit chaque fichier : taille, type, "
        "empreinte SHA-256.",
        "",
        "## Sources",
        "",
        "- Les fiches d'actions des centres sociaux, telles qu'elles ont été écrites.",
        "- Territoires : Insee, Code officiel géographique 2026 (codes et noms des communes, "
        "départements et régions).",
        "- Couverture spatiale du catalogue : contours IGN Admin Express, via france-geojson "
        "(Grégoire David), simplifiés.",
        "",
        "## Licence et attribution",
        "",
        f"Données publiées sous {config.licence_title} ({config.licence}) par {config.publisher}.",
        "Attribution à reprendre : « Source : "
        f"{config.publisher}, {config.title_fr} ; Insee, Code officiel géographique 2026 ; "
        "contours IGN Admin Express via france-geojson ».",
        "",
        "## Interroger les données",
        "",
        "- Tableur : ouvrir `actions.xlsx` (aucune cellule n'est une formule) ou `actions.csv` "
        "(UTF-8, virgule ; colonnes décrites par `actions.schema.json`) ; les partenaires et "
        "financeurs de chaque action, avec le type et le territoire de chaque organisation : "
        "feuille « participations » ou `participations.csv` (filtrer `organisation_type_code` "
        "= `caf` et `territory_code` = `46` donne les actions où la CAF du Lot intervient).",
        "- SQL : `datasette actions.db` ouvre la base dans le navigateur (recherche plein texte "
        'sur les textes des fiches) ; ou `sqlite3 actions.db "SELECT title, status FROM '
        'actions"`.',
        "- SPARQL : charger `actions.ttl` dans un triplestore (ou `cskg serve`) et poser les "
        "requêtes de `requetes.zip`, par exemple `actions-par-departement.rq`.",
    ]
    if config.endpoint:
        lines.append(f"- Point d'accès SPARQL : <{config.endpoint}>.")
    lines += ["", "Chaque colonne et chaque propriété : `dictionnaire.html`.", ""]
    return "\n".join(lines).encode("utf-8")


_FILE_USES = (
    ("actions.csv", "le tableau des actions, une ligne par action"),
    ("participations.csv", "les partenaires et financeurs de chaque action, une ligne par rôle"),
    ("actions.xlsx", "les deux tableaux, pour un tableur"),
    (
        "actions.db",
        "base SQLite : actions, structures, organisations, participations, concepts, territoires",
    ),
    ("actions.schema.json", "schéma du tableau (Table Schema)"),
    ("actions.ttl", "le graphe RDF des actions (Turtle ; aussi `actions.nt`, `actions.jsonld`)"),
    ("cskg.ttl", "l'ontologie ; `vocabulaires/` : les vocabulaires SKOS"),
    ("requetes.zip", "les requêtes SPARQL de la bibliothèque cskg"),
    ("dictionnaire.html", "le dictionnaire des données"),
    ("ontologie.html", "la documentation de l'ontologie"),
    ("changements.md", "ce qui a changé depuis la version précédente (aussi en CSV)"),
)
