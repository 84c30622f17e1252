"""Property: for any record in the reader's normal form, parse(render(record)) == record."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from converter.model import Record
from converter.reader import header_of, parse_text, render, split_organiser
from converter.tabular import csv_bytes, jsonl_bytes, read_csv, read_jsonl

# Any character but the three line breaks of the format and lone surrogates.
CHARS = st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n")


def _representable(line: str) -> bool:
    return header_of(line) is None and header_of("- " + line) is None


text_line = st.text(CHARS, max_size=30).map(str.rstrip).filter(_representable)
item = (
    st.text(CHARS, min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda s: bool(s) and _representable(s))
)
items = st.lists(item, max_size=4, unique=True).map(tuple)
line_value = st.one_of(st.just(""), item)


@st.composite
def free_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(text_line, max_size=5))
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


@st.composite
def records(draw: st.DrawFn) -> Record:
    title = draw(item)
    structure = draw(item)
    departement = draw(st.one_of(st.just(""), item))
    organiser = f"{structure} - {departement}" if departement else structure
    # an organiser line is representable when splitting it gives its two parts back
    if split_organiser(organiser) != (structure, departement or None):
        structure, departement = "CENTRE SOCIAL", departement and "Lot"
    values = {
        name: draw(items)
        for name in ("files", "themes", "initiators", "territory_scales", "publics", "partners")
    }
    values |= {name: draw(line_value) for name in ("status", "dimension")}
    texts = (
        "end_reason",
        "summary",
        "initiator_precision",
        "experience",
        "description",
        "funding",
        "staffing",
        "results_territory",
        "results_centre",
        "results_inhabitants",
        "limits",
        "perspectives",
    )
    values |= {name: draw(free_text()) for name in texts}
    return Record(title=title, structure=structure, departement=departement, **values)


@settings(max_examples=300, deadline=None)
@given(st.lists(records(), min_size=1, max_size=3))
def test_parse_of_render_gives_the_records_back(generated: list[Record]) -> None:
    result = parse_text(render(generated))
    assert result.rejected == []
    assert result.records == generated


@settings(max_examples=100, deadline=None)
@given(st.lists(records(), min_size=1, max_size=3))
def test_csv_and_jsonl_round_trip_any_record(tmp_path_factory, generated: list[Record]) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("rt")
    (folder / "a.csv").write_bytes(csv_bytes(generated))
    (folder / "a.jsonl").write_bytes(jsonl_bytes(generated))
    assert read_csv(folder / "a.csv").records == generated
    assert read_jsonl(folder / "a.jsonl").records == generated
