"""``cskg serve``'s first site build in a forked process: Ctrl-C stops it at once, even while
the store loads in oxigraph's native code (where Python runs no signal handler until it
returns), and what the build had written is removed.

The build writes into a temporary sibling of its folder (``build.build_site``:
``.<name>.*.tmp``), which a process stopped by force cannot remove itself: this module does.
The build runs in a process group of its own with the workers that write its pages, so that
stopping it stops them all before its files are removed (none is left writing into them).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from converter.endpoint import signals_held
from converter.errors import OutputError
from converter.site.build import MARKER, build_site, die_with_parent
from converter.site.claims import remove_unclaimed_temporaries

STOP_WAIT = 2.0  # seconds the build has to stop on SIGTERM before it is killed
POLL = 0.2  # seconds between two looks at the build's process


def _build(
    data: Path,
    into: Path,
    base: str,
    jobs: int,
    store: Path | None,
    sender: Connection,
    parent: int,
) -> None:
    _own_group(0)
    die_with_parent(parent)  # serve killed by force: its build stops too
    try:
        build_site(data, into, base=base, jobs=jobs, store_path=store, announce=_say)
    except KeyboardInterrupt:  # stopped by the parent: build_site removed its files
        return
    except Exception as error:  # noqa: BLE001 - handed to the parent, which raises it
        sender.send(error)
    else:
        sender.send(None)


def _own_group(pid: int) -> None:
    """Make ``pid`` (0: this process) the leader of a new process group: done by the parent
    and the child both, so that the group exists whichever runs first."""
    try:
        os.setpgid(pid, pid)
    except OSError:  # done already by the other one, or the child has exited
        pass


def _signal_group(group: int, number: signal.Signals) -> None:
    try:
        os.killpg(group, number)
    except OSError:  # no process left in the group
        pass


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_aside(
    data: Path, into: Path, *, base: str, jobs: int = 1, store: Path | None = None
) -> None:
    """``build_site(data, into, base=base, jobs=jobs, store_path=store)`` in a child process,
    which tells its store's notes on stderr.

    :raises KeyboardInterrupt: Ctrl-C (or SIGTERM): the child is stopped and its files removed.
    :raises CskgError: what ``build_site`` raised in the child.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # not a daemon: a daemon may not start the workers; it is stopped below in every case
    child = context.Process(
        target=_build, args=(data, into, base, jobs, store, sender, os.getpid())
    )
    try:
        child.start()
        assert child.pid is not None  # set by start(); 0 would name this process's own group
        _own_group(child.pid)
        sender.close()
        # the child's exit read from the system: its workers, forked from it, hold the pipe
        # and its sentinel open after it died
        while not receiver.poll(POLL) and child.is_alive():
            pass
        if receiver.poll():
            outcome = receiver.recv()
        else:  # the build died without a word (killed by the system, say)
            _stop(child, into)
            outcome = OutputError("l'écriture du site s'est arrêtée", path=str(into))
        child.join()
    except BaseException:
        _stop(child, into)
        raise
    finally:
        receiver.close()
    if isinstance(outcome, BaseException):
        raise outcome


def _stop(child: multiprocessing.process.BaseProcess, into: Path) -> None:
    """Stop the build's process group (SIGTERM, then SIGKILL after ``STOP_WAIT``), wait until
    none of its processes is left, and remove what they wrote; a second Ctrl-C or SIGTERM
    meanwhile cannot cut this short."""
    with signals_held():  # dropped, not acted on: the build is being stopped already
        if child.pid is not None:
            group = child.pid
            _signal_group(group, signal.SIGTERM)
            child.join(STOP_WAIT)
            _signal_group(group, signal.SIGKILL)  # the build and its workers, if left
            child.join()
            deadline = time.monotonic() + STOP_WAIT
            while _group_alive(group) and time.monotonic() < deadline:
                time.sleep(0.01)  # the workers, reaped by init once their parent is gone
        remove_unclaimed_temporaries(into, marker=MARKER)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except OSError:
        return False
    return True
