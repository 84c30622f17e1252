"""Numbers read from free text only when the text leaves no doubt: budgets, funders, staff.

The text itself is always kept as written; these readers add typed values beside it, and say
nothing when in doubt ("Dépenses : 8538€ Recettes : 8806.06" is not one budget).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from converter.text import fold

_BLANK = "[ \u00a0\u202f]"
# An amount in euros: "30500 €", "31 600 €", "38 297.47€", "27 552,00 €", "95k€", "3000 euros".
AMOUNT = re.compile(
    rf"(?<![\w.,])(?P<units>\d{{1,3}}(?:{_BLANK}\d{{3}})+|\d+)(?:[.,](?P<cents>\d{{1,2}}))?"
    rf"{_BLANK}*(?P<kilo>k)?{_BLANK}*(?:€|euros?\b|eur\b)",
    re.IGNORECASE,
)
# "12 000 ou 15 000 €", "10 à 12 k€": an amount that closes a range or an alternative.
ALTERNATIVE = re.compile(rf"\d{_BLANK}*(?:ou|à|-|–){_BLANK}*$", re.IGNORECASE)
# "Mairie de Toulouse: 6 000 €" alone on its line: a funder and its contribution.
CONTRIBUTION = re.compile(r"^\s*(?P<funder>[^:\d][^:]*?)\s*:+\s*(?P<amount>[^:]+?)\s*\.?\s*$")
# Line labels that name an account, not a funder.
NOT_FUNDERS = frozenset(
    fold(word)
    for word in (
        "budget", "budget global", "total", "totaux", "charges", "dépenses", "recettes",
        "produits", "excédent", "déficit", "subventions", "coût", "coût total", "financement",
    )
)  # fmt: skip
TOTAL_WORDS = ("budget", "total")
STAFF = re.compile(
    r"^(?P<count>\d+)(?:\s+(?:personnes?|professionnel(?:le)?s?|bénévoles?|salarié(?:e)?s?))?\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Contribution:
    funder: str
    amount: Decimal


def _value(match: re.Match[str]) -> Decimal:
    units = re.sub(_BLANK, "", match["units"])
    value = Decimal(units + "." + match["cents"]) if match["cents"] else Decimal(units)
    return value * 1000 if match["kilo"] else value


def amounts(text: str) -> list[Decimal]:
    """Every amount in euros written in ``text``.

    >>> amounts("Dépenses : 8538€ Recettes : 8806.06 Excédent : 263.83€")
    [Decimal('8538'), Decimal('263.83')]
    """
    return [_value(m) for m in AMOUNT.finditer(text)]


def read_budget(text: str) -> Decimal | None:
    """The total budget, when ``text`` states one without doubt.

    Either the text holds exactly one amount, or exactly one line that speaks of a budget or a
    total holds exactly one amount.

    >>> read_budget("Buget global 2014 : 30500 € incluant un poste"), read_budget("95k€")
    (Decimal('30500'), Decimal('95000'))
    >>> read_budget("Le budget de l'action est de 31 600 €.\\nMairie de Toulouse: 6 000 €")
    Decimal('31600')
    >>> read_budget("Dépenses : 8538€\\nRecettes : 8806.06\\nExcédent : 263.83€") is None
    True
    """
    if any(
        ALTERNATIVE.search(text, max(0, m.start() - 24), m.start()) for m in AMOUNT.finditer(text)
    ):
        return None
    found = amounts(text)
    if len(found) == 1:
        return found[0]
    totals = [
        amounts(line)
        for line in text.split("\n")
        if any(word in fold(line) for word in TOTAL_WORDS) and amounts(line)
    ]
    if len(totals) == 1 and len(totals[0]) == 1:
        return totals[0][0]
    return None


def read_contributions(text: str) -> list[Contribution]:
    """Funders and amounts written one per line as ``Funder: amount €``.

    >>> read_contributions("Budget : 10 500 €\\nCAF Haute Garonne: 4 500 €\\nASP:: 6 000 €")
    [Contribution(funder='CAF Haute Garonne', amount=Decimal('4500')), \
Contribution(funder='ASP', amount=Decimal('6000'))]
    """
    found: list[Contribution] = []
    for line in text.split("\n"):
        match = CONTRIBUTION.match(line)
        if not match or fold(match["funder"]) in NOT_FUNDERS:
            continue
        amount = AMOUNT.fullmatch(match["amount"])
        if amount:
            found.append(Contribution(match["funder"].strip(), _value(amount)))
    return found


def read_staff_count(text: str) -> int | None:
    """The number of people, when the whole text is that number ("20", "7 professionnels").

    >>> read_staff_count("150"), read_staff_count("99 personnes : 30 professionnels et 69")
    (150, None)
    """
    match = STAFF.match(text.strip())
    return int(match["count"]) if match else None
