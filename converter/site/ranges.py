"""Byte ranges of a file (RFC 9110 §14): what ``cskg serve`` answers to ``Range: bytes=…``, so
that a download of gigabytes cut off midway resumes where it stopped (``curl -C -``, a
browser's download manager) instead of starting again.

One range per request: a list of several (``bytes=0-9,20-29``) is answered with the whole
file, as the RFC allows a server to; so is a header that is not a byte range. A range that
starts past the end is unsatisfiable: 416.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_DIGITS = 18
_ONE_RANGE = re.compile(r"bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*", re.IGNORECASE)


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``first`` to ``last`` of a file of ``size`` bytes, both included."""

    first: int
    last: int
    size: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.size}"


class Unsatisfiable(Exception):
    """The range asked lies past the end of the file (416, ``Content-Range: bytes */size``)."""


def byte_range(header: str | None, size: int) -> ByteRange | None:
    """The one range of ``header`` (a ``Range`` value) within a file of ``size`` bytes, or None
    when the whole file is to be sent (no header, another unit, several ranges, bad syntax).

    >>> byte_range("bytes=0-99", 1000), byte_range("bytes=900-", 1000).length
    (ByteRange(first=0, last=99, size=1000), 100)
    >>> byte_range("bytes=-10", 1000).content_range, byte_range("bytes=990-5000", 1000).last
    ('bytes 990-999/1000', 999)
    >>> byte_range("bytes=0-9,20-29", 1000) is None, byte_range("lines=1-2", 1000) is None
    (True, True)
    >>> byte_range("bytes=10-" + "9" * 5000, 1000).last, byte_range("bytes=-" + "9" * 5000, 9)
    (999, ByteRange(first=0, last=8, size=9))

    :raises Unsatisfiable: the range starts at or past ``size``, or asks for the last 0 bytes.
    """
    if header is None:
        return None
    match = _ONE_RANGE.fullmatch(header.strip())
    if match is None:
        return None
    start, end = match.groups()
    if not start:
        if not end:
            return None  # "bytes=-": no range at all
        suffix = _number(end)
        if suffix == 0 or size == 0:
            raise Unsatisfiable(header)
        return ByteRange(max(size - suffix, 0), size - 1, size)
    first = _number(start)
    if end and _number(end) < first:
        return None  # an invalid range: ignored, the whole file sent
    if first >= size:
        raise Unsatisfiable(header)
    last = min(_number(end), size - 1) if end else size - 1
    return ByteRange(first, last, size)


def _number(digits: str) -> int:
    """A position of a range; above any file's size when longer than ``MAX_DIGITS`` (Python
    refuses to convert numbers of more than 4,300 digits, and no file has 10**18 bytes).

    >>> _number("0042"), _number("9" * 5000) > 10**17, _number("0" * 30 + "3")
    (42, True, 3)
    """
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_DIGITS else 10**MAX_DIGITS
