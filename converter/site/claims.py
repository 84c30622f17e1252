"""The folders ``cskg serve`` builds its sites in, each claimed by a lock while it is being
written, so that what a build stopped by force left behind (gigabytes at 100,000 actions) is
removed at the next start, and the folder of a build still running never is.

A build's lock ``CACHE/.build-XXXX.lock`` is taken (``flock``) before its folder
``CACHE/.build-XXXX`` exists and released when the process and those it forked (which hold
the lock with it) have ended; everything in ``CACHE`` whose name starts, dots aside, with
``build-XXXX`` is that build's (``build.build_site`` writes ``..build-XXXX.*.tmp`` beside it).
A build folder without a lock was left by a cskg that took none: stale too.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from converter.errors import OutputError, reason

PREFIX = ".build-"
LOCK = ".lock"


def _stem(name: str) -> str:
    """The build a name of the cache belongs to, or "" when it is no build's.

    >>> _stem(".build-ab12"), _stem("..build-ab12.x9.tmp"), _stem(".build-ab12.lock"), _stem("f0")
    ('build-ab12', 'build-ab12', 'build-ab12', '')
    """
    bare = name.lstrip(".")
    if not name.startswith(".") or not bare.startswith(PREFIX[1:]):
        return ""
    return bare.removesuffix(LOCK).partition(".")[0]


@contextmanager
def claimed_folder(cache: Path) -> Iterator[Path]:
    """A new empty folder in ``cache`` to build a site in, locked while the block runs; what is
    left of it at the end (all of it, unless the block renamed it) is removed.

    :raises OutputError: ``cache`` cannot be written.
    """
    try:
        cache.mkdir(parents=True, exist_ok=True)
        while True:
            handle, name = tempfile.mkstemp(prefix=PREFIX, suffix=LOCK, dir=cache)
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:  # a sweep may have found it unlocked before the flock and removed it
                if os.stat(name).st_ino == os.fstat(handle).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(handle)
    except OSError as error:
        raise OutputError(f"écriture impossible ({reason(error)})", path=str(cache)) from None
    lock = Path(name)
    stem = _stem(lock.name)
    try:
        folder = cache / ("." + stem)
        try:
            folder.mkdir()
        except OSError as error:
            raise OutputError(f"écriture impossible ({reason(error)})", path=str(cache)) from None
        yield folder
    finally:
        _remove(cache, stem, lock)
        os.close(handle)


def remove_stale_builds(cache: Path) -> None:
    """Remove from ``cache`` what builds no process holds the lock of left behind."""
    try:
        names = sorted(path.name for path in cache.iterdir())
    except FileNotFoundError:
        return
    locked: set[str] = set()
    for name in names:
        if name.endswith(LOCK) and _stem(name):
            try:
                handle = os.open(cache / name, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                locked.add(_stem(name))  # being built
                os.close(handle)
                continue
            try:
                _remove(cache, _stem(name), cache / name)
            finally:
                os.close(handle)
    for name in names:
        stem = _stem(name)
        if stem and stem not in locked and not name.endswith(LOCK):
            _remove(cache, stem, None)  # a build folder of a cskg that took no lock


def _remove(cache: Path, stem: str, lock: Path | None) -> None:
    """Every file and folder of build ``stem`` in ``cache``, its lock last."""
    for path in cache.iterdir():
        if _stem(path.name) == stem and path != lock:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    if lock is not None:
        lock.unlink(missing_ok=True)
