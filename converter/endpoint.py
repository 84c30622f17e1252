"""A real SPARQL server on 127.0.0.1: the ``oxigraph`` server from PyPI.

``serve_files`` starts it with the output, the ontology and the vocabularies, either in memory
(loaded at each start, queries several times faster: see benchmarks/RESULTS.md) or in a
persistent store folder that ``disk_store.prepare_store`` fills and reuses when the files have
not changed (a fingerprint of their bytes is kept in it).
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from converter.disk_store import Announce, held_lock, prepare_store, resolved, silent
from converter.errors import InputError, RemoteError, UsageError
from converter.outputs import graph_file
from converter.paths import ONTOLOGY_FILE
from converter.serialise import reading_rdf
from converter.vocab import vocabulary_files

STOPPING_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}  # as cskg serve stops


def oxigraph_binary() -> str:
    """The ``oxigraph`` command installed beside this Python, or on the PATH.

    :raises InputError: it is not installed.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("serveur oxigraph absent : pip install oxigraph", path="oxigraph")
    return found


def served_files(data: Path) -> list[Path]:
    """What a server holds: the graph of ``data`` (a folder or a file), ontology, vocabularies.

    :raises InputError: ``data`` does not exist, or is a folder without a converted graph.
    """
    return [graph_file(data), ONTOLOGY_FILE, *vocabulary_files()]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_is_free(host: str, port: int) -> bool:
    """True when a server could listen there (a port in TIME_WAIT counts as free, as for the
    server itself, which reuses addresses)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class Server:
    """A running oxigraph server."""

    process: subprocess.Popen[bytes]
    host: str
    port: int

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def signals_held() -> Iterator[tuple[set[signal.Signals | int], list[int]]]:
    """``STOPPING_SIGNALS`` held for the block: masked in this thread, and, in the main thread,
    their handlers replaced by one that only notes them (a signal sent to the process may
    reach another thread, which does not mask it; its Python handler then runs here). Yields
    the mask to restore in a child and the signals that arrived, to act on afterwards."""
    arrived: list[int] = []
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING_SIGNALS)
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        handlers = {s: signal.signal(s, lambda signum, _: arrived.append(signum))
                    for s in STOPPING_SIGNALS}  # fmt: skip
    try:
        yield held, arrived
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a pending one is noted here
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def start_server(
    location: Path | None, *, host: str = "127.0.0.1", port: int = 7878, wait: float = 30
) -> Server:
    """Start ``oxigraph serve`` on ``host:port``: in memory when ``location`` is None, else
    read-only on the store at ``location`` (pyoxigraph may read a store other processes read,
    never one another process writes).

    :raises UsageError: the port is taken.
    :raises RemoteError: the server did not start.
    """
    if not port_is_free(host, port):
        raise UsageError(f"le port {port} de {host} est déjà pris : choisissez --port")
    command = [oxigraph_binary(), "serve", "--bind", f"{host}:{port}"]
    kept: tuple[int, ...] = ()
    if location is not None:  # read-only: a cskg query may read the same store meanwhile
        location = resolved(location)
        command = [*command[:1], "serve-read-only", *command[2:], "--location", str(location)]
        lock = held_lock(location)  # the server holds it too: a store in use, even if we die
        kept = () if lock is None else (lock,)
    log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty server never blocks on it
    # Ctrl-C or SIGTERM inside Popen, after the fork, would leave a server no one can stop:
    # they are held until the server has a handle, then arrive within the ``try`` below.
    with signals_held() as (held, arrived):
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=log,
            pass_fds=kept,
            preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, held),  # not held there
        )
    server = Server(process, host, port)
    deadline = time.monotonic() + wait
    try:
        for signum in arrived:
            signal.raise_signal(signum)  # now acted on, as it would have been
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                message = log.read().decode(errors="replace")
                raise RemoteError(
                    f"le serveur s'est arrêté : {message.strip()[:300]}", path=server.base
                )
            try:
                with urllib.request.urlopen(server.base + "/", timeout=2):
                    return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
    except BaseException:  # Ctrl-C while it starts: the server goes too, no orphan left
        server.stop()
        raise
    server.stop()
    raise RemoteError(f"le serveur n'a pas répondu en {wait:g} s", path=server.base)


def load_files(server: Server, files: Iterable[Path], *, timeout: float = 3600) -> None:
    """Add ``files`` to the default graph of a running server (Graph Store Protocol POST),
    streamed from disk.

    :raises InputError: a file is missing, or the server refuses it (not valid RDF).
    :raises RemoteError: the server does not answer.
    """
    for path in files:
        with reading_rdf(path) as fmt, path.open("rb") as body:
            request = urllib.request.Request(
                f"{server.base}/store?default",
                data=body,
                method="POST",
                headers={
                    "Content-Type": fmt.media_type,
                    "Content-Length": str(path.stat().st_size),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout):
                    pass
            except urllib.error.HTTPError as error:
                detail = error.read().decode(errors="replace").strip()[:300]
                raise InputError(
                    f"chargement refusé par oxigraph : {detail}", path=str(path)
                ) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                reason = getattr(error, "reason", error)
                raise RemoteError(
                    f"serveur injoignable pendant le chargement ({reason})", path=server.base
                ) from None


def serve_files(
    files: list[Path],
    *,
    store: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 7878,
    announce: Announce = silent,
) -> tuple[Server, bool]:
    """A server holding ``files``: in memory when ``store`` is None, else in the persistent
    ``store`` (``announce`` told of its load); and whether that store was reused as it was.

    :raises UsageError: the port is taken, or ``store`` is not a cskg store.
    :raises InputError: a file is missing or is not valid RDF.
    :raises RemoteError: the server did not start.
    """
    if store is not None:
        reused = prepare_store(store, files, announce=announce)
        return start_server(store, host=host, port=port), reused
    server = start_server(None, host=host, port=port)
    try:
        load_files(server, files)
    except BaseException:
        server.stop()
        raise
    return server, False
