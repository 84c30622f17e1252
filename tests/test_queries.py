"""The query library: each query documents itself and answers as checked by hand on the seed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.convert import convert
from converter.vocab import PROJECT
from tests.conftest import SEED

QUERIES = PROJECT / "queries"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    folder = tmp_path_factory.mktemp("queries")
    convert([SEED], folder)
    store = ox.Store()
    store.load(path=str(folder / "actions.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def _rows(store: ox.Store, name: str) -> list[tuple[str, ...]]:
    solutions = store.query((QUERIES / f"{name}.rq").read_text(encoding="utf-8"))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n].value if s[n] is not None else "" for n in names) for s in solutions]  # type: ignore[union-attr]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_opens_with_its_question_parameters_and_columns(path: Path) -> None:
    head = path.read_text(encoding="utf-8").split("PREFIX", 1)[0]
    assert head.startswith("# Question : ") and "# Question: " in head
    assert "# Paramètres / parameters:" in head and "# Colonnes / columns:" in head


def test_actions_per_region(store: ox.Store) -> None:
    # Hand count from the départements of the 25 fiches (tests/test_territory.py table).
    counts = {code: int(n) for _, code, _, n in _rows(store, "actions-par-region")}
    assert counts == {
        "52": 5, "76": 5, "44": 5, "93": 2, "32": 2, "01": 2, "24": 1, "75": 1, "27": 1, "11": 1,
    }  # fmt: skip
    names = {code: name for _, code, name, _ in _rows(store, "actions-par-region")}
    assert names["11"] == "Île-de-France" and names["01"] == "Guadeloupe"


def test_structures_per_commune(store: ox.Store) -> None:
    rows = [
        (code, name, dep, n) for _, code, name, dep, n in _rows(store, "structures-par-commune")
    ]
    assert rows == [
        ("49007", "Angers", "49", "1"),
        ("57160", "Creutzwald", "57", "1"),
        ("59170", "Dechy", "59", "1"),
        ("68297", "Saint-Louis", "68", "1"),
        ("72003", "Allonnes", "72", "1"),
    ]
