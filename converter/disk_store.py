"""Stores on disk (RocksDB, through pyoxigraph): loaded a piece at a time, so that memory stays
bounded whatever the size of the data, kept while their files do not change, replaced whole
when they do.

``cskg serve --store DIR`` and ``cskg query --store DIR`` use one; ``cskg query`` keeps one by
itself beside data too large for memory (``DATA/.cskg-store``, ``query_store``). A store folder
holds the fingerprint of its files (``FINGERPRINT``). A new version is written beside it and
swapped in place (``claims.replacing``) under an exclusive lock of ``.DIR.lock``, which the
processes using the store hold shared until they end: no store changes under a reader.
"""

from __future__ import annotations

import fcntl
import itertools
import os
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from converter.errors import InputError, OutputError, UsageError, reason
from converter.files import fingerprint, write_atomically
from converter.outputs import GRAPH_NAME
from converter.paths import ONTOLOGY_FILE
from converter.query import local_store
from converter.serialise import reading_rdf
from converter.site.claims import replacing
from converter.vocab import vocabulary_files

FINGERPRINT = "cskg-fingerprint"
AUTOMATIC = ".cskg-store"  # the store cskg query keeps beside large data
# Above this size of graph, cskg query keeps a store on disk: in memory the store takes about
# 4.5 times its Turtle (3,560 MiB for 844 MiB at 100,000 actions, benchmarks/RESULTS.md).
IN_MEMORY_LIMIT = 128 << 20
PIECE = 64 << 20  # bytes of N-Triples per bulk load: 513 MiB at most at 100,000 actions
BATCH = 300_000  # statements per bulk load from the other formats (parsed one by one)
LINE_FORMATS = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
_LOCKS: dict[Path, int] = {}
Announce = Callable[[str], None]


def silent(message: str) -> None:
    """Tell nothing (library callers)."""


# the lock descriptor of each store this process uses


def load_on_disk(
    location: Path, files: list[Path], *, piece: int = PIECE, batch: int = BATCH
) -> None:
    """Load ``files`` into a new store at ``location``, at most ``piece`` bytes of N-Triples or
    N-Quads (cut between lines) or ``batch`` statements of another format at a time, then
    compact it (the queries read fewer files).

    :raises InputError: a file is missing or is not valid RDF.
    """
    store = ox.Store(str(location))
    for path in files:
        with reading_rdf(path) as fmt:
            if fmt in LINE_FORMATS:
                with path.open("rb") as source:
                    while lines := source.read(piece):
                        store.bulk_load(lines + source.readline(), format=fmt)
            else:
                statements = ox.parse(path=str(path), format=fmt)
                while some := list(itertools.islice(statements, batch)):
                    store.bulk_extend(some)
    store.optimize()
    del store  # closed: the folder may be renamed


def prepare_store(location: Path, files: list[Path], *, announce: Announce = silent) -> bool:
    """Have the store at ``location`` hold ``files`` (each in its ``loading_form``), loading
    it when it does not already; True when it was reused. ``announce`` is told, in French,
    of a wait and of a load (a minute at 100,000 actions) before they begin. This process
    holds the store's lock shared from then on, until it ends: the store cannot be replaced
    while it is in use.

    :raises UsageError: ``location`` is a non-empty folder that is not a cskg store.
    :raises InputError: a file is missing or the load fails.
    :raises OutputError: the store cannot be written.
    """
    location = location.absolute()
    files = [loading_form(path) for path in files]
    wanted = fingerprint(files)
    marker = location / FINGERPRINT
    lock = _lock(location)
    if _fingerprint(marker) == wanted:
        return True
    if (
        location.exists()
        and (not location.is_dir() or any(location.iterdir()))
        and not marker.exists()
    ):
        raise UsageError(
            f"{location} n'est pas un magasin cskg (dossier non vide) : choisissez --store"
        )
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        announce(f"attente : le magasin {location} sert à un autre processus cskg")
        fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        if _fingerprint(marker) == wanted:  # loaded meanwhile by that process
            return True
        announce(f"chargement du magasin sur disque {location} (une fois pour ces données)")
        with replacing(location, marker=FINGERPRINT) as temporary:
            load_on_disk(temporary, files)
            write_atomically(temporary / FINGERPRINT, wanted.encode())
    except OSError as error:
        raise OutputError(f"écriture impossible ({reason(error)})", path=str(location)) from None
    finally:
        fcntl.flock(lock, fcntl.LOCK_SH)
    return False


def _fingerprint(marker: Path) -> str | None:
    try:
        return marker.read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _lock(location: Path) -> int:
    """The descriptor of ``.NAME.lock`` beside the store ``location``, locked shared (one per
    store and process: a process replacing a store it uses converts its own lock).

    :raises OutputError: the lock cannot be made.
    """
    path = location.with_name(f".{location.name.lstrip('.')}.lock")
    if path not in _LOCKS:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as error:
            raise OutputError(f"écriture impossible ({reason(error)})", path=str(path)) from None
        _LOCKS[path] = handle
        fcntl.flock(handle, fcntl.LOCK_SH)
    return _LOCKS[path]


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
    ``actions.ttl``, its ``actions.nt`` beside it (the same triples, loaded several times faster
    a piece at a time), else ``path`` itself.

    >>> loading_form(Path("/nowhere/actions.ttl"))
    PosixPath('/nowhere/actions.ttl')
    """
    lines = path.with_suffix(".nt")
    return lines if path.name == GRAPH_NAME and lines.is_file() else path


def query_store(
    data: list[Path],
    graphs: list[Path],
    *,
    store: Path | None = None,
    limit: int = IN_MEMORY_LIMIT,
    announce: Announce = silent,
) -> tuple[ox.Store, str]:
    """The store ``cskg query`` runs on, and what to tell the user of it: the one at ``store``
    when given; one kept beside a single ``data`` (``DATA/.cskg-store``) when its graph
    ``graphs`` is larger than ``limit``; else ``graphs`` in memory. Each holds the ontology and
    the vocabularies too.

    :raises InputError: a file is missing or is not valid RDF.
    :raises UsageError: ``store`` is a non-empty folder that is not a cskg store.
    :raises OutputError: the store given cannot be written.
    """
    extra = [ONTOLOGY_FILE, *vocabulary_files()]
    if store is None and len(data) == 1 and sum(_size(g) for g in graphs) > limit:
        folder = data[0] if data[0].is_dir() else data[0].parent
        try:
            return _on_disk(folder / AUTOMATIC, [*graphs, *extra], announce)
        except OutputError as error:
            note = f"magasin sur disque impossible ({error.message}) : données chargées en mémoire"
            return local_store(graphs), note
    if store is not None:
        return _on_disk(store, [*graphs, *extra], announce)
    return local_store(graphs), ""


def _on_disk(location: Path, files: list[Path], announce: Announce) -> tuple[ox.Store, str]:
    reused = prepare_store(location, files, announce=announce)
    state = "réutilisé" if reused else "chargé"
    return open_store(location), f"magasin sur disque {location} : {state}"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
