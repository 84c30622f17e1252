"""Read the fiche text format into records (``read_text``), and write it back (``render``).

A dump is a sequence of fiches. A fiche starts at a line ``Actions`` followed by its title and
then by one of its first headers (« - Structure organisatrice »), so a line ``Actions`` inside
free text never splits a fiche. Headers are lines ``- <label>`` from the closed set of
``model.FIELDS``, compared with ``text.fold`` (case, accents, spacing and punctuation ignored);
every other line is content of the section above it.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from converter import tabular
from converter.errors import InputError, reason
from converter.model import (
    BANNER,
    FICHE_START,
    FIELDS,
    FIELDS_BY_NAME,
    LAYOUT,
    TITLE_LABEL,
    Diagnostic,
    FicheField,
    Kind,
    ParseResult,
    Record,
    Source,
)
from converter.text import fold, has_bullet, strip_bullet

LINE_BREAK = re.compile(r"\r\n|\r|\n")
LINE_BREAK_BYTES = re.compile(rb"(\r\n|\r|\n)")
# The organiser line "NAME - Département" splits on the last dash surrounded by blanks.
ORGANISER_SEPARATOR = re.compile(r"\s+[-\u2013\u2014]\s+")

HEADERS: dict[str, FicheField] = {fold(h): f for f in FIELDS for h in (f.header, *f.aliases)}
# No header line is longer than this, blanks and punctuation variants included.
_LONGEST_HEADER = 2 * max(len(h) for f in FIELDS for h in (f.header, *f.aliases))
# Aliases may also be written without a bullet, as the dump does ("Partenaires d'action:").
BARE_HEADERS: frozenset[str] = frozenset(fold(a) for f in FIELDS for a in f.aliases)
# Headers that can follow the title line: what makes a line "Actions" the start of a fiche.
OPENING: frozenset[str] = frozenset({"structure", "files", "status"})
# Fields written more than once by design, merged silently.
REPEATED: frozenset[str] = frozenset({"territory_scales"})

MISSING_TITLE = "fiche sans titre : la ligne qui suit « Actions » est vide ou est une rubrique"
MISSING_STRUCTURE = "fiche sans structure organisatrice"


def header_of(line: str) -> FicheField | None:
    """The field whose header ``line`` is, or None when the line is content.

    >>> header_of("- Précision (si autre)").name
    'initiator_precision'
    >>> header_of("Partenaires d'action:").name, header_of("Résumé") is None
    ('partners', True)
    """
    stripped = line.strip()
    if not stripped or len(stripped) > _LONGEST_HEADER:  # most lines: content, decided at once
        return None
    return _header_of_stripped(stripped)


@functools.lru_cache(maxsize=65536)
def _header_of_stripped(stripped: str) -> FicheField | None:
    if has_bullet(stripped):
        return HEADERS.get(fold(strip_bullet(stripped)))
    key = fold(stripped)
    return HEADERS[key] if key in BARE_HEADERS else None


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CHUNK = 1 << 20  # bytes read at a time
BATCH = 1000  # fiches per batch


class _LineDecoder:
    """Bytes in, lines out: UTF-8 (with or without BOM), UTF-16 or UTF-32 with BOM, else
    Windows-1252 line by line.

    Lines that are not valid UTF-8 are read as Windows-1252 (a superset of Latin-1 for text),
    and a warning names them, so a file mixing both encodings loses nothing. Lines end at LF,
    CRLF or CR; trailing blanks are dropped.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.tail = b""
        self.lines = 0
        self.legacy: list[int] = []
        self.utf8_non_ascii = False
        self.started = False
        self.wide: str | None = None  # UTF-16 or UTF-32: decoded whole at the end
        self.whole = b""

    def feed(self, data: bytes, *, final: bool = False) -> list[str]:
        """:raises InputError: NUL bytes outside UTF-16/32 (a binary file), bad UTF-16/32."""
        if not self.started:
            data = self.tail + data
            if len(data) < 4 and not final:
                self.tail = data
                return []
            self.tail, self.started = b"", True
            self.wide = next((codec for bom, codec in BOMS if data.startswith(bom)), None)
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
        if self.wide:
            self.whole += data
            if not final:
                return []
            try:
                text = self.whole.decode(self.wide)
            except UnicodeDecodeError as error:
                raise InputError(
                    f"{self.wide.upper()} illisible ({error.reason})", path=self.path
                ) from None
            lines = [line.rstrip() for line in LINE_BREAK.split(text)]
            self.lines += len(lines)
            return lines
        data = self.tail + data
        hold = b""
        if not final and data.endswith(b"\r"):  # the CR of a CRLF cut between two reads
            data, hold = data[:-1], b"\r"
        if b"\x00" in data:
            before = data[: data.index(b"\x00")]
            line = self.lines + len(LINE_BREAK_BYTES.findall(before)) + 1
            raise InputError(
                "octet nul : fichier binaire, pas un texte de fiches", path=self.path, line=line
            )
        if final:
            body, self.tail = data, b""
        else:  # the complete lines; the last, unfinished one waits for the next read
            cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
            if cut < 0:
                self.tail = data + hold
                return []
            end = cut - 1 if data[cut - 1 : cut + 1] == b"\r\n" else cut
            body, self.tail = data[:end], data[cut + 1 :] + hold
        try:  # most chunks are valid UTF-8: decoded at once
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self._line_by_line(LINE_BREAK_BYTES.split(body)[::2])
        self.utf8_non_ascii = self.utf8_non_ascii or not body.isascii()
        lines = [line.rstrip() for line in LINE_BREAK.split(text)]
        self.lines += len(lines)
        return lines

    def _line_by_line(self, pieces: list[bytes]) -> list[str]:
        """Lines of a chunk that is not all UTF-8: each line in UTF-8 if it can be, else in
        Windows-1252 (or Latin-1), which the warnings name."""
        lines = []
        for piece in pieces:
            self.lines += 1
            try:
                text = piece.decode("utf-8")
                self.utf8_non_ascii = self.utf8_non_ascii or not piece.isascii()
            except UnicodeDecodeError:
                try:
                    text = piece.decode("cp1252")
                except UnicodeDecodeError:
                    text = piece.decode("latin-1")
                self.legacy.append(self.lines)
            lines.append(text.rstrip())
        return lines

    def warnings(self) -> list[Diagnostic]:
        if not self.legacy:
            return []
        shown = ", ".join(map(str, self.legacy[:8])) + (" …" if len(self.legacy) > 8 else "")
        if self.utf8_non_ascii:
            message = (
                f"encodages mélangés : lignes {shown} lues en Windows-1252, les autres en UTF-8"
            )
        else:
            message = f"fichier lu en Windows-1252 (il n'est pas en UTF-8) : lignes {shown}"
        return [Diagnostic(self.path, self.legacy[0], message)]


def _blocks(path: str | Path, decoder: _LineDecoder) -> Iterator[list[str]]:
    name = str(path)
    try:
        with Path(path).open("rb") as stream:
            while True:
                data = stream.read(CHUNK)
                final = not data
                yield decoder.feed(data, final=final)
                if final:
                    return
    except FileNotFoundError:
        raise InputError("fichier introuvable", path=name) from None
    except IsADirectoryError:
        raise InputError("c'est un dossier, pas un fichier", path=name) from None
    except OSError as error:
        raise InputError(f"lecture impossible ({reason(error)})", path=name) from None


def iter_text(path: str | Path, *, batch: int = BATCH) -> Iterator[ParseResult]:
    """Read a fiche dump in batches of about ``batch`` fiches, in bounded memory.

    The last batch carries the warnings about the file's encoding.

    :raises InputError: the file cannot be read or decoded.
    """
    splitter = _Splitter(str(path), batch)
    decoder = _LineDecoder(str(path))
    for lines in _blocks(path, decoder):
        yield from splitter.feed(lines)
    last = splitter.finish()
    last.warnings += decoder.warnings()
    yield last


def read_text(path: str | Path) -> ParseResult:
    """Read a whole fiche dump from ``path``.

    :raises InputError: the file cannot be read or decoded.
    """
    result = ParseResult()
    for part in iter_text(path):
        result.extend(part)
    return result


def parse_text(text: str, *, file: str = "<texte>") -> ParseResult:
    """Split ``text`` into fiches and read each one; never raises on content.

    >>> result = parse_text("Actions\\nTitre\\n- Structure organisatrice\\n- CS X - Sarthe\\n")
    >>> result.fiches_found, result.records[0].structure, result.records[0].departement
    (1, 'CS X', 'Sarthe')
    """
    splitter = _Splitter(file, batch=0)
    result = ParseResult()
    for part in splitter.feed([line.rstrip() for line in LINE_BREAK.split(text)]):
        result.extend(part)
    result.extend(splitter.finish())
    return result


class _Splitter:
    """Cuts a stream of lines into fiches, keeping only the fiche being read in memory.

    A fiche start is trusted once two filled lines follow it (what ``_fiche_starts`` needs
    to decide); a fiche is read once the next start is trusted, or at the end.
    """

    def __init__(self, file: str, batch: int) -> None:
        self.file = file
        self.batch = batch
        self.window: list[str] = []
        self.offset = 0  # line index, in the file, of window[0]
        self.seen_start = False
        self.stray = 0  # filled lines before the first fiche, banner excepted
        self.first_stray: tuple[int, str] | None = None
        self.any_filled = False
        self.result = ParseResult()

    def feed(self, lines: list[str]) -> Iterator[ParseResult]:
        self.window += lines
        self._cut(final=False)
        if self.batch and self.result.fiches_found >= self.batch:
            done, self.result = self.result, ParseResult()
            yield done

    def finish(self) -> ParseResult:
        self._cut(final=True)
        return self.result

    def _cut(self, *, final: bool) -> None:
        window = self.window
        starts = _fiche_starts(window)
        guard = len(window) if final else _guard(window)
        trusted = [s for s in starts if s[0] < guard]
        first = trusted[0][0] if trusted else (len(window) if final else guard)
        if not self.seen_start:
            self._outside(window[:first])
            if trusted or final:
                self._report_outside(bool(trusted))
            if not trusted:  # still before the first fiche: keep only the undecided lines
                self.window, self.offset = window[first:], self.offset + first
                return
            self.seen_start = True
        last = len(trusted) if final else len(trusted) - 1
        for number in range(last):
            start, title = trusted[number]
            end = trusted[number + 1][0] if number + 1 < len(trusted) else len(window)
            _FicheReader(window, start, end, self.file, self.result, title, self.offset).read()
        self.result.fiches_found += last
        if final:
            self.window = []
            return
        if trusted:
            keep = trusted[-1][0]
            self.window, self.offset = window[keep:], self.offset + keep

    def _outside(self, lines: list[str]) -> None:
        for index, line in enumerate(lines):
            if not line.strip():
                continue
            self.any_filled = True
            if fold(line) != fold(BANNER):
                self.stray += 1
                if self.first_stray is None:
                    self.first_stray = (self.offset + index + 1, line.strip())

    def _report_outside(self, found: bool) -> None:
        warnings = self.result.warnings
        if self.first_stray is not None:
            line, text = self.first_stray
            warnings.append(
                Diagnostic(
                    self.file,
                    line,
                    f"{self.stray} ligne(s) hors de toute fiche, ignorée(s) : « {text[:60]} »",
                )
            )
        if not found and not self.any_filled:
            warnings.append(Diagnostic(self.file, 1, "aucune fiche : le fichier est vide"))
        elif not found:
            warnings.append(
                Diagnostic(
                    self.file,
                    1,
                    "aucune fiche trouvée (une fiche commence par une ligne « Actions »)",
                )
            )


def _guard(lines: list[str]) -> int:
    """Index from which a fiche start cannot be decided yet: the third filled line from the end
    (a start needs two filled lines after it)."""
    filled = 0
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            filled += 1
            if filled == 3:
                return index
    return 0


_START_KEY = fold(FICHE_START)
_SHORT = 3 * len(FICHE_START)  # « Actions » with some blanks or punctuation around


def _next_filled(lines: list[str], i: int) -> int | None:
    """Index of the first non-blank line from ``i`` on."""
    while i < len(lines):
        if lines[i].strip():
            return i
        i += 1
    return None


def _fiche_starts(lines: list[str]) -> list[tuple[int, int | None]]:
    """Where fiches start: (index of the « Actions » line, index of the title line or None).

    A line « Actions » starts a fiche when the next filled line is one of the opening headers
    (no title), or is a title followed by one. Blank lines in between are allowed. A fiche
    titled « Actions » is read once: the scan resumes after the title it has taken.
    """
    starts: list[tuple[int, int | None]] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if len(line) <= _SHORT and fold(line) == _START_KEY and not has_bullet(line):
            first = _next_filled(lines, i + 1)
            found = header_of(lines[first]) if first is not None else None
            if first is not None and found is not None:
                if found.name in OPENING:
                    starts.append((i, None))
                    i = first
                    continue
            elif first is not None:
                second = _next_filled(lines, first + 1)
                opening = header_of(lines[second]) if second is not None else None
                if second is not None and opening is not None and opening.name in OPENING:
                    starts.append((i, first))
                    i = second
                    continue
        i += 1
    return starts


@dataclass
class _FicheReader:
    """Reads the lines ``[start, end)`` of one fiche into a record or a rejection."""

    lines: list[str]
    start: int
    end: int
    file: str
    result: ParseResult
    title_index: int | None
    offset: int = 0  # line index, in the file, of lines[0]
    sections: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    header_lines: dict[str, int] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    def warn(self, line: int, message: str, header: str = "") -> None:
        self.result.warnings.append(Diagnostic(self.file, line, message, header))

    def read(self) -> None:
        first_line = self.offset + self.start + 1
        body = self.start + 1
        title = ""
        if self.title_index is not None:
            title = self.lines[self.title_index].strip()
            body = self.title_index + 1
        if not title:
            self.problems.append(Diagnostic(self.file, first_line, MISSING_TITLE, TITLE_LABEL))
        self._split_sections(body)
        values: dict[str, str | tuple[str, ...]] = {"title": title}
        for f in FIELDS:
            values.update(self._value(f))
        last_line = max(
            (self.offset + i + 1 for i in range(self.start, self.end) if self.lines[i].strip()),
            default=first_line,
        )
        self._warn_missing_sections(last_line)
        if self.problems:
            reason = " ; ".join(p.message for p in self.problems)
            where = self.problems[0]
            label = f"« {title} »" if title else "sans titre"
            self.result.rejected.append(
                Diagnostic(self.file, where.line, f"fiche {label} rejetée : {reason}", where.field)
            )
            return
        source = Source(self.file, first_line, last_line, tuple(self.header_lines.items()))
        self.result.records.append(Record(**values, source=source))  # type: ignore[arg-type]

    def _split_sections(self, body: int) -> None:
        current: FicheField | None = None
        for index in range(body, self.end):
            line, number = self.lines[index], self.offset + index + 1
            stripped = line.strip()
            short = 0 < len(stripped) <= _LONGEST_HEADER  # long lines are content: decided at once
            found = _header_of_stripped(stripped) if short else None
            if found is not None:
                again = found.name in self.header_lines
                continuing = current is not None and current.name == found.name
                if again and not continuing and found.name not in REPEATED:
                    self.warn(
                        number,
                        f"rubrique répétée (déjà ligne {self.header_lines[found.name]}) : "
                        "contenus réunis",
                        found.header,
                    )
                self.header_lines.setdefault(found.name, number)
                self.sections.setdefault(found.name, [])
                current = found
                continue
            if current is None:  # unreachable: a fiche starts with one of its opening headers
                continue
            self.sections[current.name].append((number, line))
            if short and (near := _near_header(stripped)) is not None:
                self.warn(
                    number,
                    f"ressemble à la rubrique « {near} » sans en être une : gardée comme contenu",
                    current.header,
                )

    def _value(self, f: FicheField) -> dict[str, str | tuple[str, ...]]:
        raw = self.sections.get(f.name, [])
        if f.kind is Kind.TEXT:
            return {f.name: _text(raw)}
        items = self._items(raw, f)
        if f.kind is Kind.LIST:
            return {f.name: items}
        if len(items) > 1:
            self.warn(
                raw[0][0], f"{len(items)} valeurs pour une rubrique à valeur unique", f.header
            )
        if f.kind is Kind.LINE:
            return {f.name: "\n".join(items)}
        return self._organiser(items, f)

    def _items(self, raw: list[tuple[int, str]], f: FicheField) -> tuple[str, ...]:
        items: list[str] = []
        for number, line in raw:
            stripped = line.strip()
            if not stripped:
                continue
            if has_bullet(stripped):
                stripped = strip_bullet(stripped).strip()
                if not stripped:  # a lone "-": the dump's empty first option
                    continue
            else:
                self.warn(
                    number, "ligne sans tiret dans une liste : gardée comme élément", f.header
                )
            if stripped not in items:
                items.append(stripped)
        return tuple(items)

    def _organiser(self, items: tuple[str, ...], f: FicheField) -> dict[str, str | tuple[str, ...]]:
        line = self.header_lines.get(f.name, self.offset + self.start + 1)
        if not items:
            self.problems.append(Diagnostic(self.file, line, MISSING_STRUCTURE, f.header))
            return {"structure": "", "departement": ""}
        if len(items) > 1:
            self.warn(line, f"lignes en trop ignorées : « {' / '.join(items[1:])} »", f.header)
        structure, departement = split_organiser(items[0])
        if departement is None:
            self.warn(line + 1, "pas de département (attendu « NOM - Département »)", f.header)
            return {"structure": structure, "departement": ""}
        if not structure:
            self.problems.append(Diagnostic(self.file, line + 1, MISSING_STRUCTURE, f.header))
        return {"structure": structure, "departement": departement}

    def _warn_missing_sections(self, last_line: int) -> None:
        missing = [f.header for f in FIELDS if f.expected and f.name not in self.header_lines]
        if missing and self.header_lines:
            names = ", ".join(f"« {h} »" for h in missing)
            self.warn(last_line, f"rubriques absentes : {names} (fiche tronquée ?)")


def split_organiser(value: str) -> tuple[str, str | None]:
    """Structure name and département of an organiser line, split on its last " - ".

    >>> split_organiser("MPT-CS LES CAILLOLS - Synergie Family - Bouches-du-Rhône")
    ('MPT-CS LES CAILLOLS - Synergie Family', 'Bouches-du-Rhône')
    >>> split_organiser("CENTRE SOCIAL")
    ('CENTRE SOCIAL', None)
    """
    separators = list(ORGANISER_SEPARATOR.finditer(value))
    if not separators:
        return value, None
    last = separators[-1]
    return value[: last.start()].strip(), value[last.end() :].strip()


def _text(raw: list[tuple[int, str]]) -> str:
    lines = [line for _, line in raw]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


_HEADER_KEYS = {key: f.header for key, f in HEADERS.items()}


def _near_header(stripped: str) -> str | None:
    """The header that a short line (without its blank edges) nearly spells (a typo or a cut
    header), if any.

    Only bullet lines are looked at, and only against headers that start like them (a typo in
    the first four letters goes unnoticed): the check must stay cheap on every line.
    """
    if not has_bullet(stripped):
        return None
    return _near_key(fold(strip_bullet(stripped)))


@functools.lru_cache(maxsize=65536)
def _near_key(key: str) -> str | None:
    if len(key) < 4:
        return None
    cut = [header for k, header in _HEADER_KEYS.items() if len(key) >= 8 and k.startswith(key)]
    if cut:
        return cut[0]
    alike = [k for k in _HEADER_KEYS if k[:4] == key[:4]]
    close = difflib.get_close_matches(key, alike, n=1, cutoff=0.8)
    return _HEADER_KEYS[close[0]] if close else None


def render(records: Iterable[Record], *, banner: bool = True) -> str:
    """Write ``records`` in the fiche text format, as the dump lays them out.

    ``parse_text(render(records))`` gives the records back for any record whose texts are in
    the reader's normal form (no header lines inside free text, no blank edges).
    """
    lines = [BANNER] if banner else []
    for record in records:
        lines += _render_fiche(record)
    return "\n".join(lines) + "\n"


def _render_fiche(record: Record) -> list[str]:
    lines = [FICHE_START, record.title]
    for name in LAYOUT:
        f = FIELDS_BY_NAME[name]
        if f.kind is Kind.ORGANISER:
            organiser = record.structure
            if record.departement:
                organiser += " - " + record.departement
            lines += ["- " + f.header, "- " + organiser]
            continue
        value = getattr(record, name)
        ended = fold(record.status) == "terminee"
        if (
            not value
            and name in ("initiator_precision", "end_reason")
            and not (name == "end_reason" and ended)
        ):
            continue
        lines.append("- " + f.header)
        if f.marker:
            lines.append("-")
        lines += [*f.aliases]
        if f.kind is Kind.LIST:
            lines += ["- " + item for item in value]
        elif f.kind is Kind.LINE:
            lines += ["- " + item for item in value.split("\n") if item]
        elif value:
            lines += value.split("\n")
    return lines


def iter_inputs(paths: Iterable[str | Path], *, batch: int = BATCH) -> Iterator[ParseResult]:
    """Read fiche dumps in batches, or tables written by ``cskg parse`` (by suffix), one after
    the other.

    :raises InputError: a file cannot be read at all.
    """
    readers = {".csv": tabular.iter_csv, ".jsonl": tabular.iter_jsonl}
    for path in paths:
        reader = readers.get(Path(path).suffix.lower(), iter_text)
        yield from reader(path, batch=batch)


def read_inputs(paths: Iterable[str | Path]) -> ParseResult:
    """Read fiche dumps, or tables written by ``cskg parse`` (by suffix: .csv, .jsonl).

    :raises InputError: a file cannot be read at all.
    """
    result = ParseResult()
    for part in iter_inputs(paths):
        result.extend(part)
    return result
