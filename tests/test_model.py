"""The field table is the one declaration the record, reader and render agree with."""

from __future__ import annotations

import dataclasses

from converter.model import COLUMNS, FIELDS, LAYOUT, Record
from converter.reader import HEADERS
from converter.text import fold


def test_record_attributes_are_the_columns_then_the_source() -> None:
    names = tuple(f.name for f in dataclasses.fields(Record))
    assert names == (*COLUMNS, "source")


def test_headers_are_distinct_once_folded() -> None:
    labels = [h for f in FIELDS for h in (f.header, *f.aliases)]
    assert len({fold(h) for h in labels}) == len(labels) == len(HEADERS)


def test_layout_writes_every_field_and_territory_twice() -> None:
    assert set(LAYOUT) == {f.name for f in FIELDS}
    assert LAYOUT.count("territory_scales") == 2
    assert len(LAYOUT) == len(FIELDS) + 1


def test_every_field_has_an_english_label() -> None:
    assert all(f.label_en for f in FIELDS)
