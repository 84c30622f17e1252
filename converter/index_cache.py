"""Indexes built from data files, kept in the user's cache by the fingerprint of those files
and of cskg's code: the COG index takes a second of CPU to build and a tenth to read back.

A cached index is only ever a copy of what building gives: its key covers every byte it is
built from (the data files, the package's source, the Python version), and a file that cannot
be read back as the expected type (truncated, corrupt, another format) is ignored and
rebuilt. Failing to write the cache is not an error: the next run builds again.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from converter.errors import OutputError
from converter.files import write_atomically
from converter.paths import user_cache

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent


def fingerprint(files: Iterable[Path]) -> str:
    """The digest of the names and contents of ``files``, of the package's source and of the
    Python version (pickles are read back by the same code only)."""
    digest = hashlib.sha256(sys.version.encode())
    sources = sorted(PACKAGE.rglob("*.py"))
    for path in [*sorted(files), *sources]:
        digest.update(f"\0{path.name}\0".encode("utf-8", "surrogateescape"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cached(name: str, files: Iterable[Path], build: Callable[[], T], kind: type[T]) -> T:
    """``build()``, or the copy of it cached for the same ``files`` and code (a file that
    cannot be read leaves ``build`` to say so)."""
    try:
        path = user_cache() / "index" / f"{name}-{fingerprint(files)[:32]}.pickle"
    except OSError:
        return build()  # build() says which file is missing or unreadable
    found = _read(path)
    if isinstance(found, kind):
        return found
    built = build()
    try:
        write_atomically(path, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, OutputError):
        pass  # a speed-up only
    return built


def _read(path: Path) -> object:
    """What ``path`` holds, or None when it cannot be read back."""
    # unpickling makes some 300,000 objects and no garbage: the collector's passes over them
    # would triple the time
    enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except Exception:  # noqa: BLE001 - any unreadable cache (truncated, foreign) is rebuilt
        return None
    finally:
        if enabled:
            gc.enable()
