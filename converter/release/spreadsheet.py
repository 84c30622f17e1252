"""``actions.xlsx``: the rows of ``actions.csv`` (sheet « actions ») and of
``participations.csv`` (sheet « participations ») for people who open tables in a spreadsheet.

Every cell is written as text or number, never as a formula: a fiche whose text starts with
``=``, ``+``, ``-`` or ``@`` (bulleted lines do) stays text, marked with Excel's « quote prefix »
so that editing the cell does not turn it into one either. Written by XlsxWriter a row at a
time (``constant_memory``: the strings in line, nothing kept per row) straight into the file:
100,000 actions never sit in memory. Same rows, same bytes: the document dates come from the
configuration (or 1980-01-01) and XlsxWriter dates the zip entries 1980-01-01.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from converter.errors import OutputError
from converter.files import AtomicFile
from converter.release.participations import PARTICIPATIONS
from converter.release.tables import ACTIONS, Rows, Table

FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_CELL_LIMIT = 32_767
EPOCH = datetime.datetime(1980, 1, 1)
OPTIONS = {
    "constant_memory": True,
    # a string is a string: never read as a formula, a number or a link
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


class _Formats:
    """The four cell formats of the workbook, made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.bold = book.add_format({"bold": True})
        self.wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        self.quoted = book.add_format({"quote_prefix": True})
        self.quoted_wrapped = book.add_format(
            {"quote_prefix": True, "text_wrap": True, "valign": "top"}
        )

    def of(self, value: str) -> Format | None:
        quoted = value.startswith(FORMULA_STARTS)
        if "\n" in value:
            return self.quoted_wrapped if quoted else self.wrapped
        return self.quoted if quoted else None


def _sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    table: Table,
    rows: Rows,
    cut: list[str],
) -> None:
    sheet: Worksheet = book.add_worksheet(table.name)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, len(rows), len(table.columns) - 1)
    for column, spec in enumerate(table.columns):
        sheet.write_string(0, column, spec.name, formats.bold)
    numbers = [spec.datatype in ("integer", "decimal") for spec in table.columns]
    integers = [spec.datatype == "integer" for spec in table.columns]
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if not value:
                continue
            if numbers[column]:
                sheet.write_number(number, column, int(value) if integers[column] else float(value))
                continue
            if len(value) > EXCEL_CELL_LIMIT:
                where = f"ligne {number + 1} colonne {table.columns[column].name}"
                cut.append(where if table is ACTIONS else f"feuille {table.name} {where}")
                value = value[: EXCEL_CELL_LIMIT - 1] + "…"
            sheet.write_string(number, column, value, formats.of(value))


def write_workbook(
    target: Path,
    rows: Rows,
    title: str,
    date: str = "",
    participations: Rows = (),
) -> list[str]:
    """The workbook at ``target`` (put in place by one rename); the cells cut at Excel's limit
    of 32,767 characters (« ligne colonne »).

    :raises OutputError: ``target`` cannot be written.
    """
    cut: list[str] = []
    with AtomicFile(target) as scratch:
        book = xlsxwriter.Workbook(str(scratch.temporary), OPTIONS)
        formats = _Formats(book)
        _sheet(book, formats, ACTIONS, rows, cut)
        _sheet(book, formats, PARTICIPATIONS, participations, cut)
        columns = book.add_worksheet("colonnes")
        names = ("colonne", "titre", "title", "type", "sens", "feuille")
        for column, name in enumerate(names):
            columns.write_string(0, column, name, formats.bold)
        line = 1
        for table in (ACTIONS, PARTICIPATIONS):
            for spec in table.columns:
                texts = (spec.name, spec.title_fr, spec.title_en, spec.datatype, spec.description,
                         table.name)  # fmt: skip
                for column, text in enumerate(texts):
                    columns.write_string(line, column, text)
                line += 1
        when = datetime.datetime.fromisoformat(date) if date else EPOCH
        book.set_properties({"title": title, "author": "cskg", "created": when})
        try:
            book.close()
        except XlsxWriterException as error:  # it wraps the OSError of a full or broken disk
            raise OutputError(f"écriture impossible ({error})", path=str(target)) from None
    return cut
