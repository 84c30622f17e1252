"""Morph-KGC user-defined functions for ``mapping.rml.ttl``: what RML templates cannot do.

Morph-KGC runs this file itself (``udfs=`` in its configuration) in its own environment,
without cskg installed, after defining the ``udf`` decorator: nothing here may import cskg.
The functions compute cskg's IRIs from the CSV's cells (``converter/mapping.py``: slugs and
INSEE codes rather than percent-encoded text), split its multi-valued cells (``converter/
tabular.py``: `` | `` with backslash escapes), and read the two numbers a simple rule finds.
``tests/test_benchmarks_compare.py`` checks ``slug`` and ``split_items`` against cskg's own.
"""

import csv
import functools
import hashlib
import os
import re
import sys
import types
import unicodedata
from collections.abc import Callable
from typing import Any

BASE = "https://w3id.org/cskg/id/"
VOCAB = "https://w3id.org/cskg/vocab/"
INSEE_GEO = "http://id.insee.fr/geo/"
F = "https://w3id.org/cskg/morph-kgc/function#"  # the ids the mapping calls these by
SEPARATOR = " | "

# As converter/text.py: apostrophe letters are blanks, some Latin letters spelt in ASCII.
APOSTROPHE_LETTERS = "\u02bc\u02bb\u02b9\u02bd"
LATIN_LETTERS = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
BUDGET = re.compile(r"^Budget global : (?P<value>\d+(?:[.,]\d+)?) €$")
STAFF = re.compile(r"^(?P<count>\d+)$")

# Morph-KGC runs this file anew for each function of each rule (``fnml_executer.load_udfs``),
# so an ``lru_cache`` would start empty every time, and an action's IRI would be computed once
# per rule that names it (30 of them). What is computed is kept in a module that survives.
KEPT: dict[str, dict[Any, Any]] = sys.modules.setdefault(
    "cskg_morph_kgc_kept", types.ModuleType("cskg_morph_kgc_kept")
).__dict__.setdefault("results", {})


def kept(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` computing once per arguments across the runs of this file."""
    results = KEPT.setdefault(function.__name__, {})

    @functools.wraps(function)
    def wrapper(*args: Any, **named: Any) -> Any:
        key = (args, tuple(sorted(named.items())))
        if key not in results:
            results[key] = function(*args, **named)
        return results[key]

    return wrapper


def letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(
        " " if c in APOSTROPHE_LETTERS else c for c in decomposed if not unicodedata.combining(c)
    )


@kept
def slug(text: str, max_length: int = 80) -> str:
    """cskg's IRI segment (``converter.text.slug``)."""
    spelt = "".join(c if c.isalnum() else " " for c in letters(text)).translate(LATIN_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) > max_length:
        cut = words[: max_length + 1]
        words = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
    if words:
        return words
    return "x-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def split_items(cell: str) -> list[str]:
    """The items of a multi-valued cell (``converter.tabular.split_items``)."""
    if not cell:
        return []
    items: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(cell):
        char = cell[index]
        if char == "\\" and index + 1 < len(cell):
            current.append(cell[index + 1])
            index += 2
        elif cell.startswith(SEPARATOR, index):
            items.append("".join(current))
            current = []
            index += len(SEPARATOR)
        else:
            current.append(char)
            index += 1
    items.append("".join(current))
    return items


def name_key(name: str) -> str:
    return "".join(c for c in letters(name) if c.isalnum())


@kept
def departement_codes() -> dict[str, str]:
    """Département name (folded) -> INSEE code, from the COG table cskg bundles: the benchmark
    names it in CSKG_COG_DEPARTEMENTS (data/cog/v_departement_AAAA.csv)."""
    with open(os.environ["CSKG_COG_DEPARTEMENTS"], encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    return {name_key(row["LIBELLE"]): row["DEP"] for row in rows} | {
        row["DEP"].lower(): row["DEP"] for row in rows
    }


def place(departement: str) -> str:
    """The structure's place in its IRI: the INSEE code, else as cskg when unknown."""
    if not departement:
        return "sans-departement"
    return departement_codes().get(name_key(departement)) or slug(departement)


@udf(fun_id=F + "structure", structure=F + "structure", departement=F + "departement")  # noqa: F821
@kept
def structure_iri(structure: str, departement: str) -> str:
    return f"{BASE}structure/{place(departement)}/{slug(structure)}"


@udf(  # noqa: F821
    fun_id=F + "action",
    title=F + "title",
    structure=F + "structure",
    departement=F + "departement",
    below=F + "below",
)
@kept
def action_iri(title: str, structure: str, departement: str, below: str = "") -> str:
    """The action's IRI, or that of a resource below it (``below``: "fiche", "budget")."""
    iri = f"{BASE}action/{place(departement)}/{slug(structure)}/{slug(title)}"
    return f"{iri}/{below}" if below else iri


@udf(  # noqa: F821
    fun_id=F + "budgetIri",
    title=F + "title",
    structure=F + "structure",
    departement=F + "departement",
    funding=F + "funding",
)
def budget_iri(title: str, structure: str, departement: str, funding: str) -> str | None:
    """The action's budget node, when it has a budget (none otherwise: no triple)."""
    return action_iri(title, structure, departement, "budget") if budget(funding) else None


@udf(fun_id=F + "departement", departement=F + "departement")  # noqa: F821
def departement_iri(departement: str) -> str | None:
    code = departement_codes().get(name_key(departement))
    return f"{INSEE_GEO}departement/{code}" if code else None


@udf(fun_id=F + "concepts", cell=F + "cell", scheme=F + "scheme")  # noqa: F821
@kept
def concept_iris(cell: str, scheme: str) -> list[str]:
    """One concept per item, named as cskg's vocabularies name theirs (the slug of the label)."""
    return [f"{VOCAB}{scheme}/{slug(item)}" for item in split_items(cell)]


@udf(fun_id=F + "items", cell=F + "cell")  # noqa: F821
def items(cell: str) -> list[str]:
    return split_items(cell)


@udf(fun_id=F + "budget", funding=F + "funding")  # noqa: F821
def budget(funding: str) -> str | None:
    """The amount of a funding text that is only « Budget global : N € » (cskg reads more)."""
    match = BUDGET.match(funding.strip())
    return match["value"].replace(",", ".") if match else None


@udf(fun_id=F + "staff", staffing=F + "staffing")  # noqa: F821
def staff_count(staffing: str) -> str | None:
    """The number of people of a staffing text that is only a number (cskg reads more)."""
    match = STAFF.match(staffing.strip())
    return str(int(match["count"])) if match else None
