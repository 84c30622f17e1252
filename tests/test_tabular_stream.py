"""CSV and JSON Lines read as they come, and ``cskg parse`` written as it reads: the same
lines, records, errors and bytes as reading and writing whole files, in bounded memory."""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from converter import tabular
from converter.convert import convert, parse
from converter.errors import InputError
from converter.model import ParseResult
from converter.outputs import PARSE_REPORT_NAME, TABLE_NAMES
from converter.reader import read_text
from tests.conftest import SEED

# Line breaks of every kind, accents (bytes cut between two reads), quotes and commas.
PIECES = st.lists(st.sampled_from(["a", "é", "€", "𝄞", ",", '"', "\r", "\n", "\r\n", " "]))


@settings(max_examples=300, deadline=None)
@given(pieces=PIECES, chunk=st.integers(1, 9), bom=st.booleans())
def test_lines_read_in_pieces_are_the_lines_of_the_whole_text(
    pieces: list[str], chunk: int, bom: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    text = "".join(pieces)
    path = tmp_path_factory.mktemp("lines") / "a.csv"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    whole = path.read_text(encoding="utf-8-sig")  # how the files were read before
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tabular, "CHUNK", chunk)
        lines = list(tabular._lines(tabular._decoded(path)))
    assert lines == list(io.StringIO(whole, newline=""))


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(max_size=12),
    bad=st.sampled_from([b"\xe9", b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80"]),
    after=st.text(max_size=4),
    chunk=st.integers(1, 7),
    bom=st.booleans(),
)
def test_an_invalid_byte_is_named_where_decoding_the_whole_file_names_it(
    before: str,
    bad: bytes,
    after: str,
    chunk: int,
    bom: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data = (codecs.BOM_UTF8 if bom else b"") + before.encode("utf-8", "surrogatepass") + bad
    data += after.encode("utf-8", "surrogatepass")
    path = tmp_path_factory.mktemp("bad") / "a.jsonl"
    path.write_bytes(data)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        expected = f"pas en UTF-8 (octet {error.start})"
    else:  # the text itself held lone surrogates: not UTF-8 either way
        expected = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tabular, "CHUNK", chunk)
        with pytest.raises(InputError) as caught:
            tabular.read_jsonl(path)
    if expected is not None:
        assert caught.value.message == expected
    assert caught.value.path == str(path)


def _rows(result: ParseResult) -> tuple[list[object], list[object], list[object], int]:
    return result.records, result.rejected, result.warnings, result.fiches_found


def test_batches_add_up_to_the_whole_file_rejections_included(
    seed: ParseResult, tmp_path: Path
) -> None:
    records = [*seed.records]
    records[2] = replace(records[2], title="")  # rejected: no title
    csv_path, jsonl_path = tmp_path / "a.csv", tmp_path / "a.jsonl"
    csv_path.write_bytes(tabular.csv_bytes(records) + b",X\r\n")
    jsonl_path.write_bytes(tabular.jsonl_bytes(records) + b"{oops\n\n[1]\n")
    for path, read, batched, found in (
        (csv_path, tabular.read_csv, tabular.iter_csv, 26),
        (jsonl_path, tabular.read_jsonl, tabular.iter_jsonl, 27),
    ):
        whole = read(path)
        parts = list(batched(path, batch=4))
        assert [p.fiches_found for p in parts] == [4] * 6 + [found - 24]
        together = ParseResult()
        for part in parts:
            together.extend(part)
        assert _rows(together) == _rows(whole)
        assert whole.fiches_found == found and len(whole.rejected) == found - 24, path
        assert whole.records == records[:2] + records[3:]


def test_the_first_batch_comes_before_the_end_of_the_file_is_read(
    seed: ParseResult, tmp_path: Path
) -> None:
    """Streaming: a fault at the end of a file is met only after the batches before it."""
    path = tmp_path / "a.csv"
    path.write_bytes(tabular.csv_bytes(seed.records * 40) + b"\xff")
    parts = tabular.iter_csv(path, batch=10)
    assert len(next(parts).records) == 10
    with pytest.raises(InputError, match="pas en UTF-8"):
        list(parts)


def test_parse_writes_the_bytes_of_the_whole_tables_for_any_batch_size(
    seed: ParseResult, tmp_path: Path
) -> None:
    """What ``cskg parse`` wrote when it held every record: the tables of all the records and
    the report of the whole reading."""
    whole = read_text(SEED)
    for batch in (1, 4, 1000):
        out = tmp_path / str(batch)
        parsed, _ = parse([SEED], out, batch=batch)
        assert (out / "actions.csv").read_bytes() == tabular.csv_bytes(whole.records)
        assert (out / "actions.jsonl").read_bytes() == tabular.jsonl_bytes(whole.records)
        report = json.loads((out / PARSE_REPORT_NAME).read_text(encoding="utf-8"))
        assert report["parsed"] == parsed.records == 25
        assert report["warnings"] == [d.as_dict() for d in whole.warnings]
    # and the tables read back, batch by batch, write the same tables again
    for name in TABLE_NAMES:
        again = tmp_path / f"again-{name}"
        parse([tmp_path / "1" / name], again, batch=3)
        for other in TABLE_NAMES:
            assert (again / other).read_bytes() == (tmp_path / "1" / other).read_bytes()


def test_a_parse_failing_after_some_batches_keeps_the_previous_tables(
    seed: ParseResult, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    parse([SEED], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    broken = tmp_path / "broken.csv"
    broken.write_bytes(tabular.csv_bytes(seed.records) + b'"unclosed,\n' + b"\xff")
    with pytest.raises(InputError, match="pas en UTF-8"):
        parse([SEED, broken], out, batch=5)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary file left


def test_csv_rows_spanning_lines_keep_their_first_line_across_batches(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(tabular.CSV_COLUMNS)
        for number in range(5):
            writer.writerow(["", "S", "Lot", "deux\r\nlignes\rtrois"] + [""] * 100)
            writer.writerow([f"T{number}", "S"])
    rejected = [d.line for part in tabular.iter_csv(path, batch=2) for d in part.rejected]
    assert rejected == [2, 6, 10, 14, 18]


def test_convert_of_a_table_gives_the_bytes_of_reading_it_whole(
    seed: ParseResult, tmp_path: Path
) -> None:
    """Tables used to be converted as one batch: batches of the table change no output byte."""
    table = tmp_path / "a.csv"
    tabular.write_csv(seed.records, table)
    convert([table], tmp_path / "whole", batch=10**9, jobs=1)
    convert([table], tmp_path / "batched", batch=4, jobs=1)
    for name in ("actions.ttl", "actions.nt", "actions.jsonld", "report.json"):
        whole, batched = (tmp_path / run / name for run in ("whole", "batched"))
        assert whole.read_bytes() == batched.read_bytes(), name
