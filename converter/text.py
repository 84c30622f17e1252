"""Text keys: the one place where labels are compared ignoring case, accents and punctuation.

>>> fold("Précision ( si autre )") == fold("precision (si autre)")
True
>>> fold("Qui est à l’initiative de l'action ?")
'quiestalinitiativedelaction'
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

# A bullet at the start of a line: hyphen, en/em dash, bullet or asterisk, then blanks.
BULLET = re.compile(r"^[-\u2010\u2011\u2012\u2013\u2014\u2022*][ \t\u00a0\u202f]*")


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case letters and digits only, accents removed: the key to compare labels."""
    if text.isascii():
        return _NOT_ASCII_ALNUM.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.casefold() if c.isalnum() and not unicodedata.combining(c))


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_bullet(text: str) -> str:
    """``text`` without one leading bullet and the blanks after it.

    >>> strip_bullet("- Solidarité"), strip_bullet("– Culture"), strip_bullet("- - x")
    ('Solidarité', 'Culture', '- x')
    """
    return BULLET.sub("", text, count=1)


def has_bullet(text: str) -> bool:
    return BULLET.match(text) is not None


def slug(text: str, *, max_length: int = 80) -> str:
    """A readable IRI segment: ASCII lower-case words joined by "-", cut at a word boundary.

    Text with no Latin letter or digit gets a short hash instead, so a slug is never empty.

    >>> slug("Fête de quartier de Chennevières"), slug("Un ou plusieurs partenaire(s)")
    ('fete-de-quartier-de-chennevieres', 'un-ou-plusieurs-partenaire-s')
    >>> slug("💡")
    'x-76bf0cfe'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) > max_length:
        cut = words[: max_length + 1]
        words = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
    if words:
        return words
    return "x-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
