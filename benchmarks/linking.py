"""Precision and recall of the linking (issue 16) against the hand-made tables.

    python benchmarks/linking.py [FICHES] [--expected DIR]

Converts the fiches (default: the example) with the library, then compares:
- communes: each structure's ``cskg:commune`` with ``tests/data/expected/communes.csv``
  (one row per fiche; a structure cited twice counts once);
- organisations: each action's (organisation, role) pairs, read from its
  ``prov:qualifiedAssociation`` nodes, with the rows of ``organisations.csv`` counted « oui ».
  Two match when their types are equal and their territories are (``departement:46`` …); an
  expected row without territory matches an organisation of its type without territory whose
  mention contains its name (folded), or any such organisation when the row has no name.
  The type expected is the one the fiche says (``said_type``: « non-precise » for a proper
  name the fiche never types, « la CIMADE »), else the table's ``type``: the figures of
  record. They are printed a second time against ``type`` alone (the reader's knowledge,
  which the fiche does not always give).
Prints the figures and every miss, so that a change of rule can be read in its effects.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.mapping import map_records  # noqa: E402
from converter.reader import read_inputs  # noqa: E402
from converter.text import fold  # noqa: E402

CSKG = "https://w3id.org/cskg/def#"
TYPES = "https://w3id.org/cskg/vocab/types-organisations/"
GEO = "http://id.insee.fr/geo/"
LEVELS = {"departement": "departement", "region": "region", "commune": "commune",
          "intercommunalite": "epci"}  # fmt: skip

QUERY = """
PREFIX cskg: <https://w3id.org/cskg/def#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?line ?org ?role ?type ?territory ?text WHERE {
  ?action a cskg:Action ; dct:source/cskg:firstLine ?line ; prov:qualifiedAssociation ?a .
  ?a prov:agent ?org ; prov:hadRole ?role ; cskg:evidenceText ?text .
  OPTIONAL { ?org dct:type ?type } OPTIONAL { ?org cskg:territory ?territory }
}"""


def _territory(iri: str) -> str:
    level, _, code = iri.removeprefix(GEO).partition("/")
    return f"{LEVELS[level]}:{code}"


def predicted(store: ox.Store) -> dict[tuple[int, str, str], dict[str, object]]:
    """(fiche line, organisation IRI, role) → type, territory and the mentions' texts."""
    found: dict[tuple[int, str, str], dict[str, object]] = {}
    solutions = store.query(QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        role = "funder" if row["role"].value.endswith("funderRole") else "partner"  # type: ignore[union-attr]
        key = (int(row["line"].value), row["org"].value, role)  # type: ignore[union-attr]
        entry = found.setdefault(key, {"texts": set()})
        entry["type"] = row["type"].value.removeprefix(TYPES) if row["type"] else ""  # type: ignore[union-attr]
        entry["territory"] = _territory(row["territory"].value) if row["territory"] else ""  # type: ignore[union-attr]
        entry["texts"].add(fold(row["text"].value))  # type: ignore[union-attr, attr-defined]
    return found


def _matches(expected: dict[str, str], guess: dict[str, object], *, known: bool = False) -> bool:
    kind = expected["type"] if known else expected["said_type"] or expected["type"]
    if kind != guess["type"]:
        return False
    if expected["territory"] or guess["territory"]:
        return expected["territory"] == guess["territory"]
    name = fold(expected["name"])
    texts: set[str] = guess["texts"]  # type: ignore[assignment]
    return not name or any(name in t or t in name for t in texts)


def score(
    rows: list[dict[str, str]],
    guesses: dict[tuple[int, str, str], dict[str, object]],
    *,
    known: bool = False,
) -> tuple[int, list[tuple[int, str, str, dict[str, object]]], list[dict[str, str]]]:
    """Right guesses, the guesses left (extras) and the rows left (misses)."""
    by_action: dict[tuple[int, str], list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_action[(int(row["fiche_line"]), row["role"])].append(row)
    used: set[int] = set()
    left = []
    for (line, org, role), guess in sorted(guesses.items()):
        candidates = by_action.get((line, role), [])
        hit = next((r for r in candidates
                    if id(r) not in used and _matches(r, guess, known=known)), None)  # fmt: skip
        if hit is None:
            left.append((line, org, role, guess))
        else:
            used.add(id(hit))
    return len(guesses) - len(left), left, [r for r in rows if id(r) not in used]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "fiches", nargs="?", default=str(ROOT / "data" / "actions_centres_sociaux.txt")
    )
    parser.add_argument("--expected", default=str(ROOT / "tests" / "data" / "expected"))
    args = parser.parse_args()
    expected_dir = Path(args.expected)
    parsed = read_inputs([args.fiches])
    graph = map_records(parsed.records)
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in graph.triples)

    with (expected_dir / "communes.csv").open(encoding="utf-8", newline="") as stream:
        communes = {
            (r["structure"], r["departement"]): r["commune"] for r in csv.DictReader(stream)
        }
    linked = {(t["name"], t["departement"] or ""): t["commune"] or "" for t in graph.territories}
    right = sum(1 for k, code in linked.items() if code and communes.get(k) == code)
    wrong = [(k, code) for k, code in linked.items() if code and communes.get(k) != code]
    wanted = sum(1 for code in communes.values() if code)
    print(f"communes : {right + len(wrong)} liées, {right} justes, {len(wrong)} fausses, "
          f"{wanted} attendues ; précision {_ratio(right, right + len(wrong))}, "
          f"rappel {_ratio(right, wanted)}")  # fmt: skip
    for key, code in wrong:
        print(f"  faux : {key[0]} → {code} (attendu : {communes.get(key) or 'aucune'})")

    with (expected_dir / "organisations.csv").open(encoding="utf-8", newline="") as stream:
        rows = [r for r in csv.DictReader(stream) if r["counted"] == "oui"]
    guesses = predicted(store)
    good, extras, misses = score(rows, guesses)
    print(f"organisations, type tel que la fiche le dit : {len(guesses)} trouvées, {good} "
          f"justes, {len(rows)} attendues ; précision {_ratio(good, len(guesses))}, "
          f"rappel {_ratio(good, len(rows))}")  # fmt: skip
    known, _, _ = score(rows, guesses, known=True)
    print(f"organisations, type tel que le lecteur le connaît : {known} justes ; précision "
          f"{_ratio(known, len(guesses))}, rappel {_ratio(known, len(rows))}")  # fmt: skip
    for line, org, role, guess in extras:
        print(f"  en trop : fiche {line} {role} {guess['type']} {guess['territory']} {org}")
    for row in misses:
        kind = row["said_type"] or row["type"]
        print(f"  manquée : fiche {row['fiche_line']} {row['role']} {kind} "
              f"{row['territory'] or row['name']} « {row['mention']} » (ligne {row['line']})")  # fmt: skip


def _ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


if __name__ == "__main__":
    main()
