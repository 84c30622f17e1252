"""Answers of SPARQL read queries kept per data fingerprint, so that a repeated query does not
run again (``cskg serve``'s ``/query``).

The data ``cskg serve`` answers from cannot change while it runs (``/update`` and ``/store``
answer 403): an answer is a function of the data, the query and the format asked. It is kept
under (fingerprint of the data files, the query with its comments dropped and its spaces
collapsed outside string literals, the other request parameters, the ``Accept`` header). A new
fingerprint empties the cache. Memory is bounded by the bytes of the bodies kept, the least
recently used answer leaving first; an answer larger than a quarter of the bound is not kept.
Twenty clients asking the same new query at once run it once: the others wait for its answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

DEFAULT_BYTES = 256 * 1024 * 1024

# SPARQL's tokens that may hold spaces or "#" that matter: IRIs and string literals (long and
# short, as the SPARQL 1.1 grammar writes them); then comments, spaces, and anything else.
_TOKEN = re.compile(
    r"""(?P<kept><[^<>"{}|^`\\\x00-\x20]*>"""
    r'''|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'''
    r"""|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|'(?:[^'\\\n\r]|\\.)*')"""
    r"""|(?P<comment>\#[^\n\r]*)|(?P<space>\s+)|(?P<quote>["'])|(?P<other>[^<"'\#\s]+|<)""",
    re.DOTALL,
)


def normalised_query(text: str) -> str:
    """``text`` without comments, each run of spaces outside IRIs and strings made one space:
    two queries with the same normalised text are the same query. A text whose quotes do not
    close is kept as it is (the server will refuse it).

    >>> normalised_query('# question\\nSELECT  *\\n WHERE { ?s ?p "a  #b" }  # fin\\n')
    'SELECT * WHERE { ?s ?p "a  #b" }'
    >>> normalised_query("SELECT * { ?s ?p 'ouvert }")
    "\\x00SELECT * { ?s ?p 'ouvert }"
    """
    parts: list[str] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "quote":
            return "\x00" + text  # cannot collide with a normalised text
        if kind == "comment" or kind == "space":
            if parts and parts[-1] != " ":
                parts.append(" ")
        else:
            parts.append(match.group())
    return "".join(parts).strip()


@dataclass(frozen=True)
class KeptAnswer:
    status: int
    content_type: str
    body: bytes


Key = tuple[str, str, tuple[tuple[str, str], ...], str]


def answer_key(
    fingerprint: str, query: str, parameters: Iterable[tuple[str, str]], accept: str
) -> Key:
    """The key of an answer: data, normalised query, other parameters (sorted), ``Accept``."""
    return (fingerprint, normalised_query(query), tuple(sorted(parameters)), accept.strip())


class AnswerCache:
    """Answers by key, least recently used first out, at most ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._kept: OrderedDict[Key, KeptAnswer] = OrderedDict()
        self._running: dict[Key, threading.Event] = {}
        self._fingerprint: str | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def answer(self, key: Key, run: Callable[[], KeptAnswer]) -> KeptAnswer:
        """The kept answer of ``key``, or ``run()``'s, kept when it is a success (200).

        :raises: whatever ``run`` raises (nothing is kept then).
        """
        while True:
            with self._lock:
                if key[0] != self._fingerprint:  # other data: nothing kept is right any more
                    self._kept.clear()
                    self.size = 0
                    self._fingerprint = key[0]
                found = self._kept.get(key)
                if found is not None:
                    self._kept.move_to_end(key)
                    self.hits += 1
                    return found
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    self.misses += 1
                    break
            running.wait()  # the same query is running: its answer is kept when it ends well
            with self._lock:
                if key not in self._kept and key not in self._running:
                    self._running[key] = threading.Event()
                    self.misses += 1
                    break  # it failed: run it here
        try:
            answer = run()
            if answer.status == 200:
                self._keep(key, answer)
            return answer
        finally:
            with self._lock:
                self._running.pop(key).set()

    def _keep(self, key: Key, answer: KeptAnswer) -> None:
        size = len(answer.body)
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if key[0] != self._fingerprint:
                return
            self._kept[key] = answer
            self.size += size
            while self.size > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self.size -= len(dropped.body)
