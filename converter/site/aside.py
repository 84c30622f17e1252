"""``cskg serve``'s first site build in a forked process: Ctrl-C stops it at once, even while
the store loads in oxigraph's native code (where Python runs no signal handler until it
returns), and what the build had written is removed.

The build writes into a temporary sibling of its folder (``build.build_site``:
``.<name>.*.tmp``), which a process stopped by force cannot remove itself: this module does.
"""

from __future__ import annotations

import multiprocessing
import shutil
from multiprocessing.connection import Connection
from pathlib import Path

from converter.errors import OutputError
from converter.site.build import build_site

STOP_WAIT = 2.0  # seconds the build has to stop on SIGTERM before it is killed


def _build(data: Path, into: Path, base: str, sender: Connection) -> None:
    try:
        build_site(data, into, base=base)
    except KeyboardInterrupt:  # stopped by the parent: build_site removed its files
        return
    except Exception as error:  # noqa: BLE001 - handed to the parent, which raises it
        sender.send(error)
    else:
        sender.send(None)


def build_aside(data: Path, into: Path, *, base: str) -> None:
    """``build_site(data, into, base=base)`` in a child process.

    :raises KeyboardInterrupt: Ctrl-C (or SIGTERM): the child is stopped and its files removed.
    :raises CskgError: what ``build_site`` raised in the child.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_build, args=(data, into, base, sender), daemon=True)
    child.start()
    sender.close()
    try:
        try:
            outcome = receiver.recv()
        except EOFError:
            outcome = OutputError("l'écriture du site s'est arrêtée", path=str(into))
        child.join()
    except BaseException:
        child.terminate()
        child.join(STOP_WAIT)
        if child.is_alive():
            child.kill()
            child.join()
        for left in into.parent.glob(f".{into.name}.*.tmp"):
            shutil.rmtree(left, ignore_errors=True)
        raise
    finally:
        receiver.close()
    if isinstance(outcome, BaseException):
        raise outcome
