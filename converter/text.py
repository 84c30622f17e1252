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
from collections.abc import Callable

# A bullet at the start of a line: hyphen, en/em dash, bullet or asterisk, then blanks.
BULLET = re.compile(r"^[-\u2010\u2011\u2012\u2013\u2014\u2022*][ \t\u00a0\u202f]*")


# Characters Unicode counts as letters that French text uses as apostrophes: punctuation here,
# like "'" and "’", so that fold and slug treat every apostrophe alike.
APOSTROPHE_LETTERS = "\u02bc\u02bb\u02b9\u02bd"
# Latin letters NFKD does not decompose, spelt in ASCII for slugs ("cœur" -> "coeur").
_LATIN_LETTERS = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


class _Table(dict[int, str | None]):
    """A ``str.translate`` table filled on first sight of each character: the per-character
    work runs once per distinct character instead of once per character read."""

    def __init__(self, rule: Callable[[str], str | None]) -> None:
        super().__init__()
        self.rule = rule

    def __missing__(self, code: int) -> str | None:
        found = self[code] = self.rule(chr(code))
        return found


def _letter(c: str) -> str | None:
    """What a key keeps of one character of decomposed text: accents dropped, apostrophe
    letters blank."""
    if c in APOSTROPHE_LETTERS:
        return " "
    return None if unicodedata.combining(c) else c


def _fold_char(c: str) -> str | None:
    kept = _letter(c)
    return kept if kept is not None and kept.isalnum() else None


def _slug_char(c: str) -> str | None:
    kept = _letter(c)
    return None if kept is None else (kept if kept.isalnum() else " ")


_FOLD, _SLUG = _Table(_fold_char), _Table(_slug_char)


def _decomposed(text: str) -> str:
    """``text`` decomposed and case-folded (accents become combining characters)."""
    return unicodedata.normalize("NFKD", text).casefold()


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case letters and digits only, accents removed: the key to compare labels.

    >>> fold("Conseil d’usagers") == fold("conseil d'usagers") == fold("Conseil dʼusagers")
    True
    """
    if text.isascii():
        return _NOT_ASCII_ALNUM.sub("", text.lower())
    return _decomposed(text).translate(_FOLD)


_NOT_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_bullet(text: str) -> str:
    """``text`` without one leading bullet and the blanks after it.

    >>> strip_bullet("- Solidarité"), strip_bullet("– Culture"), strip_bullet("- - x")
    ('Solidarité', 'Culture', '- x')
    """
    return BULLET.sub("", text, count=1)


def has_bullet(text: str) -> bool:
    return BULLET.match(text) is not None


@functools.lru_cache(maxsize=65536)
def slug(text: str, *, max_length: int = 80) -> str:
    """A readable IRI segment: ASCII lower-case words joined by "-", cut at a word boundary.

    Every character that is not a letter or digit separates words, whatever the apostrophe,
    dash or space typed: two texts that ``fold`` finds equal for such variants get one slug.
    Letters of other scripts are left out; text with no Latin letter or digit gets a short hash
    instead, so a slug is never empty.

    >>> slug("Fête de quartier de Chennevières"), slug("Un ou plusieurs partenaire(s)")
    ('fete-de-quartier-de-chennevieres', 'un-ou-plusieurs-partenaire-s')
    >>> slug("Conseil d’usagers") == slug("Conseil d'usagers") == "conseil-d-usagers"
    True
    >>> slug("Cœur de ville"), slug("💡")
    ('coeur-de-ville', 'x-76bf0cfe')
    """
    spelt = _decomposed(text).translate(_SLUG).translate(_LATIN_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", spelt).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) > max_length:
        cut = words[: max_length + 1]
        words = cut[: cut.rfind("-")] if "-" in cut else cut[:max_length]
    if words:
        return words
    return "x-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
