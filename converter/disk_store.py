"""Stores on disk (RocksDB, through pyoxigraph): loaded a piece at a time, so that memory stays
bounded whatever the size of the data, kept while their files do not change, replaced whole
when they do.

``cskg serve --store DIR`` and ``cskg query --store DIR`` use one; ``cskg query`` keeps one by
itself beside data too large for memory (``DATA/.cskg-store``, ``data_store``), as do
``cskg release`` and ``cskg site``. A store folder
holds the fingerprint of its files (``FINGERPRINT``). Two locks beside it keep it whole:

- ``.DIR.lock``, held shared by every process using the store until it ends, exclusive only by
  the process swapping a new version in: no store changes under a reader;
- ``.DIR.load.lock``, held by the process loading a new version beside the store (and by
  those about to load one, who wait for it and then find the store loaded): the same data are
  loaded once, and the readers of the current version go on meanwhile.

The locks are taken in one order, the load lock then the use lock, and a process never waits
for the load lock while it holds the use lock: two commands never wait for each other. (A
library caller using two stores for its whole life, and loading each while the other process
uses it, could: the command line uses one store per process.) The store beside large data
that ``cskg query`` and ``cskg release`` keep by themselves is not waited for while another
process uses it with other data (at most ``SWAP_PATIENCE`` seconds for one that came during
the load): they read in memory then (``StoreBusy``).
"""

from __future__ import annotations

import errno
import fcntl
import itertools
import os
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from converter.errors import InputError, OutputError, UsageError, reason
from converter.files import file_state, fingerprint, write_atomically
from converter.outputs import GRAPH_NAME
from converter.paths import ONTOLOGY_FILE
from converter.query import local_store
from converter.serialise import reading_rdf
from converter.site.claims import replacing
from converter.vocab import vocabulary_files

FINGERPRINT = "cskg-fingerprint"
# The fingerprint again, with each file's path, size, modification and change times and inode:
# while they are unchanged, the fingerprint is read rather than computed (hashing the 2 GB of
# N-Triples of 100,000 actions took 2 s of each reused query). The system sets the change time
# at every write: no program puts it back.
FILES = "cskg-files"
AUTOMATIC = ".cskg-store"  # the store cskg query keeps beside large data
# Above this size of graph, cskg query keeps a store on disk: in memory the store takes about
# 4.5 times its Turtle (3,560 MiB for 844 MiB at 100,000 actions, benchmarks/RESULTS.md).
IN_MEMORY_LIMIT = 128 << 20
PIECE = 64 << 20  # bytes of N-Triples per bulk load: 513 MiB at most at 100,000 actions
# Seconds the store beside the data waits at its swap for a user of the old data who came
# during the load (a query, ended in seconds) before the load is given up for memory.
SWAP_PATIENCE = 15.0
BATCH = 300_000  # statements per bulk load from the other formats (parsed one by one)
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
BLANK = b"_:"  # how a blank node starts in N-Triples (or, harmlessly, a literal holding it)
_LOCKS: dict[Path, int] = {}  # the use lock's descriptor of each store this process uses
Announce = Callable[[str], None]


def silent(message: str) -> None:
    """Tell nothing (library callers)."""


def load_on_disk(
    location: Path, files: list[Path], *, piece: int = PIECE, batch: int = BATCH
) -> None:
    """Load ``files`` into a new store at ``location``, at most ``piece`` bytes of N-Triples or
    N-Quads (cut between lines) or ``batch`` statements of another format at a time, then
    compact it (the queries read fewer files). Blank nodes are those of one file each, as in
    memory (``query.local_store``): a bulk load would make two of one node cut between two
    pieces, so a file is parsed statement by statement from its first piece holding one.

    :raises InputError: a file is missing or is not valid RDF.
    :raises OutputError: the store cannot be written (a full disk).
    """
    store = ox.Store(str(location))
    try:
        for path in files:
            with reading_rdf(path) as fmt, path.open("rb") as source:
                before: int | None = 0  # lines bulk-loaded before the parse takes over
                if fmt in LINE_FORMATS:
                    before = _load_lines(store, source, fmt, piece, location)
                if before is not None:
                    statements = ox.parse(source, format=fmt, rename_blank_nodes=True)
                    try:
                        while some := list(itertools.islice(statements, batch)):
                            _write(store.bulk_extend, some, location=location)
                    except SyntaxError as error:
                        _shift(error, before)
                        raise
        _write(store.optimize, location=location)
    finally:
        del store  # closed: the folder may be renamed or removed


def _load_lines(
    store: ox.Store, source: BinaryIO, fmt: ox.RdfFormat, piece: int, location: Path
) -> int | None:
    """Bulk-load ``source`` a piece at a time up to its first piece holding a blank node,
    left at the start of that piece; the lines loaded before it (None when there is none).
    A syntax error tells its line in the file."""
    before = 0
    while lines := source.read(piece):
        lines += source.readline()
        if BLANK in lines:
            source.seek(-len(lines), os.SEEK_CUR)
            return before
        try:
            _write(store.bulk_load, lines, format=fmt, location=location)
        except SyntaxError as error:
            _shift(error, before)
            raise
        before += lines.count(b"\n")
    return None


def _shift(error: SyntaxError, lines: int) -> None:
    """Make the line of ``error``, counted from a piece, the line in its file."""
    if isinstance(error.lineno, int):
        error.lineno += lines


def _write(
    action: Callable[..., object], *arguments: object, location: Path, **options: object
) -> None:
    """Run a store's write ``action``; a failure of the store (not of the data) is an
    OutputError, kept apart from the reading errors of the file being loaded."""
    try:
        action(*arguments, **options)
    except OSError as error:
        raise OutputError(
            f"écriture du magasin impossible ({reason(error)})", path=str(location)
        ) from None


def prepare_store(
    location: Path, files: list[Path], *, announce: Announce = silent, wait: bool = True
) -> bool:
    """Have the store at ``location`` hold ``files`` (each in its ``loading_form``), loading
    it when it does not already; True when it was reused. ``announce`` is told, in French,
    of a wait and of a load (a minute at 100,000 actions) before they begin. This process
    holds the store's use lock shared from then on, until it ends: the store cannot be
    replaced while it is in use. A store another process uses with other data is replaced
    once that process has ended; without ``wait``, the load is not even begun (``StoreBusy``).

    :raises UsageError: ``location`` is a file, or a non-empty folder that is not a cskg store.
    :raises InputError: a file is missing or is not valid RDF.
    :raises StoreBusy: without ``wait``, another process uses the store with other data.
    :raises OutputError: the store or its locks cannot be written.
    """
    location = resolved(location)  # a link is followed: the store is where it points
    if location.exists() and not location.is_dir():
        raise UsageError(f"{location} est un fichier, pas un magasin cskg : choisissez --store")
    files = [loading_form(path) for path in files]
    wanted, stated = _wanted(location, files)
    use = _Lock.of(location, "lock")
    if _in_use(location, use, wanted, announce):
        _record(location, wanted, stated)  # held shared: no swap meanwhile
        return True
    with _Lock.of(location, "load.lock", keep=False) as load:
        load.take(fcntl.LOCK_EX, announce, f"attente : un autre processus cskg charge {location}")
        if _in_use(location, use, wanted, announce):  # loaded meanwhile by that process
            return True
        _check_is_store(location)  # no swap can happen now: this process holds the load lock
        busy = f"le magasin {location} sert à un autre processus cskg"
        if not wait and not use.try_take(fcntl.LOCK_EX):
            raise StoreBusy(BUSY, path=str(location))
        use.release()
        announce(f"chargement du magasin sur disque {location} (une fois pour ces données)")
        try:
            with replacing(location, marker=FINGERPRINT) as temporary:
                try:
                    load_on_disk(temporary, files)
                except OutputError as error:  # told of the store, not of its temporary copy
                    raise OutputError(error.message, path=str(location)) from None
                write_atomically(temporary / FINGERPRINT, wanted.encode())
                _record(temporary, wanted, stated)
                # a user of the old data came during the load: a query ends in seconds
                if not wait and not use.try_take(fcntl.LOCK_EX, patience=SWAP_PATIENCE):
                    raise StoreBusy(BUSY, path=str(location))
                use.take(
                    fcntl.LOCK_EX, announce, f"attente : {busy}, remplacé dès que celui-ci finira"
                )
        except BaseException as error:
            use.release()
            if isinstance(error, OSError):
                raise OutputError(
                    f"écriture impossible ({reason(error)})", path=str(location)
                ) from None
            raise
    if not _in_use(location, use, wanted, announce):  # replaced again between the two locks
        return prepare_store(location, files, announce=announce, wait=wait)
    return False


BUSY = "magasin utilisé par un autre processus cskg avec d'autres données"


class StoreBusy(OutputError):
    """The store serves another process with other data, and the caller would not wait."""


def _check_is_store(location: Path) -> None:
    """:raises UsageError: ``location`` is a non-empty folder without a fingerprint.
    :raises OutputError: it cannot be listed."""
    try:
        foreign = any(location.iterdir()) and not (location / FINGERPRINT).exists()
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"lecture impossible ({reason(error)})", path=str(location)) from None
    if foreign:
        raise UsageError(
            f"{location} n'est pas un magasin cskg (dossier non vide) : choisissez --store"
        )


def held_lock(location: Path) -> int | None:
    """The descriptor of this process's use lock of the store at ``location``, if it holds
    one: a server started on the store inherits it, so that the store stays in use while
    the server runs, even if this process is killed."""
    try:
        return _LOCKS.get(_Lock.path_of(resolved(location), "lock"))
    except UsageError:
        return None


def resolved(location: Path) -> Path:
    """``location`` with its links followed.

    :raises UsageError: the links loop.
    """
    try:
        return location.resolve()
    except RuntimeError:  # how Python 3.11 tells a loop
        why = "boucle de liens symboliques"
    except OSError as error:
        why = reason(error)
    raise UsageError(f"{location} : chemin impossible à suivre ({why})")


def _in_use(location: Path, use: _Lock, wanted: str, announce: Announce) -> bool:
    """Whether the store holds the files of fingerprint ``wanted``, its use lock then held
    shared (released when it does not: a process waiting for a load holds no other lock)."""
    use.take(
        fcntl.LOCK_SH, announce, f"attente : le magasin {location} est en cours de remplacement"
    )
    if _fingerprint(location / FINGERPRINT) == wanted:
        return True
    use.release()
    return False


def _stated(files: list[Path]) -> str | None:
    """Path, size, modification and change times, device and inode of each of ``files``, a
    line each (None when one cannot be read). The change time is the system's: no program
    can put it back (``cp -p`` and ``tar`` put back the modification time)."""
    try:
        states = [(path.absolute(), file_state(path)) for path in files]
    except OSError:
        return None
    return "".join(f"{p}\t" + "\t".join(map(str, state)) + "\n" for p, state in states)


def _wanted(location: Path, files: list[Path]) -> tuple[str, str | None]:
    """The fingerprint of ``files`` (read from the store's ``FILES`` record while they are
    unchanged, else computed) and their stat lines.

    :raises InputError: a file is missing.
    """
    stated = _stated(files)
    known, _, lines = _recorded(location).partition("\n")
    if stated is not None and known and lines == stated:
        return known, stated
    computed = fingerprint(files)
    if _stated(files) != stated:  # a file replaced while hashed: nothing to record
        return computed, None
    return computed, stated


def _record(location: Path, wanted: str, stated: str | None) -> None:
    """Keep ``FILES`` in the store at ``location`` for the next use (when it changed; a store
    in a read-only folder simply goes without)."""
    if stated is None or _recorded(location) == f"{wanted}\n{stated}":
        return
    with suppress(OutputError, OSError):
        write_atomically(location / FILES, f"{wanted}\n{stated}".encode())


def _recorded(location: Path) -> str:
    return _text(location / FILES)


def _fingerprint(marker: Path) -> str:
    return _text(marker).strip()


def _text(path: Path) -> str:
    """A small file of a store, "" when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


class _Lock:
    """A lock file beside a store (``.NAME.SUFFIX``), taken with ``flock``: the use lock
    stays open for the process's life (one descriptor per store: a process replacing a store
    it uses converts its own lock), the load lock is closed after each load."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self.descriptor = descriptor

    @staticmethod
    def path_of(location: Path, suffix: str) -> Path:
        return location.with_name(f".{location.name.lstrip('.')}.{suffix}")

    @classmethod
    def of(cls, location: Path, suffix: str, *, keep: bool = True) -> _Lock:
        """:raises OutputError: the lock file can be neither made nor opened."""
        path = cls.path_of(location, suffix)
        if keep and path in _LOCKS:
            return cls(path, _LOCKS[path])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise OutputError(f"verrou impossible ({reason(error)})", path=str(path)) from None
            try:  # a store in a folder of someone else's or read-only: shared use only
                descriptor = os.open(path, os.O_RDONLY)
            except OSError:
                raise OutputError(f"verrou impossible ({reason(error)})", path=str(path)) from None
        if keep:
            _LOCKS[path] = descriptor
        return cls(path, descriptor)

    def take(self, kind: int, announce: Announce, waiting: str) -> None:
        """Take the lock (``LOCK_SH`` or ``LOCK_EX``), announcing ``waiting`` first when
        another process holds it.

        :raises OutputError: the file system cannot lock (some network file systems).
        """
        if not self.try_take(kind):
            announce(waiting)
            self._flock(kind)

    def try_take(self, kind: int, *, patience: float = 0) -> bool:
        """Take the lock if no other process holds it, or lets it go within ``patience``
        seconds; whether it was taken.

        :raises OutputError: the file system cannot lock (some network file systems).
        """
        deadline = time.monotonic() + patience
        while not self._flock(kind | fcntl.LOCK_NB):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def _flock(self, operation: int) -> bool:
        """``flock``; False when another process holds the lock (``LOCK_NB`` only)."""
        try:
            fcntl.flock(self.descriptor, operation)
        except BlockingIOError:
            return False
        except OSError as error:
            raise OutputError(f"verrou impossible ({reason(error)})", path=str(self.path)) from None
        return True

    def release(self) -> None:
        fcntl.flock(self.descriptor, fcntl.LOCK_UN)

    def __enter__(self) -> _Lock:
        return self

    def __exit__(self, *_: object) -> None:
        os.close(self.descriptor)


def open_store(location: Path) -> ox.Store:
    """The store at ``location``, for reading (a server may have it open at the same time).

    :raises InputError: it cannot be opened.
    """
    try:
        return ox.Store.read_only(str(location))
    except OSError as error:
        raise InputError(f"magasin illisible ({reason(error)})", path=str(location)) from None


def loading_form(path: Path) -> Path:
    """The file to load ``path`` from into a store on disk: for a conversion's
    ``actions.ttl``, the ``actions.nt`` of the same version (the same triples, loaded several
    times faster a piece at a time), else ``path`` itself. Only a conversion's own pair, both
    links into one folder of its ``.versions/``, is trusted to hold the same triples: an
    ``actions.nt`` copied or edited beside a Turtle file may not.

    >>> loading_form(Path("/nowhere/actions.ttl"))
    PosixPath('/nowhere/actions.ttl')
    """
    lines = path.with_suffix(".nt")
    if path.name != GRAPH_NAME or not (path.is_symlink() and lines.is_symlink()):
        return path
    try:
        version, same = path.resolve(), lines.resolve()
    except (RuntimeError, OSError):  # links that loop: read (and told) as they are
        return path
    trusted = version.parent == same.parent and version.parent.parent.name == ".versions"
    return same if trusted and same.is_file() else path


@dataclass(frozen=True)
class DataStore:
    """A store of data (``data_store``), what to tell the user of it, and its folder when it
    is on disk: a forked process opens its own handle there (``reopened``)."""

    store: ox.Store
    note: str = ""
    location: Path | None = None

    def reopened(self) -> ox.Store:
        """This store for a forked process: the same one in memory; on disk a handle of its
        own, opened read-only (RocksDB's handles, their locks and caches, are not to be shared
        across a fork). The use lock, inherited with the fork, stays held by the parent.

        :raises InputError: the store cannot be opened.
        """
        return self.store if self.location is None else open_store(self.location)


def data_store(
    data: list[Path],
    graphs: list[Path],
    *,
    store: Path | None = None,
    limit: int | None = None,
    announce: Announce = silent,
) -> DataStore:
    """The store ``cskg query``, ``cskg release`` and ``cskg site`` read: the one at ``store``
    when given; one kept beside a single ``data`` (``DATA/.cskg-store``) when its graph
    ``graphs`` is larger than ``limit`` (by default ``IN_MEMORY_LIMIT``; several data are read
    in memory: a store beside one of them would be replaced by each other choice); else
    ``graphs`` in memory, as when that store cannot be written (the note then warns of it).
    Each holds the ontology and the vocabularies too.

    :raises InputError: a file is missing or is not valid RDF.
    :raises UsageError: ``store`` is a file, or a non-empty folder that is not a cskg store.
    :raises OutputError: the store given cannot be written.
    """
    extra = [ONTOLOGY_FILE, *vocabulary_files()]
    limit = IN_MEMORY_LIMIT if limit is None else limit
    if store is None and len(data) == 1 and sum(_size(g) for g in graphs) > limit:
        folder = data[0] if data[0].is_dir() else data[0].parent
        try:
            return _on_disk(folder / AUTOMATIC, [*graphs, *extra], announce, wait=False)
        except OutputError as error:
            note = f"avertissement : {error} ; données chargées en mémoire, sans magasin sur disque"
            return DataStore(local_store(graphs), note)
    if store is not None:
        return _on_disk(store, [*graphs, *extra], announce)
    return DataStore(local_store(graphs))


def query_store(
    data: list[Path],
    graphs: list[Path],
    *,
    store: Path | None = None,
    limit: int | None = None,
    announce: Announce = silent,
) -> tuple[ox.Store, str]:
    """``data_store``'s store and note."""
    found = data_store(data, graphs, store=store, limit=limit, announce=announce)
    return found.store, found.note


def _on_disk(
    location: Path, files: list[Path], announce: Announce, *, wait: bool = True
) -> DataStore:
    reused = prepare_store(location, files, announce=announce, wait=wait)
    state = "réutilisé" if reused else "chargé"
    location = resolved(location)
    return DataStore(open_store(location), f"magasin sur disque {location} : {state}", location)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
