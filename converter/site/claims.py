"""The folders sites are built in, each claimed by a lock while it is being written, so that
what a build stopped by force left behind (gigabytes at 100,000 actions) is removed at the
next start, and the folder of a build still running never is.

``cskg site -o DIR`` (and a store on disk, ``disk_store``) writes into ``.DIR.XXXXXXXX.tmp``
beside ``DIR``, locked (``flock`` on the folder itself) until it has been renamed ``DIR``
(``claimed_temporary``, ``replacing``); the next build of ``DIR`` removes those nobody holds,
and the previous version a build had moved aside (``.DIR.XXXXXXXX.old``) once ``DIR`` is in
place, or puts it back when ``DIR`` is missing (``remove_unclaimed_temporaries``).

``cskg serve`` builds in its cache:

A build's lock ``CACHE/.build-XXXX.lock`` is taken (``flock``) before its folder
``CACHE/.build-XXXX`` exists and released when the process and those it forked (which hold
the lock with it) have ended; everything in ``CACHE`` whose name starts, dots aside, with
``build-XXXX`` is that build's (``build.build_site`` writes ``..build-XXXX.*.tmp`` beside it).
A build folder without a lock was left by a cskg that took none: stale too.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from converter.errors import OutputError, reason

PREFIX = ".build-"
LOCK = ".lock"
TEMPORARY = ".tmp"
PREVIOUS = ".old"


def _stem(name: str) -> str:
    """The build a name of the cache belongs to, or "" when it is no build's.

    >>> _stem(".build-ab12"), _stem("..build-ab12.x9.tmp"), _stem(".build-ab12.lock"), _stem("f0")
    ('build-ab12', 'build-ab12', 'build-ab12', '')
    """
    bare = name.lstrip(".")
    if not name.startswith(".") or not bare.startswith(PREFIX[1:]):
        return ""
    return bare.removesuffix(LOCK).partition(".")[0]


def _opening(path: Path) -> int:
    """A descriptor to lock ``path`` with: a lock file open for writing (NFS emulates flock
    with fcntl locks, which want it), a folder for reading (all it can be opened for)."""
    return os.open(path, os.O_RDONLY if path.is_dir() else os.O_RDWR)


def _claimed(make: Callable[[], Path]) -> tuple[Path, int | None]:
    """A path made by ``make`` and a descriptor of it holding its lock, made anew when a sweep
    found it unlocked before the lock was taken and removed it; no descriptor where the file
    system cannot lock it (a folder on NFS): unclaimed then, so never swept (``_held``)."""
    while True:
        path = make()
        handle = _opening(path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            os.close(handle)
            return path, None
        try:
            if os.stat(path).st_ino == os.fstat(handle).st_ino:
                return path, handle
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)


def _held(path: Path) -> int | None:
    """A descriptor of ``path`` holding its lock, or None when another process holds it (or
    ``path`` is gone, cannot be opened, or cannot be locked on its file system)."""
    try:
        handle = _opening(path)
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        return None
    return handle


def _new_lock(cache: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=PREFIX, suffix=LOCK, dir=cache)
    os.close(handle)
    return Path(name)


@contextmanager
def claimed_folder(cache: Path) -> Iterator[Path]:
    """A new empty folder in ``cache`` to build a site in, locked while the block runs; what is
    left of it at the end (all of it, unless the block renamed it) is removed.

    :raises OutputError: ``cache`` cannot be written.
    """
    try:
        cache.mkdir(parents=True, exist_ok=True)
        lock, handle = _claimed(lambda: _new_lock(cache))
    except OSError as error:
        raise OutputError(f"écriture impossible ({reason(error)})", path=str(cache)) from None
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
        if handle is not None:
            os.close(handle)


def remove_stale_builds(cache: Path) -> None:
    """Remove from ``cache`` what builds no process holds the lock of left behind."""
    try:
        stems = sorted({_stem(path.name) for path in cache.iterdir()} - {""})
    except OSError:
        return
    for stem in stems:
        lock = cache / f".{stem}{LOCK}"  # looked up anew: a listing may miss a lock made during it
        if not lock.exists():
            _remove(cache, stem, None)  # left by a cskg that took no lock
        elif (handle := _held(lock)) is not None:
            try:
                _remove(cache, stem, lock)
            finally:
                os.close(handle)


def _remove(cache: Path, stem: str, lock: Path | None) -> None:
    """Every file and folder of build ``stem`` in ``cache``, then ``lock``; no other lock."""
    for path in cache.iterdir():
        if _stem(path.name) == stem and not path.name.endswith(LOCK):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    if lock is not None:
        lock.unlink(missing_ok=True)


@contextmanager
def claimed_temporary(output: Path) -> Iterator[Path]:
    """A new empty folder beside ``output`` to write its next version in, locked while the
    block runs (and by the processes it forks, which share the lock until they end).

    :raises OSError: the folder cannot be made.
    """
    temporary, handle = _claimed(
        lambda: Path(
            tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.", suffix=TEMPORARY)
        )
    )
    try:
        yield temporary
    finally:
        if handle is not None:
            os.close(handle)


@contextmanager
def replacing(output: Path, *, marker: str) -> Iterator[Path]:
    """A new empty folder beside ``output`` whose content replaces ``output`` at once when the
    block ends without error (the previous version is removed after the swap); on an error
    or an interruption it is removed and ``output`` stays as it was. What builds stopped by
    force left beside ``output`` is removed first; every version holds ``marker``.

    :raises OSError: the folder cannot be made, or the swap failed.
    """
    remove_unclaimed_temporaries(output, marker=marker)
    with claimed_temporary(output) as temporary:
        previous = temporary.with_suffix(PREVIOUS)
        try:
            yield temporary
            os.chmod(temporary, 0o755)  # for reading, whatever the umask
            if output.exists():
                os.replace(output, previous)
            os.replace(temporary, output)
        except BaseException:
            if previous.exists() and not output.exists():  # stopped between the renames
                os.replace(previous, output)
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    shutil.rmtree(previous, ignore_errors=True)


def remove_unclaimed_temporaries(output: Path, *, marker: str) -> None:
    """Remove beside ``output`` the temporary folders of its builds that no process holds. A
    previous site moved aside (``.old``, holding ``marker`` as every site does) while its
    build's temporary folder is not held any more is removed when ``output`` is in place, and
    put back as ``output`` when the build stopped between its two renames. Only names as
    ``claimed_temporary`` makes them (8 random characters) are looked at: a folder of the
    user's such as ``.site.backup.old`` is never touched."""
    pattern = re.compile(re.escape(f".{output.name}.") + r"[a-z0-9_]{8}(\.tmp|\.old)")
    try:
        names = sorted(p.name for p in output.parent.iterdir() if pattern.fullmatch(p.name))
    except OSError:
        return
    for name in names:
        path = output.parent / name
        if name.endswith(PREVIOUS):
            if (path / marker).is_file() and not _swapping(path.with_suffix(TEMPORARY)):
                if not output.exists():
                    with suppress(OSError):  # left where it is, then
                        os.replace(path, output)
                else:
                    shutil.rmtree(path, ignore_errors=True)
            continue
        handle = _held(path)
        if handle is not None:
            try:
                shutil.rmtree(path, ignore_errors=True)
            finally:
                os.close(handle)


def _swapping(temporary: Path) -> bool:
    """Whether the build of ``temporary`` is running, between its two renames maybe."""
    if not temporary.exists():
        return False
    handle = _held(temporary)
    if handle is None:
        return True
    os.close(handle)
    return False
