"""Records as JSON Lines and CSV, written and read back without loss.

CSV: one row per action, UTF-8, header row, the columns of ``model.COLUMNS`` then the source.
Multi-valued fields are joined with `` | ``; inside an item, ``\\`` and ``|`` are escaped with a
backslash so that any item survives the round trip.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from converter.errors import InputError, reason
from converter.files import write_atomically
from converter.model import COLUMNS, LIST_COLUMNS, Diagnostic, ParseResult, Record, Source

SEPARATOR = " | "
SOURCE_COLUMNS = ("source_file", "source_first_line", "source_last_line")
CSV_COLUMNS = COLUMNS + SOURCE_COLUMNS
REQUIRED = {"title": "titre", "structure": "structure organisatrice"}
CHUNK = 1 << 20  # bytes read at a time
csv.field_size_limit(sys.maxsize)  # a fiche's free text may exceed the default 128 KiB


def join_items(items: Iterable[str]) -> str:
    r"""One CSV cell for a list.

    >>> join_items(["Emploi, économie", "a | b", "c\\d"])
    'Emploi, économie | a \\| b | c\\\\d'
    """
    return SEPARATOR.join(item.replace("\\", "\\\\").replace("|", "\\|") for item in items)


def split_items(cell: str) -> tuple[str, ...]:
    r"""Inverse of ``join_items``.

    >>> split_items('Emploi, économie | a \\| b | c\\\\d')
    ('Emploi, économie', 'a | b', 'c\\d')
    """
    if not cell:
        return ()
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
    return tuple(items)


def record_to_json(record: Record) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in record.values().items()
    }
    source = record.source
    values["source"] = {
        "file": source.file,
        "first_line": source.first_line,
        "last_line": source.last_line,
    }
    return values


def jsonl_bytes(records: Iterable[Record]) -> bytes:
    lines = (json.dumps(record_to_json(r), ensure_ascii=False) + "\n" for r in records)
    return "".join(lines).encode("utf-8")


def csv_bytes(records: Iterable[Record], *, header: bool = True) -> bytes:
    """The CSV of ``records``; without its header row, the rows that follow another batch's."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(CSV_COLUMNS)
    for record in records:
        row = [
            join_items(value) if isinstance(value, tuple) else value
            for value in record.values().values()
        ]
        source = record.source
        writer.writerow([*row, source.file, source.first_line, source.last_line])
    return buffer.getvalue().encode("utf-8")


def write_jsonl(records: Iterable[Record], path: str | Path) -> None:
    write_atomically(path, jsonl_bytes(records))


def write_csv(records: Iterable[Record], path: str | Path) -> None:
    write_atomically(path, csv_bytes(records))


def _decoded(path: str | Path) -> Iterator[str]:
    """The text of a UTF-8 file, without its BOM, in pieces read one at a time.

    :raises InputError: the file cannot be read, or is not UTF-8 (the byte's position is
        counted after the BOM).
    """
    name = str(path)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes given to the decoder so far
    try:
        with Path(path).open("rb") as stream:
            head = stream.read(len(codecs.BOM_UTF8))
            data = (b"" if head == codecs.BOM_UTF8 else head) + stream.read(CHUNK)
            while True:  # ``data`` is empty at the end of the file only
                held = len(decoder.getstate()[0])  # the start of a character cut by the read
                try:
                    text = decoder.decode(data, final=not data)
                except UnicodeDecodeError as error:
                    where = offset - held + error.start
                    raise InputError(f"pas en UTF-8 (octet {where})", path=name) from None
                yield text
                if not data:
                    return
                offset += len(data)
                data = stream.read(CHUNK)
    except FileNotFoundError:
        raise InputError("fichier introuvable", path=name) from None
    except OSError as error:
        raise InputError(f"lecture impossible ({reason(error)})", path=name) from None


def _lines(pieces: Iterable[str]) -> Iterator[str]:
    """The lines of the text, each with its end but perhaps the last: CRLF and CR read as LF,
    as Python reads text files (and as these tables have always been read)."""
    newlines = io.IncrementalNewlineDecoder(None, translate=True)
    rest = ""
    for piece in pieces:
        text = rest + newlines.decode(piece)
        cut = text.rfind("\n") + 1
        yield from io.StringIO(text[:cut])
        rest = text[cut:]
    yield from io.StringIO(rest + newlines.decode("", final=True))


def _build(
    values: dict[str, Any], *, file: str, line: int, source: Source, result: ParseResult
) -> None:
    """Add a record made of ``values`` to ``result``, or reject it naming the faulty field."""
    result.fiches_found += 1
    problems: list[str] = []
    fields: dict[str, Any] = {}
    for name in COLUMNS:
        value = values.get(name)
        if name in LIST_COLUMNS:
            value = () if value is None else value
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                problems.append(f"{name} : liste de textes attendue")
                continue
            fields[name] = tuple(value)
        else:
            value = "" if value is None else value
            if not isinstance(value, str):
                problems.append(f"{name} : texte attendu")
                continue
            fields[name] = value
        if not all(
            _encodable(v) for v in (fields[name] if name in LIST_COLUMNS else [fields[name]])
        ):
            problems.append(f"{name} : texte invalide (caractère non codable en UTF-8)")
    problems += [f"{label} absent(e)" for name, label in REQUIRED.items() if not fields.get(name)]
    if problems:
        message = "enregistrement rejeté : " + " ; ".join(problems)
        result.rejected.append(Diagnostic(file, line, message))
        return
    result.records.append(Record(**fields, source=source))


def iter_jsonl(path: str | Path, *, batch: int) -> Iterator[ParseResult]:
    """Records of a JSON Lines file written by ``write_jsonl``, in batches of ``batch`` lines
    read as they come; bad lines are rejected.

    :raises InputError: the file cannot be read or is not UTF-8.
    """
    name = str(path)
    result = ParseResult()
    for number, end in enumerate(_lines(_decoded(path)), start=1):
        line = end.removesuffix("\n")
        if not line.strip():
            continue
        if result.fiches_found >= batch:
            yield result
            result = ParseResult()
        try:
            values = json.loads(line)
        except json.JSONDecodeError as error:
            result.fiches_found += 1
            result.rejected.append(Diagnostic(name, number, f"JSON invalide ({error.msg})"))
            continue
        if not isinstance(values, dict):
            result.fiches_found += 1
            result.rejected.append(Diagnostic(name, number, "objet JSON attendu"))
            continue
        source = _source(values.get("source"), name, number)
        _build(values, file=name, line=number, source=source, result=result)
    yield result


def _source(value: Any, file: str, line: int) -> Source:
    if isinstance(value, dict):
        try:
            return Source(str(value["file"]), int(value["first_line"]), int(value["last_line"]))
        except (KeyError, TypeError, ValueError, OverflowError):
            pass
    return Source(file, line, line)


def iter_csv(path: str | Path, *, batch: int) -> Iterator[ParseResult]:
    """Records of a CSV file written by ``write_csv``, in batches of ``batch`` rows read as
    they come.

    :raises InputError: the file cannot be read, lacks a required column, or is not CSV.
    """
    name = str(path)
    rows = csv.reader(_lines(_decoded(path)))
    try:
        yield from _read_rows(rows, name, batch)
    except csv.Error as error:
        raise InputError(f"CSV illisible ({error})", path=name, line=rows.line_num) from None


def _read_rows(rows: Any, name: str, batch: int) -> Iterator[ParseResult]:
    result = ParseResult()
    header = next(rows, None)
    if header is None:
        result.warnings.append(Diagnostic(name, 1, "aucune fiche : le fichier est vide"))
        yield result
        return
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(f"colonne(s) absente(s) : {', '.join(missing)}", path=name, line=1)
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        result.warnings.append(Diagnostic(name, 1, f"colonne(s) ignorée(s) : {', '.join(unknown)}"))
    for line, row in _numbered(rows):
        if not any(cell.strip() for cell in row):
            continue
        if result.fiches_found >= batch:
            yield result
            result = ParseResult()
        cells = dict(zip(header, row, strict=False))
        values: dict[str, Any] = {
            column: split_items(cells.get(column, ""))
            if column in LIST_COLUMNS
            else cells.get(column)
            for column in COLUMNS
        }
        try:
            source = Source(
                cells["source_file"],
                int(cells["source_first_line"]),
                int(cells["source_last_line"]),
            )
        except (KeyError, ValueError):
            source = Source(name, line, line)
        _build(values, file=name, line=line, source=source, result=result)
    yield result


def read_jsonl(path: str | Path) -> ParseResult:
    """The whole of ``iter_jsonl`` (small files, tests)."""
    return _whole(iter_jsonl(path, batch=sys.maxsize))


def read_csv(path: str | Path) -> ParseResult:
    """The whole of ``iter_csv`` (small files, tests)."""
    return _whole(iter_csv(path, batch=sys.maxsize))


def _whole(parts: Iterable[ParseResult]) -> ParseResult:
    result = ParseResult()
    for part in parts:
        result.extend(part)
    return result


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _numbered(rows: Any) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line where each starts (a row may span lines)."""
    line = rows.line_num + 1
    for row in rows:
        yield line, row
        line = rows.line_num + 1
