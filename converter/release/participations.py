"""``participations.csv``: who takes part in each action, one row per action, organisation and
role, for those who read tables rather than SPARQL (« quelles actions la CAF du Lot
finance-t-elle ? » is a filter on two columns).

Each row is one ``prov:qualifiedAssociation`` of the graph: the organisation with its type
and territory written out (codes and French labels), the role, the amount when the fiche
gives one for that funder, and the evidence (text as written, section, line, rule).
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from converter.release.tables import Column, Table, _follow, french_label
from converter.vocab import CSKG, DCT, IGEO, SCHEMA, SKOS

ROLES = {CSKG + "partnerRole": "partenaire", CSKG + "funderRole": "financeur"}

COLUMNS = (
    Column("action", "action", "action", "anyURI", "IRI de l'action."),
    Column("title", "titre de l'action", "action title", "string", "Titre de l'action."),
    Column("structure", "structure organisatrice", "organising structure", "string",
           "Nom de la structure qui mène l'action."),
    Column("departement_code", "code du département de la structure",
           "structure's département code", "string",
           "Code INSEE du département de la structure, vide s'il n'est pas reconnu."),
    Column("organisation", "organisation", "organisation", "anyURI",
           "IRI de l'organisation (une par organisation, quelles que soient les fiches qui la "
           "nomment)."),
    Column("organisation_name", "nom de l'organisation", "organisation name", "string",
           "Nom de l'organisation tel qu'on le lit : son type et son territoire (« Caisse "
           "d'allocations familiales (Lot) »), ou son nom propre."),
    Column("organisation_type", "type d'organisation", "organisation type", "string",
           "Libellé du type (vocabulaire types-organisations) ; « Type non précisé » quand la "
           "fiche la nomme sans dire son type."),
    Column("organisation_type_code", "code du type", "type code", "string",
           "Notation du type dans le vocabulaire types-organisations (caf, commune, "
           "association, non-precise…)."),
    Column("territory_code", "code du territoire de l'organisation",
           "organisation's territory code", "string",
           "Code INSEE du territoire de l'organisation (département, région, commune, SIREN "
           "d'un EPCI) quand le texte ou le type le rend certain, vide sinon."),
    Column("territory_name", "territoire de l'organisation", "organisation's territory",
           "string", "Nom INSEE de ce territoire."),
    Column("role", "rôle", "role", "string",
           "« partenaire » ou « financeur » ; une organisation à la fois partenaire et "
           "financeur d'une action a deux lignes."),
    Column("amount_eur", "montant (€)", "amount (EUR)", "decimal",
           "Montant en euros que la fiche donne pour ce financeur dans cette action (la somme "
           "de ses lignes de financement), vide sinon."),
    Column("evidence_text", "mention", "mention", "string",
           "Le texte de la fiche d'où l'organisation a été lue, tel qu'écrit."),
    Column("evidence_field", "rubrique de la mention", "section of the mention", "string",
           "La rubrique de la fiche où se trouve la mention."),
    Column("evidence_line", "ligne de la rubrique", "line of the section", "integer",
           "Ligne de l'en-tête de cette rubrique dans le fichier source."),
    Column("rule", "règle", "rule", "string",
           "La règle d'extraction qui a décidé (converter/linking/organisations.py, RULES)."),
)  # fmt: skip

PARTICIPATIONS = Table(
    "participations", COLUMNS, key=("action", "organisation", "role"),
    required=("action", "organisation", "role", "evidence_text"),
    subtitle="organisations partenaires et financeurs de chaque action",
)  # fmt: skip

_NAMES = ("action", "title", "structure", "association", "organisation", "role", "text",
          "field", "line", "rule")  # fmt: skip
_QUERY = """
PREFIX cskg: <https://w3id.org/cskg/def#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT * WHERE {
  ?action a cskg:Action ; dct:title ?title ; cskg:organiser ?structure ;
          prov:qualifiedAssociation ?association .
  ?association prov:agent ?organisation ; prov:hadRole ?role ; cskg:evidenceText ?text ;
               cskg:evidenceField ?field ; cskg:rule ?rule .
  OPTIONAL { ?association cskg:evidenceLine ?line }
}"""


def _value(store: ox.Store, node: ox.NamedNode, *path: str) -> str:
    """The value at the end of a path of full IRIs from ``node`` (the smallest), or ""."""
    return min((str(getattr(n, "value", n)) for n in _follow(store, node, path)), default="")


def _organisation(store: ox.Store, node: ox.NamedNode) -> list[str]:
    kind = _value(store, node, DCT + "type")
    territory = _value(store, node, CSKG + "territory")
    place = ox.NamedNode(territory) if territory else None
    return [
        node.value,
        french_label(store, node),
        french_label(store, ox.NamedNode(kind)) if kind else "",
        _value(store, ox.NamedNode(kind), SKOS + "notation") if kind else "",
        _value(store, place, IGEO + "codeINSEE") if place else "",
        _value(store, place, IGEO + "nom") if place else "",
    ]


def _amounts(store: ox.Store) -> dict[tuple[str, str], Decimal]:
    """(action, funder) → the sum of the amounts of the action's contributions by that funder."""
    total: dict[tuple[str, str], Decimal] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(CSKG + "fundingContribution"), None):
        grant = quad.object
        if not isinstance(grant, ox.NamedNode):
            continue
        funder = _value(store, grant, SCHEMA + "funder")
        value = _value(store, grant, SCHEMA + "amount", SCHEMA + "value")
        if funder and value:
            key = (quad.subject.value, funder)  # type: ignore[union-attr]
            total[key] = total.get(key, Decimal(0)) + Decimal(value)
    return total


def participation_rows(store: ox.Store) -> list[list[str]]:
    """The rows, by action IRI then in the order the mapping numbered the associations."""
    solutions = store.query(_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    amounts = _amounts(store)
    organisations: dict[str, list[str]] = {}
    structures: dict[str, list[str]] = {}
    found = []
    for solution in solutions:
        value = {name: getattr(solution[name], "value", "") for name in _NAMES}
        action, organisation, structure = value["action"], value["organisation"], value["structure"]
        if organisation not in organisations:
            organisations[organisation] = _organisation(store, ox.NamedNode(organisation))
        if structure not in structures:
            node = ox.NamedNode(structure)
            structures[structure] = [
                french_label(store, node),
                _value(store, node, CSKG + "departement", IGEO + "codeINSEE"),
            ]
        role = ROLES.get(value["role"], value["role"])
        amount = amounts.get((action, organisation)) if role == "financeur" else None
        row = [action, value["title"], *structures[structure], *organisations[organisation]]
        row += [role, "" if amount is None else str(amount), value["text"], value["field"],
                value["line"], value["rule"]]  # fmt: skip
        number = int(value["association"].rsplit("/", 1)[1])
        found.append(((action, number), row))
    return [row for _, row in sorted(found, key=lambda item: item[0])]
