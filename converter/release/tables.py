"""The release tables: ``actions.csv`` and its CSV on the Web description."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pyoxigraph as ox

from converter.release.config import ReleaseConfig
from converter.vocab import CSKG, DCT, IGEO, PROV, RDF, SCHEMA, SKOS

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

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
        _p("prov:wasDerivedFrom", "cskg:sourceFile"),
    ),
    Column(
        "source_ligne",
        "ligne source",
        "source line",
        "integer",
        "Première ligne de la fiche dans ce fichier.",
        _p("prov:wasDerivedFrom", "cskg:firstLine"),
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
