"""Budgets, funders and staff are read only when the text leaves no doubt."""

from __future__ import annotations

from decimal import Decimal

import pytest

from converter.amounts import (
    Contribution,
    amounts,
    read_budget,
    read_contributions,
    read_staff_count,
)
from tests.conftest import SEED


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("30500 €", "30500"),
        ("5000€", "5000"),
        ("95k€", "95000"),
        ("Le budget de l'action est de 31 600 €.", "31600"),
        ("37669 €", "37669"),
        ("Buget global 2014 : 30500 € incluant un poste d'animateur", "30500"),
        (
            "Budget global : 372100€\nSubventions : 214650€ (Villes : 37250€ / CAF : 10000)",
            "372100",
        ),
        ("27860 euros", "27860"),
        ("Coût : 1\u202f200,50 €", "1200.50"),
        ("Budget : 10.000 €", "10000"),
        ("Budget : 1.200,50 € TTC", "1200.50"),
    ],
)
def test_unambiguous_total_is_read(text: str, total: str) -> None:
    assert read_budget(text) == Decimal(total)


@pytest.mark.parametrize(
    "text",
    [
        "Dépenses : 8538€\nRecettes : 8806.06\nExcédent : 263.83€",
        "12 000 ou 15 000 €",
        "Le budget de l'action évalué à 38 297.47€ Pour la première année. Puis 20 000€ / an",
        "Contrat de Ville.",
        "Dépenses : 10.000 €\nRecettes : 2 000 €",
        "entre 10 000 et 12 000 €",
        "12 000 / 15 000 €",
        "2 ou 3 k€",  # a range from the text's first character
        "Attribution de 0.5 ETP sur 2 ans (2019 et 2020) par la CAF 46.",
        "",
    ],
)
def test_no_total_when_in_doubt(text: str) -> None:
    assert read_budget(text) is None


def test_funder_breakdown_is_read_line_by_line() -> None:
    text = (
        "Le budget de l'action est de 31 600 €.\nMairie de Toulouse: 6 000 €\n"
        "CAF Haute Garonne: 4 500 €\nASP:: 18 300 €\nConseil Régional ( Adulte Relais): 2 800 €"
    )
    assert read_contributions(text) == [
        Contribution("Mairie de Toulouse", Decimal("6000")),
        Contribution("CAF Haute Garonne", Decimal("4500")),
        Contribution("ASP", Decimal("18300")),
        Contribution("Conseil Régional ( Adulte Relais)", Decimal("2800")),
    ]


def test_account_lines_are_not_funders() -> None:
    text = (
        "charges: 8651 €\nDépenses : 8538€\nTotal : 10 €\nproduits : Reeap 3000 €\n"
        "Budget prévisionnel : 5 000 €\nTotal 2019 : 4 000 €\nCoût de l'action : 300 €\n"
        "Total subventions : 200 €\nCAF : 5 000 € et 2 000 €"
    )
    assert read_contributions(text) == []


def test_a_final_full_stop_does_not_hide_a_contribution() -> None:
    assert read_contributions("Mairie de Toulouse : 6 000 €.\nCAF : 4 500 €") == [
        Contribution("Mairie de Toulouse", Decimal("6000")),
        Contribution("CAF", Decimal("4500")),
    ]


@pytest.mark.parametrize(
    "line",
    [
        ": 300 €",  # no funder named
        "2019 : 4 000 €",  # a year, not a funder
        "1er versement : 2 000 €",  # a period, not a funder
        "Partenaires : CAF, Mairie",  # no amount
        "CAF : environ 3 000 €",  # more than the amount after the colon
        "Mairie : 5 000 € par an",
        "Agglomération de Chaumont :1000 € et CGET : 1000 €",  # seed line 1384: two amounts
    ],
)
def test_a_line_is_a_contribution_only_when_it_is_funder_colon_amount(line: str) -> None:
    assert read_contributions(line) == []


def test_amounts_after_a_currency_sign_without_number_are_still_read() -> None:
    """Seed line 301 is a budget table flattened to one line, its empty cells written « - € »;
    its last row (checked by hand) is TOTAUX, then the totals of the funders' columns."""
    line = SEED.read_text(encoding="utf-8").split("\n")[300]
    assert "TOTAUX 27 552,00 €" in line and line.count("- €") == 6
    found = amounts(line)
    assert len(found) == line.count("€") - line.count("- €")  # every sign after a number
    totals = ("27552.00", "500.00", "1052.00", "7000.00", "9000.00", "6000.00", "4000.00")
    assert found[-7:] == [Decimal(t) for t in totals]


def test_long_digit_runs_are_read_in_linear_time() -> None:
    """Review of issue 3: a nested-group regex took 33 s on 48 KB; the reader scans windows."""
    text = " ".join(["000"] * 200_000)
    assert read_budget(text) is None and read_contributions(text) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [("20", 20), ("4", 4), ("150", 150), ("7 professionnels", 7), (" 12 personnes. ", 12)],
)
def test_staff_count_when_the_text_is_that_number(text: str, count: int) -> None:
    assert read_staff_count(text) == count


@pytest.mark.parametrize(
    "text",
    [
        "99 personnes : 30 professionnels et 69 bénévoles.",
        "6 bénévoles\n3 professionnels",
        "Une dizaine",
        "",
    ],
)
def test_no_staff_count_otherwise(text: str) -> None:
    assert read_staff_count(text) is None
