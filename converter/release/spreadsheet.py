"""``actions.xlsx``: the rows of ``actions.csv`` (sheet « actions ») and of
``participations.csv`` (sheet « participations ») for people who open tables in a spreadsheet.

Every cell is written as text or number, never as a formula: a fiche whose text starts with
``=``, ``+``, ``-`` or ``@`` (bulleted lines do) stays text, marked with Excel's « quote prefix »
so that editing the cell does not turn it into one either. Same rows, same bytes: the document
dates come from the configuration (or 1980-01-01) and the zip entries are dated 1980-01-01.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.xml.functions import tostring

from converter.release.participations import PARTICIPATIONS
from converter.release.tables import ACTIONS, Table

FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_CELL_LIMIT = 32_767
EPOCH = datetime.datetime(1980, 1, 1)
WRAPPED = Alignment(wrap_text=True, vertical="top")


def _bold(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _fixed_zip(data: bytes, replaced: dict[str, bytes]) -> bytes:
    """The same archive with every entry dated 1980-01-01 (openpyxl dates them now) and the
    entries of ``replaced`` swapped."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            content = replaced.get(info.filename) or source.read(info.filename)
            target.writestr(entry, content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _sheet(book: Workbook, table: Table, rows: Sequence[list[str]], cut: list[str]) -> None:
    sheet = book.create_sheet(table.name)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(rows) + 1}"
    sheet.append([_bold(sheet, c.name) for c in table.columns])
    for number, row in enumerate(rows, start=2):
        cells: list[WriteOnlyCell | None] = []
        for spec, value in zip(table.columns, row, strict=True):
            if not value:
                cells.append(None)
                continue
            if spec.datatype in ("integer", "decimal"):
                number_value = int(value) if spec.datatype == "integer" else float(value)
                cells.append(WriteOnlyCell(sheet, value=number_value))
                continue
            if len(value) > EXCEL_CELL_LIMIT:
                where = f"ligne {number} colonne {spec.name}"
                cut.append(where if table is ACTIONS else f"feuille {table.name} {where}")
                value = value[: EXCEL_CELL_LIMIT - 1] + "…"
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
            if "\n" in value:
                cell.alignment = WRAPPED
            cells.append(cell)
        sheet.append(cells)


def workbook_bytes(
    rows: list[list[str]],
    title: str,
    date: str = "",
    participations: Sequence[list[str]] = (),
) -> tuple[bytes, list[str]]:
    """The workbook, and the cells cut at Excel's limit of 32,767 characters (« ligne colonne »)."""
    book = Workbook(write_only=True)  # streamed: 100,000 rows stay small in memory
    cut: list[str] = []
    _sheet(book, ACTIONS, rows, cut)
    _sheet(book, PARTICIPATIONS, participations, cut)
    columns = book.create_sheet("colonnes")
    columns.append(
        [_bold(columns, name) for name in ("colonne", "titre", "title", "type", "sens", "feuille")]
    )
    for table in (ACTIONS, PARTICIPATIONS):
        for spec in table.columns:
            columns.append(
                [spec.name, spec.title_fr, spec.title_en, spec.datatype, spec.description,
                 table.name]  # fmt: skip
            )
    when = datetime.datetime.fromisoformat(date) if date else EPOCH
    book.properties.title = title
    book.properties.creator = "cskg"
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    book.save(buffer)  # sets the « modified » property to now: written again below
    book.properties.modified = when
    core = tostring(book.properties.to_tree(), encoding="utf-8", xml_declaration=True)
    return _fixed_zip(buffer.getvalue(), {"docProps/core.xml": core}), cut
