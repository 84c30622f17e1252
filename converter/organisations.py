"""Which organisation a partner or funder name designates: the rule that scopes generic names.

Institutions such as « Préfecture », « CAF » or « Mairie » exist once per département, région
or commune: the bare name in two fiches of two départements designates two organisations. A
name that, once folded (``text.fold``), is exactly one of these generic names is identified
with the territory of the structure citing it; any other name (« CAF du Lot », « Association
AURORE ») designates one organisation wherever it is cited.

>>> level("Préfecture"), level("CAF"), level("Conseil Régional"), level("mairie")
('departement', 'departement', 'region', 'commune')
>>> level("CAF du Lot") is None, level("Association AURORE") is None
(True, True)
"""

from __future__ import annotations

from converter.text import fold

# Generic names by the territory they exist once in (French public bodies and the networks
# that mirror them: a list of kinds of institution, never of the example's names).
GENERIC: dict[str, tuple[str, ...]] = {
    "departement": (
        "préfecture", "sous-préfecture", "caf", "caisse d'allocations familiales", "cpam",
        "caisse primaire d'assurance maladie", "msa", "mutualité sociale agricole",
        "conseil départemental", "conseil général", "département", "ddets", "ddcs", "ddcspp",
        "dsden", "inspection académique", "éducation nationale", "udaf", "france travail",
        "pôle emploi", "fédération des centres sociaux",
    ),
    "region": (
        "conseil régional", "région", "dreets", "drajes", "ars", "agence régionale de santé",
    ),
    "commune": (
        "mairie", "ville", "commune", "municipalité", "ccas",
        "centre communal d'action sociale", "bailleur social", "bailleurs sociaux",
    ),
}  # fmt: skip
_LEVELS = {fold(name): level for level, names in GENERIC.items() for name in names}


def level(name: str) -> str | None:
    """The territory a generic name exists once in (``departement``, ``region``, ``commune``),
    or None for a name that designates one organisation wherever it is cited."""
    return _LEVELS.get(fold(name))
