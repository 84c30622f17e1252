"""The hand-made tables of tests/data/expected/ (issue 16) agree with the fiches they were read
from, and the graph agrees with them: every commune link is one the table gives."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from converter.model import ParseResult
from converter.territory import load_cog
from converter.vocab import CSKG, PROV, VOCAB, load_vocabularies
from tests.conftest import SEED

EXPECTED = Path(__file__).parent / "data" / "expected"


def _rows(name: str) -> list[dict[str, str]]:
    with (EXPECTED / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


COMMUNES = _rows("communes.csv")
ORGANISATIONS = _rows("organisations.csv")
# Types that name one organisation for all France (or Europe) when no name is given.
NATIONAL = {
    "etat",
    "politique-de-la-ville",
    "france-travail",
    "union-europeenne",
    "fse",
    "feder",
    "fami",
}
LINES = SEED.read_text(encoding="utf-8").split("\n")


def test_every_fiche_has_one_commune_row(seed: ParseResult) -> None:
    assert [int(r["fiche_line"]) for r in COMMUNES] == [
        record.source.first_line for record in seed.records
    ]
    assert [r["structure"] for r in COMMUNES] == [record.structure for record in seed.records]


@pytest.mark.parametrize("row", ORGANISATIONS, ids=lambda r: f"{r['line']}-{r['mention'][:30]}")
def test_each_mention_is_written_on_its_line(row: dict[str, str]) -> None:
    text = LINES[int(row["line"]) - 1]
    separator = "," if row["mention"].startswith("Club de") else "…"
    for part in row["mention"].split(separator):
        assert part.strip() in text, (part, text)
    assert LINES[int(row["fiche_line"]) - 1] == "Actions"


def test_commune_evidence_is_written_on_its_line_and_in_the_departement() -> None:
    cog = load_cog()
    for row in COMMUNES:
        if row["commune"]:
            assert row["evidence"] in LINES[int(row["evidence_line"]) - 1], row
            assert cog.communes[row["commune"]].departement.code == row["departement"], row


def test_types_and_territories_exist() -> None:
    cog = load_cog()
    types = {
        concept.value.removeprefix(f"{VOCAB}types-organisations/")
        for concept in load_vocabularies().concepts["types-organisations"].values()
    }
    known = {
        "departement": cog.departements,
        "region": {d.region.code: d.region for d in cog.departements.values()},
        "commune": cog.communes,
        "epci": cog.epcis,
    }
    for row in ORGANISATIONS:
        if row["counted"] == "non":
            assert not row["type"] and not row["said_type"] and not row["role"], row
            continue
        assert row["type"] in types, row
        # what the fiche says, when it says less than the reader knows: never a guess
        assert row["said_type"] in ("", "non-precise") and row["said_type"] != row["type"], row
        assert row["role"] in ("partner", "funder"), row
        # identified by its territory, by its name, or unique in France (État, FAMI…)
        if row["type"] in NATIONAL:
            assert not row["territory"], row
        else:
            assert bool(row["territory"]) != bool(row["name"]), row
        if row["territory"]:
            level, _, code = row["territory"].partition(":")
            assert code in known[level], row


def test_every_commune_link_of_the_graph_is_the_tables(seed: ParseResult) -> None:
    """100 % precision: a structure is linked only to the commune the table gives it."""
    from converter.mapping import map_records

    expected = {r["structure"]: r["commune"] for r in COMMUNES}
    linked = {t["name"]: t["commune"] for t in map_records(seed.records).territories}
    wrong = {name: code for name, code in linked.items() if code and code != expected[name]}
    assert wrong == {}
    assert sum(1 for code in linked.values() if code) >= 5


def test_every_organisation_read_from_an_enumeration_is_one_of_the_tables(
    seed: ParseResult,
) -> None:
    """Issue 16: the members of a collective and the partners listed by their proper names
    alone (rule element-d-enumeration) are organisations the hand-made table names in the
    same fiche, with the same role: the rule adds no organisation the reader did not count."""
    from converter.mapping import map_records
    from converter.text import fold

    graph = map_records(seed.records)
    by_subject: dict[str, dict[str, str]] = {}
    for t in graph.triples:
        by_subject.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    actions = {s: int(p[CSKG + "firstLine"]) for s, p in by_subject.items()
               if CSKG + "firstLine" in p}  # fmt: skip
    found = []
    for subject, values in by_subject.items():
        if values.get(CSKG + "rule") == "element-d-enumeration":
            fiche = subject.rsplit("/association/", 1)[0] + "/fiche"
            role = "funder" if values[PROV + "hadRole"].endswith("funderRole") else "partner"
            found.append((actions[fiche], role, fold(values[CSKG + "evidenceText"])))
    counted = [r for r in ORGANISATIONS if r["counted"] == "oui"]
    assert len(found) >= 20
    for line, role, text in found:
        assert any(
            int(r["fiche_line"]) == line
            and r["role"] == role
            and (fold(r["name"] or r["mention"]) in text or text in fold(r["mention"]))
            for r in counted
        ), (line, role, text)
