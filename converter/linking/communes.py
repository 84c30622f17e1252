"""A structure's commune from its fiches' texts, when they leave no doubt.

The evidence is an explicit local expression that names the commune as an institution
working with the structure: « la Mairie de Toulouse », « la Ville de Petit-Canal »,
« sur la ville de Coulaines », « CCAS de X » (``organisations`` reads them, among the communes
of the structure's département only). A commune named otherwise (a quartier, a place visited,
« CIAS de Jarny », a gentilé) is never evidence. One distinct commune across all the
structure's fiches: linked; two or more: reported with the candidates, never linked.
"""

from __future__ import annotations

from dataclasses import dataclass

from converter.territory import Commune

RULE = "expression-locale"


@dataclass(frozen=True)
class CommuneEvidence:
    """One local expression naming a commune: where it was read and as written."""

    commune: Commune
    text: str
    field: str  # the section header
    line: int  # the line of that header
    file: str


def decide_commune(evidence: list[CommuneEvidence]) -> tuple[Commune | None, str]:
    """The commune the evidence names, if exactly one, and a French note saying why.

    >>> from converter.territory import load_cog
    >>> toulouse = load_cog().communes["31555"]
    >>> e = CommuneEvidence(toulouse, "la Mairie de Toulouse", "Description générale", 9, "f")
    >>> decide_commune([e, e])
    (Commune(code='31555', ...), 'commune reconnue dans le texte : « la Mairie de Toulouse » (f:9)')
    """
    communes = list(dict.fromkeys(e.commune for e in evidence))
    if len(communes) == 1:
        first = evidence[0]
        return communes[0], (
            f"commune reconnue dans le texte : « {first.text} » ({first.file}:{first.line})"
        )
    names = ", ".join(f"{c.name} ({c.code})" for c in communes)
    return None, f"plusieurs communes dans les textes : {names} : aucun lien"
