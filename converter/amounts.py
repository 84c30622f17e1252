"""Numbers read from free text only when the text leaves no doubt: budgets, funders, staff.

The text itself is always kept as written; these readers add typed values beside it, and say
nothing when in doubt ("Dépenses : 8538€ Recettes : 8806.06" is not one budget).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from converter.text import fold

_BLANK = "[ \u00a0\u202f]"
CURRENCY = re.compile(r"€|\beuros?\b|\beur\b", re.IGNORECASE)
# The number right before a currency sign: "30500", "31 600", "10.000", "38 297.47", "27 552,00",
# "95k". It is searched in a bounded window before each sign, so reading stays linear.
NUMBER_BEFORE = re.compile(
    rf"(?<![\w.,])(?<!\d{_BLANK})(?P<units>\d{{1,3}}(?:(?:{_BLANK}|\.)\d{{3}})+|\d+)"
    rf"(?:[.,](?P<cents>\d{{1,2}}))?{_BLANK}*(?P<kilo>k)?{_BLANK}*$",
    re.IGNORECASE,
)
WINDOW = 60
# "12 000 ou 15 000 €", "entre 10 000 et 12 000 €", "10 à 12 k€": the amount closes a range.
ALTERNATIVE = re.compile(rf"\d{_BLANK}*(?:ou|à|et|-|–|/){_BLANK}*$", re.IGNORECASE)
# Words of a line label that name an account, not a funder ("Budget prévisionnel : 5 000 €").
ACCOUNT_WORDS = frozenset(
    fold(word)
    for word in (
        "budget", "total", "totaux", "charge", "charges", "dépense", "dépenses", "recette",
        "recettes", "produit", "produits", "excédent", "déficit", "subvention", "subventions",
        "coût", "coûts", "financement", "financements", "montant", "prévisionnel", "global",
        "solde", "reste",
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
    text: str = field(default="", compare=False)  # the line read, as written: evidence


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    start: int  # where its number starts
    end: int  # after its currency sign
    closes_range: bool


def _find(text: str) -> list[_Amount]:
    found = []
    for sign in CURRENCY.finditer(text):
        number = NUMBER_BEFORE.search(text, max(0, sign.start() - WINDOW), sign.start())
        if number is None:
            continue
        units = re.sub(r"[ \u00a0\u202f.]", "", number["units"])
        value = Decimal(f"{units}.{number['cents']}") if number["cents"] else Decimal(units)
        if number["kilo"]:
            value *= 1000
        before = ALTERNATIVE.search(text, max(0, number.start() - 20), number.start())
        found.append(_Amount(value, number.start(), sign.end(), before is not None))
    return found


def amounts(text: str) -> list[Decimal]:
    """Every amount in euros written in ``text``.

    >>> amounts("Dépenses : 8538€ Recettes : 8806.06 Excédent : 263.83€ ; 10.000 €, 1,5 k€")
    [Decimal('8538'), Decimal('263.83'), Decimal('10000'), Decimal('1500.0')]
    """
    return [a.value for a in _find(text)]


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
    every = _find(text)
    if any(a.closes_range for a in every):
        return None
    if len(every) == 1:
        return every[0].value
    totals = [
        found
        for line in text.split("\n")
        if any(word in fold(line) for word in TOTAL_WORDS) and (found := amounts(line))
    ]
    if len(totals) == 1 and len(totals[0]) == 1:
        return totals[0][0]
    return None


def read_contributions(text: str) -> list[Contribution]:
    """Funders and amounts written one per line as ``Funder: amount €``.

    >>> read_contributions("Budget : 10 500 €\\nCAF Haute Garonne: 4 500 €\\nASP:: 6 000 €")
    [Contribution(funder='CAF Haute Garonne', amount=Decimal('4500'), \
text='CAF Haute Garonne: 4 500 €'), Contribution(funder='ASP', amount=Decimal('6000'), \
text='ASP:: 6 000 €')]
    """
    found: list[Contribution] = []
    for line in text.split("\n"):
        funder, colon, rest = line.partition(":")
        funder, rest = funder.strip(), rest.lstrip(":").strip().rstrip(".").strip()
        if not colon or not funder or funder[0].isdigit():
            continue
        if any(fold(word) in ACCOUNT_WORDS for word in re.findall(r"[^\W_]+", funder)):
            continue
        money = _find(rest)
        if len(money) == 1 and money[0].start == 0 and money[0].end == len(rest):
            found.append(Contribution(funder, money[0].value, line.strip()))
    return found


def read_staff_count(text: str) -> int | None:
    """The number of people, when the whole text is that number ("20", "7 professionnels").

    >>> read_staff_count("150"), read_staff_count("99 personnes : 30 professionnels et 69")
    (150, None)
    """
    match = STAFF.match(text.strip())
    return int(match["count"]) if match else None
