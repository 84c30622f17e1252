"""Atomic file output: a crash never leaves a half-written file behind."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from converter.errors import OutputError, missing_output, reason

COPY_PIECE = 1 << 20  # bytes read and written at a time by copy_atomically


def json_bytes(value: object) -> bytes:
    """Indented UTF-8 JSON, accents as written, with a final newline: the reports' format."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _current_umask()


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Readers see either the previous complete file or the new one, never a mix.

    :raises OutputError: the folder cannot be created or written.
    """
    with AtomicFile(path) as stream:
        stream.write(data)


def copy_atomically(source: str | Path, target: str | Path) -> None:
    """Copy ``source`` to ``target`` as ``write_atomically`` writes, a piece at a time: the
    data files of 100,000 fiches (gigabytes) never sit in memory.

    :raises OSError: ``source`` cannot be read (FileNotFoundError: it is absent).
    :raises OutputError: ``target`` cannot be written.
    """
    with open(source, "rb") as reader, AtomicFile(target) as stream:
        stream.copy_from(reader)


# Each file's digest by its path and state (size, modification and change times, device,
# inode): a process hashes a file once while it is unchanged (cskg serve fingerprinted the
# 2 GB of N-Triples of 100,000 actions twice at each start, for its site and its answers).
# The change time is set by the system at every write: no program puts it back.
_DIGESTS: dict[tuple[str, int, int, int, int, int], str] = {}


def file_state(path: str | Path) -> tuple[int, int, int, int, int]:
    """Size, modification and change times, device and inode of ``path``: while they are the
    same, so are its bytes.

    :raises OSError: the file cannot be read.
    """
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_dev, found.st_ino


def sha256_of(path: str | Path) -> str:
    """The hex SHA-256 of the file ``path``, read a piece at a time, once per process while
    the file is unchanged.

    :raises OSError: the file cannot be read.
    """
    before = (os.path.abspath(path), *file_state(path))
    known = _DIGESTS.get(before)
    if known is not None:
        return known
    with open(path, "rb") as reader:
        digest = hashlib.file_digest(reader, "sha256").hexdigest()
    if (before[0], *file_state(path)) == before:  # not kept for a file changed while read
        _DIGESTS[before] = digest
    return digest


class AtomicFile:
    """A file written piece by piece into a temporary file beside it, put in place by one
    rename when the ``with`` block ends without error (removed otherwise): until then, readers
    see the previous complete file. Output larger than memory goes through it.

    :raises OutputError: the folder cannot be created or written.
    """

    def __init__(self, path: str | Path) -> None:
        self.target = Path(path)
        with self._errors():
            self.target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".tmp"
            )
            self.temporary = Path(temporary)
            try:
                os.chmod(temporary, 0o666 & ~UMASK)  # mkstemp makes 0600; give the usual mode
                self.stream = os.fdopen(handle, "wb")
            except BaseException:
                os.close(handle)
                self.temporary.unlink(missing_ok=True)
                raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            raise OutputError(
                f"écriture impossible ({reason(error)})", path=str(self.target)
            ) from None

    def write(self, data: bytes) -> None:
        with self._errors():
            self.stream.write(data)

    def copy_from(self, reader: BinaryIO) -> None:
        """Write what ``reader`` holds, ``COPY_PIECE`` bytes at a time."""
        with self._errors():
            shutil.copyfileobj(reader, self.stream, COPY_PIECE)

    def commit(self) -> None:
        """Put the file in place, on disk first."""
        with self._errors():
            try:
                self.stream.flush()
                os.fsync(self.stream.fileno())
                self.stream.close()
                os.replace(self.temporary, self.target)
            except BaseException:
                self.abort()
                raise

    def abort(self) -> None:
        """Drop what was written: the previous file stays."""
        with suppress(OSError):  # flushing the dropped bytes may fail: they are dropped anyway
            self.stream.close()
        self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


class OutputSet:
    """Files replaced all at once: a run killed at any moment leaves the previous complete set
    or the new complete set, never a mix.

    The files are written into a new version folder (``.versions/`` inside the output folder);
    ``commit`` then swaps the symbolic link ``.versions/current`` to it in one rename, and every
    public name (``actions.ttl``…) is a symbolic link through ``current``. Files left by an
    earlier version of cskg as plain files are first adopted into a version of their own, so that
    they too are replaced in one step.
    """

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        self.names = names
        self.versions = folder / ".versions"
        try:
            self.versions.mkdir(parents=True, exist_ok=True)
            # one run at a time per folder: the lock goes with the process, even when killed
            self.lock = open(self.versions / "lock", "a")  # noqa: SIM115 - held until commit
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.lock.close()
                raise OutputError(
                    "une autre conversion écrit déjà dans ce dossier", path=str(folder)
                ) from None
            self._prune(keep=self._current())
            self.staging = Path(tempfile.mkdtemp(dir=self.versions, prefix="v-"))
            os.chmod(self.staging, 0o777 & ~UMASK)
        except OSError as error:
            raise OutputError(f"écriture impossible ({reason(error)})", path=str(folder)) from None

    def path(self, name: str) -> Path:
        return self.staging / name

    def _current(self) -> str | None:
        try:
            return os.readlink(self.versions / "current")
        except OSError:
            return None

    def _prune(self, keep: str | None) -> None:
        for entry in self.versions.iterdir():
            if entry.name not in ("current", "lock", keep) and not entry.name.endswith(".link"):
                shutil.rmtree(entry, ignore_errors=True)

    def _link(self, link: Path, target: str) -> None:
        temporary = link.with_name(link.name + ".link")
        temporary.unlink(missing_ok=True)
        os.symlink(target, temporary)
        os.replace(temporary, link)

    def commit(self) -> list[Path]:
        """Make the staged files the output, in one step; returns the public paths."""
        try:
            for name in self.names:
                with open(self.staging / name, "rb") as stream:
                    os.fsync(stream.fileno())
            self._adopt_plain_files()
            self._link(self.versions / "current", self.staging.name)
            for name in self.names:
                public = self.folder / name
                if not public.is_symlink():
                    self._link(public, f".versions/current/{name}")
            self._prune(keep=self.staging.name)
        except OSError as error:
            raise OutputError(
                f"écriture impossible ({reason(error)})", path=str(self.folder)
            ) from None
        finally:
            self.lock.close()
        return [self.folder / name for name in self.names]

    def _adopt_plain_files(self) -> None:
        plain = [
            n
            for n in self.names
            if (self.folder / n).is_file() and not (self.folder / n).is_symlink()
        ]
        if not plain:
            return
        adopted = Path(tempfile.mkdtemp(dir=self.versions, prefix="v-"))
        for name in self.names:  # the output as it is now, plain files and links alike
            if (self.folder / name).exists():
                os.link(self.folder / name, adopted / name)
        self._link(self.versions / "current", adopted.name)
        for name in plain:
            self._link(self.folder / name, f".versions/current/{name}")

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self.lock.close()


def fingerprint(files: Iterable[Path]) -> str:
    """sha256 of the names and bytes of ``files``.

    :raises InputError: a file is missing.
    """
    digest = hashlib.sha256()
    for path in files:
        try:
            content = sha256_of(path)  # a piece at a time: the graph may be gigabytes
        except OSError:
            raise missing_output(path) from None
        digest.update(path.name.encode() + b"\0" + bytes.fromhex(content))
    return digest.hexdigest()
