r"""Budget statistics per theme, derived once by the conversion and written into the graph.

SPARQL has no median: computed in a query, the median budget of each theme compares budgets
two by two and grows with their square (seconds at 100,000 actions on oxigraph, out of memory
on Virtuoso). The conversion reads the budgets as it writes them and adds, per theme, one W3C
Data Cube observation (``qb:Observation`` of the data set ``…/statistique/budget-par-thematique``,
a ``cskg:DerivedStatistics``): the number of actions with a known budget, their total, median,
minimum and maximum, in euros. The library query ``budget-par-thematique`` reads them.

``BudgetSummary`` reads the N-Triples lines of a batch (``add``), merges with the summary of
other batches (``merge``: in worker processes, each batch its own) and writes its triples
(``lines``). An action's themes, its budget and the budget's amount are its own triples: they
come in the batch of its fiche, as the pipeline writes them. A summary counts each
(theme, amount) of an action once, whatever the batch size or the order of the merges, and its
lines are sorted: the same fiches give the same bytes.

>>> a, cskg = "<https://example.org/a>", "https://w3id.org/cskg/def#"
>>> summary = BudgetSummary("https://example.org/")
>>> summary.add(f"{a} <{cskg}theme> <https://w3id.org/cskg/vocab/thematique/culture> .\n"
...             f"{a} <{cskg}budget> <https://example.org/a/budget> .\n"
...             '<https://example.org/a/budget> <https://schema.org/value> '
...             '"1200.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
>>> summary.themes()["https://w3id.org/cskg/vocab/thematique/culture"].median
Decimal('1200.50')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from converter.serialise import nt_literal, sorted_nt
from converter.vocab import CSKG, DCT, RDF, SCHEMA, XSD

QB = "http://purl.org/linked-data/cube#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DATA_SET = "statistique/budget-par-thematique"  # below the base IRI of the data
# The predicates a budget per theme is read from, with the spaces around them in a line.
_THEME = f" <{CSKG}theme> ".encode()
_BUDGET = f" <{CSKG}budget> ".encode()
_VALUE = f" <{SCHEMA}value> ".encode()
_DECIMAL = f'"^^<{XSD}decimal>'.encode()


def _pairs(data: bytes, predicate: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (subject, object) of each N-Triples line of ``data`` with ``predicate``, found by
    ``bytes.find`` (many times faster than a regular expression over every line); a match
    inside a literal is told apart by its subject, which is then not one IRI."""
    at = data.find(predicate)
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        subject, obj = data[start:at], data[at + len(predicate) : end].rstrip()
        if subject[:1] == b"<" and b" " not in subject and obj.endswith(b" ."):
            yield subject, obj[:-2]
        at = data.find(predicate, end)


_MEASURES = (
    ("actionCount", "actions", XSD + "integer"),
    ("budgetTotal", "total", XSD + "decimal"),
    ("budgetMedian", "median", XSD + "decimal"),
    ("budgetMinimum", "minimum", XSD + "decimal"),
    ("budgetMaximum", "maximum", XSD + "decimal"),
)


@dataclass(frozen=True)
class ThemeBudgets:
    """The budgets of the actions of one theme: how many, total, median, minimum, maximum."""

    actions: int
    total: Decimal
    median: Decimal
    minimum: Decimal
    maximum: Decimal


def _statistics(counts: Counter[Decimal]) -> ThemeBudgets:
    """The statistics of the amounts ``counts`` (amount → number of actions)."""
    amounts = sorted(counts)
    actions = sum(counts.values())
    middle = []  # the amounts at positions (actions - 1) // 2 and actions // 2, counted from 0
    seen = 0
    wanted = [(actions - 1) // 2, actions // 2]
    for amount in amounts:
        seen += counts[amount]
        while wanted and wanted[0] < seen:
            middle.append(amount)
            wanted.pop(0)
    return ThemeBudgets(
        actions=actions,
        total=sum((amount * n for amount, n in counts.items()), Decimal(0)),
        median=(middle[0] + middle[1]) / 2,
        minimum=amounts[0],
        maximum=amounts[-1],
    )


def decimal_lexical(value: Decimal) -> str:
    """``value`` as an xsd:decimal lexical form, without exponent or useless zeros.

    >>> decimal_lexical(Decimal("34634.50")), decimal_lexical(Decimal("3.5E+4"))
    ('34634.5', '35000')
    """
    return format(value.normalize(), "f")


class BudgetSummary:
    """Per theme, how many actions have each budget amount: what the statistics are made of."""

    def __init__(self, base_iri: str) -> None:
        self.base_iri = base_iri
        self.counts: dict[str, Counter[Decimal]] = {}

    def add(self, ntriples: str | bytes) -> None:
        """Count the budgets of the actions whose triples are in ``ntriples`` (a batch's
        N-Triples lines, as the mapping writes them)."""
        data = ntriples.encode("utf-8") if isinstance(ntriples, str) else ntriples
        themes: dict[bytes, set[bytes]] = {}
        budget_of: dict[bytes, set[bytes]] = {}
        for subject, obj in _pairs(data, _THEME):
            themes.setdefault(subject, set()).add(obj)
        for subject, obj in _pairs(data, _BUDGET):
            budget_of.setdefault(subject, set()).add(obj)
        amount_of = {
            subject: Decimal(obj[1 : -len(_DECIMAL)].decode())
            for subject, obj in _pairs(data, _VALUE)
            if obj[:1] == b'"' and obj.endswith(_DECIMAL)
        }
        for action, nodes in budget_of.items():
            amounts = {amount_of[node] for node in nodes if node in amount_of}
            for theme in themes.get(action, ()):
                counts = self.counts.setdefault(theme[1:-1].decode(), Counter())
                counts.update(amounts)

    def merge(self, other: BudgetSummary) -> None:
        """Add the counts of ``other`` (the summary of other batches)."""
        for theme, counts in other.counts.items():
            self.counts.setdefault(theme, Counter()).update(counts)

    def themes(self) -> dict[str, ThemeBudgets]:
        """The statistics of each theme with at least one known budget, by theme IRI."""
        return {theme: _statistics(counts) for theme, counts in sorted(self.counts.items())}

    def lines(self) -> bytes:
        """The data set, its structure and one observation per theme, as sorted N-Triples."""
        data_set = f"<{self.base_iri}{DATA_SET}>"
        structure = f"<{self.base_iri}{DATA_SET}/structure>"
        triples = [
            (data_set, f"<{RDF}type>", f"<{QB}DataSet>"),
            (data_set, f"<{RDF}type>", f"<{CSKG}DerivedStatistics>"),
            (data_set, f"<{QB}structure>", structure),
            (data_set, f"<{RDFS}label>", nt_literal("Budgets des actions par thématique", "fr")),
            (data_set, f"<{RDFS}label>", nt_literal("Budgets of the actions by theme", "en")),
            (data_set, f"<{DCT}description>", nt_literal(DESCRIPTION_FR, "fr")),
            (data_set, f"<{DCT}description>", nt_literal(DESCRIPTION_EN, "en")),
            (structure, f"<{RDF}type>", f"<{QB}DataStructureDefinition>"),
        ]
        components = [("refTheme", "dimension"), *((m, "measure") for m, _, _ in _MEASURES)]
        for order, (name, role) in enumerate(components, start=1):
            component = f"<{self.base_iri}{DATA_SET}/structure/{name}>"
            triples += [
                (structure, f"<{QB}component>", component),
                (component, f"<{RDF}type>", f"<{QB}ComponentSpecification>"),
                (component, f"<{QB}{role}>", f"<{CSKG}{name}>"),
                (component, f"<{QB}order>", nt_literal(str(order), datatype=f"<{XSD}integer>")),
            ]
        for theme, found in self.themes().items():
            observation = f"<{self.base_iri}{DATA_SET}/{theme.rstrip('/').rsplit('/', 1)[-1]}>"
            triples += [
                (observation, f"<{RDF}type>", f"<{QB}Observation>"),
                (observation, f"<{QB}dataSet>", data_set),
                (observation, f"<{CSKG}refTheme>", f"<{theme}>"),
            ]
            for name, attribute, datatype in _MEASURES:
                value = getattr(found, attribute)
                lexical = str(value) if isinstance(value, int) else decimal_lexical(value)
                literal = nt_literal(lexical, datatype=f"<{datatype}>")
                triples.append((observation, f"<{CSKG}{name}>", literal))
        if not self.counts:
            return b""
        return "".join(f"{s} {p} {o} .\n" for s, p, o in sorted_nt(set(triples))).encode("utf-8")


DESCRIPTION_FR = (
    "Données dérivées, calculées par la conversion (cskg convert) à partir des budgets des "
    "actions de ce graphe, pas lues dans une fiche : pour chaque thématique, le nombre "
    "d'actions au budget connu, la somme, la médiane, le minimum et le maximum de leurs "
    "budgets, en euros. Une action compte dans chacune de ses thématiques."
)
DESCRIPTION_EN = (
    "Derived data, computed by the conversion (cskg convert) from the budgets of the actions "
    "of this graph, not read from a fiche: for each theme, the number of actions with a known "
    "budget, the sum, median, minimum and maximum of their budgets, in euros. An action counts "
    "in each of its themes."
)
