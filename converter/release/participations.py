"""``participations.csv``: who takes part in each action, one row per action, organisation and
role, for those who read tables rather than SPARQL (« quelles actions la CAF du Lot
finance-t-elle ? » is a filter on two columns).

Each row is one ``prov:qualifiedAssociation`` of the graph: the organisation with its type
and territory written out (codes and French labels), the role, the amount when the fiche
gives one for that funder, and the evidence (text as written, section, line, rule).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

import pyoxigraph as ox

from converter.release.tables import (
    Column,
    Table,
    Term,
    _follow,
    actions_of,
    french_label,
    statements_of,
)
from converter.vocab import CSKG, DCT, IGEO, PROV, SCHEMA, SKOS

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


def _amounts(store: ox.Store, grants: list[Term]) -> dict[str, Decimal]:
    """Funder → the sum of the amounts of an action's contributions (``grants``) by it."""
    total: dict[str, Decimal] = {}
    for grant in grants:
        if not isinstance(grant, ox.NamedNode):
            continue
        funder = _value(store, grant, SCHEMA + "funder")
        value = _value(store, grant, SCHEMA + "amount", SCHEMA + "value")
        if funder and value:
            total[funder] = total.get(funder, Decimal(0)) + Decimal(value)
    return total


def _text(term: Term | None) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def participation_rows(store: ox.Store) -> Iterator[list[str]]:
    """The rows, one action at a time by IRI, then in the order the mapping numbered its
    associations. An association counts when it has an agent, a role, its evidence (text,
    section, rule) and the action a title and a structure; the line is optional."""
    organisations: dict[str, list[str]] = {}
    structures: dict[str, list[str]] = {}
    for action in actions_of(store):
        own = statements_of(store, action)
        amounts = _amounts(store, own.get(CSKG + "fundingContribution", []))
        found = []
        for association in own.get(PROV + "qualifiedAssociation", []):
            if not isinstance(association, ox.NamedNode):
                continue
            of = statements_of(store, association)
            number = int(association.value.rsplit("/", 1)[1])
            lines: list[Term | None] = [*of.get(CSKG + "evidenceLine", [])] or [None]
            for title, structure, organisation, role, text, field, rule, line in itertools.product(
                own.get(DCT + "title", []),
                own.get(CSKG + "organiser", []),
                of.get(PROV + "agent", []),
                of.get(PROV + "hadRole", []),
                of.get(CSKG + "evidenceText", []),
                of.get(CSKG + "evidenceField", []),
                of.get(CSKG + "rule", []),
                lines,
            ):
                who, where = _text(organisation), _text(structure)
                if who not in organisations:
                    organisations[who] = _organisation(store, ox.NamedNode(who))
                if where not in structures:
                    node = ox.NamedNode(where)
                    structures[where] = [
                        french_label(store, node),
                        _value(store, node, CSKG + "departement", IGEO + "codeINSEE"),
                    ]
                named = ROLES.get(_text(role), _text(role))
                amount = amounts.get(who) if named == "financeur" else None
                row = [action.value, _text(title), *structures[where], *organisations[who]]
                row += [named, "" if amount is None else str(amount), _text(text), _text(field),
                        _text(line), _text(rule)]  # fmt: skip
                found.append((number, row))
        found.sort(key=lambda item: item[0])
        yield from (row for _, row in found)
