"""Sets of actions written small, and the search index cut into shards of bounded size: what
lets a page of the action list load a few small files whatever the number of actions
(``facets.indexes`` writes them, ``static/actions.js`` reads them).

Actions are numbered in the list's order (0, 1, …). A set of them is a string, the shorter of
two spellings: ``l`` and the gaps between the sorted numbers in base 36, joined by ``.``
(``l0.k.f`` is {0, 20, 35}), or ``b`` and a bitmap in base 64 (bit ``i % 8`` of byte ``i // 8``
set when action ``i`` is in the set): never more than one bit per action.

The search index maps each folded word (``fold``) to the actions whose title or texts
hold it. It is cut by the words' first characters: a shard ``k`` holds the words starting with
``k``; one above ``limit`` bytes is split by one more character into shards ``k`` + c, and
``k``'s own file then holds only the union of its words' actions (a query word equal to ``k``
needs nothing else). A query word loads one file: the longest key it starts with.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NOT_WORD = re.compile(r"[\W_]+")


class _FoldedChars(dict[int, str]):
    """Each character as ``fold`` reads it, worked out on its first sight: folding is done
    character by character (case folding, decomposition, marks dropped), so a table of the
    characters met folds a text at ``str.translate``'s speed."""

    def __missing__(self, code: int) -> str:
        decomposed = _COMBINING.sub("", unicodedata.normalize("NFKD", chr(code).casefold()))
        folded = _NOT_WORD.sub(" ", decomposed.replace("œ", "oe").replace("æ", "ae"))
        self[code] = folded
        return folded


_FOLDED = _FoldedChars()


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, words separated by one space: what the
    search compares (``static/actions.js`` folds the query the same way).

    >>> fold("Écrivain PUBLIC, l'été à Saint-Étienne")
    'ecrivain public l ete a saint etienne'
    """
    return " ".join(text.translate(_FOLDED).split())


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


_SHORT = [_base36(n) for n in range(36**3)]  # gaps below 46,656, spelt once


def encode_ids(ids: Sequence[int]) -> str:
    """The sorted action numbers ``ids`` as a string (the shorter spelling).

    >>> encode_ids([0, 20, 35]), encode_ids(range(0, 40)), encode_ids([])
    ('l0.k.f', 'b//////8=', 'l')
    """
    if not ids:
        return "l"
    bitmap_chars = (ids[-1] // 8 + 3) * 4 // 3 + 1
    if len(ids) * 2 >= bitmap_chars:  # a listed number takes two characters at least
        return _bitmap(ids)
    gaps = [ids[0], *(b - a for a, b in zip(ids, ids[1:], strict=False))]
    listed = "l" + ".".join([_SHORT[g] if g < len(_SHORT) else _base36(g) for g in gaps])
    return listed if len(listed) <= bitmap_chars else _bitmap(ids)


def _bitmap(ids: Sequence[int]) -> str:
    bits = bytearray(ids[-1] // 8 + 1)
    for number in ids:
        bits[number >> 3] |= 1 << (number & 7)
    return "b" + base64.b64encode(bytes(bits)).decode("ascii")


def decode_ids(text: str) -> list[int]:
    """The action numbers of ``encode_ids``' string.

    >>> decode_ids("l0.2.1"), decode_ids(encode_ids(range(5, 900, 3)))[:3]
    ([0, 2, 3], [5, 8, 11])
    """
    if text.startswith("b"):
        bits = base64.b64decode(text[1:])
        return [i for i in range(len(bits) * 8) if bits[i >> 3] >> (i & 7) & 1]
    ids, at = [], 0
    for n, gap in enumerate(text[1:].split(".") if len(text) > 1 else []):
        at = int(gap, 36) if n == 0 else at + int(gap, 36)
        ids.append(at)
    return ids


# word → the increasing numbers of the texts holding it, 4 bytes a number (a list of Python
# ints takes 36: half a gigabyte at 100,000 actions)
Postings = dict[str, "array[int]"]


def add_words(found: Postings, number: int, text: str) -> None:
    """Note that text ``number`` (folded, words split by one space; numbers given in increasing
    order) holds its words."""
    for word in set(text.split()):
        ids = found.get(word)
        if ids is None:
            ids = found[word] = array("I")
        ids.append(number)


def postings(texts: Iterable[str]) -> Postings:
    """word → the sorted numbers of the texts (folded, words split by one space) holding it.

    >>> {word: list(ids) for word, ids in sorted(postings(["a b", "b"]).items())}
    {'a': [0], 'b': [0, 1]}
    """
    found: Postings = {}
    for number, text in enumerate(texts):
        add_words(found, number, text)
    return found


@dataclass(frozen=True)
class Shard:
    """One file of the search index: ``words`` (a leaf) or the union ``all`` (a split key)."""

    key: str
    words: dict[str, str] | None = None  # word → encoded ids
    all: str | None = None


def search_shards(index: Postings, limit: int) -> list[Shard]:
    """``index`` (word → ids) cut into shards of at most ``limit`` bytes each (but a shard of one
    word, which no split can cut), sorted by key; "" when everything fits in one.

    >>> [(s.key, sorted(s.words or {})) for s in search_shards(postings(["ab", "ac"]), 100)]
    [('', ['ab', 'ac'])]
    >>> [(s.key, sorted(s.words or {}), s.all) for s in search_shards(
    ...     postings(["ab", "ac", "b"]), 12)]
    [('a', [], 'l0.1'), ('ab', ['ab'], None), ('ac', ['ac'], None), ('b', ['b'], None)]
    """
    shards: list[Shard] = []
    spelt = {word: encode_ids(ids) for word, ids in index.items()}
    sizes = {word: len(word.encode()) + len(ids) + 6 for word, ids in spelt.items()}

    def cut(key: str, words: list[str]) -> None:
        if sum(sizes[w] for w in words) <= limit or all(len(w) <= len(key) for w in words):
            shards.append(Shard(key, words={w: spelt[w] for w in words}))
            return
        if key:
            union = sorted({n for w in words for n in index[w]})
            shards.append(Shard(key, all=encode_ids(union)))
        longer: dict[str, list[str]] = defaultdict(list)
        for word in words:  # the word equal to the key is in the key's union
            if len(word) > len(key):
                longer[word[: len(key) + 1]].append(word)
        for child in sorted(longer):
            cut(child, longer[child])

    cut("", sorted(index))
    return sorted(shards, key=lambda s: s.key)


def shard_file(key: str) -> str:
    """The file of the shard ``key``: its letters when they are ASCII letters and digits, else
    their UTF-8 bytes in hexadecimal (``static/actions.js`` names them the same way).

    >>> shard_file(""), shard_file("ec"), shard_file("ß")
    ('mots.js', 'mots-ec.js', 'mots-xc39f.js')
    """
    if not key:
        return "mots.js"
    plain = key.isascii() and key.isalnum() and key.lower() == key
    return f"mots-{key if plain else 'x' + key.encode().hex()}.js"


def script(call: str, *values: object) -> bytes:
    """``CSKG.call(value, …);``: a file a page opened from the disk can load (``file://``
    forbids fetching JSON, not a script)."""
    texts = [
        json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace(
            "</", "<\\/"
        )
        for v in values
    ]
    return f"CSKG.{call}({','.join(texts)});\n".encode()
