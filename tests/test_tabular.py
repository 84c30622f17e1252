"""JSON Lines and CSV: written from records, read back into the same records."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from converter.errors import InputError
from converter.model import FIELDS, Kind, ParseResult, Record, Source
from converter.reader import read_inputs
from converter.tabular import CSV_COLUMNS, read_csv, read_jsonl, write_csv, write_jsonl


def _sources(result: ParseResult) -> list[tuple[str, int, int]]:
    return [(r.source.file, r.source.first_line, r.source.last_line) for r in result.records]


def test_text_to_csv_to_records_gives_the_same_records(seed: ParseResult, tmp_path: Path) -> None:
    write_csv(seed.records, tmp_path / "actions.csv")
    back = read_csv(tmp_path / "actions.csv")
    assert back.records == seed.records
    assert _sources(back) == _sources(seed)
    assert back.fiches_found == 25 and back.rejected == [] and back.warnings == []


def test_text_to_jsonl_to_records_gives_the_same_records(seed: ParseResult, tmp_path: Path) -> None:
    write_jsonl(seed.records, tmp_path / "actions.jsonl")
    back = read_jsonl(tmp_path / "actions.jsonl")
    assert back.records == seed.records
    assert _sources(back) == _sources(seed)


def test_csv_has_one_row_per_action_and_joins_lists_with_pipes(
    seed: ParseResult, tmp_path: Path
) -> None:
    write_csv(seed.records, tmp_path / "actions.csv")
    with (tmp_path / "actions.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 25
    assert list(rows[0]) == list(CSV_COLUMNS)
    fete = next(r for r in rows if r["title"] == "Fête de quartier de Chennevières")
    assert fete["themes"] == (
        "intergénérationnel | Parentalité | Solidarité | Culture | mobilité / transport | Mixité sociale"
    )
    assert fete["end_reason"] == "Manifestation qui s'est déroulée le 20 juin 2015."
    assert fete["source_first_line"] == "1443"


def test_items_holding_pipes_and_backslashes_survive_csv(seed: ParseResult, tmp_path: Path) -> None:
    from dataclasses import replace

    odd = replace(seed.records[0], partners=("A | B", "C\\|D", "E\\"), themes=())
    write_csv([odd], tmp_path / "odd.csv")
    assert read_csv(tmp_path / "odd.csv").records == [odd]


def test_read_inputs_chooses_the_reader_by_suffix(seed: ParseResult, tmp_path: Path) -> None:
    write_csv(seed.records[:2], tmp_path / "a.csv")
    write_jsonl(seed.records[2:5], tmp_path / "b.jsonl")
    result = read_inputs([tmp_path / "a.csv", tmp_path / "b.jsonl"])
    assert result.records == seed.records[:5]
    assert result.fiches_found == 5


def test_csv_without_a_required_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("structure,departement\nX,Lot\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_csv(path)
    assert "title" in str(caught.value) and caught.value.line == 1


def test_csv_row_without_title_is_rejected_with_its_line(seed: ParseResult, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_csv(seed.records[:3], path)
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[2][0] = ""
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)
    result = read_csv(path)
    assert result.fiches_found == 3 and len(result.records) == 2
    (rejected,) = result.rejected
    assert "titre" in rejected.message
    assert rejected.line > 2  # the second data row starts after the first, which spans lines


def test_jsonl_bad_lines_are_rejected_and_the_others_kept(
    seed: ParseResult, tmp_path: Path
) -> None:
    good = json.dumps({"title": "T", "structure": "S", "departement": "Lot"}, ensure_ascii=False)
    wrong_type = json.dumps({"title": "T2", "structure": "S", "themes": "pas une liste"})
    path = tmp_path / "a.jsonl"
    path.write_text(f"{good}\n{{oops\n[1]\n{wrong_type}\n", encoding="utf-8")
    result = read_jsonl(path)
    assert result.fiches_found == 4 and len(result.records) == 1
    assert [d.line for d in result.rejected] == [2, 3, 4]
    assert "themes" in result.rejected[2].message


def test_every_field_is_written_under_its_own_column(tmp_path: Path) -> None:
    """Each field of ``model.FIELDS`` (the organiser as structure and département) has its
    column, in the order of the fiche, and each cell holds that field's value."""
    names = ["title"] + [
        n
        for f in FIELDS
        for n in (("structure", "departement") if f.kind is Kind.ORGANISER else (f.name,))
    ]
    lists = {f.name for f in FIELDS if f.kind is Kind.LIST}
    values = {n: (f"{n} un", f"{n} deux") if n in lists else f"valeur de {n}" for n in names}
    record = Record(**values, source=Source("f.txt", 3, 9))  # type: ignore[arg-type]
    write_csv([record], tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert header == [*names, "source_file", "source_first_line", "source_last_line"]
    (row,) = [dict(zip(header, r, strict=True)) for r in rows]
    for name in names:
        expected = f"{name} un | {name} deux" if name in lists else f"valeur de {name}"
        assert row[name] == expected, name
    assert (row["source_file"], row["source_first_line"], row["source_last_line"]) == (
        "f.txt",
        "3",
        "9",
    )
    write_jsonl([record], tmp_path / "a.jsonl")
    line = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    assert list(line) == [*names, "source"]
    assert all(line[n] == (list(values[n]) if n in lists else values[n]) for n in names)
    assert line["source"] == {"file": "f.txt", "first_line": 3, "last_line": 9}


def test_very_long_field_survives_the_csv_round_trip(seed: ParseResult, tmp_path: Path) -> None:
    from dataclasses import replace

    long = replace(seed.records[0], summary="x" * 300_000)
    write_csv([long], tmp_path / "long.csv")
    assert read_csv(tmp_path / "long.csv").records == [long]


def test_jsonl_with_huge_numbers_or_lone_surrogates_is_rejected_not_crashing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"title": "T", "structure": "S", "source": {"file": "f", "first_line": 1e400, "last_line": 2}}\n'
        '{"title": "\\ud800", "structure": "S"}\n',
        encoding="utf-8",
    )
    result = read_jsonl(path)
    assert result.fiches_found == 2 and len(result.records) == 1
    assert result.records[0].source.first_line == 1  # fell back to the JSONL line
    assert "non codable" in result.rejected[0].message and result.rejected[0].line == 2
