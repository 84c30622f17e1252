"""How a converting process manages its memory (issue 17): fewer passes of Python's cyclic
garbage collector, and large blocks given back to the system.

A conversion allocates millions of short-lived tuples, dicts and strings that reference
counting frees, and keeps the COG index and the shared resources alive throughout: at the
default thresholds (a young collection every 700 allocations) the collector spent 15 to 25 %
of the CPU of every process re-scanning them (benchmarks/RESULTS.md). Output is unaffected:
only when unreachable cycles are freed changes.

glibc's malloc serves a block of 128 KiB or more by a mapping of its own, given back to the
system when freed; but it raises that threshold to the size of the largest such block freed,
after which a batch's large blocks (its N-Triples, its pickles: megabytes) come from the heap
and, freed between long-lived objects, stay in the process. The threshold is pinned at 1 MiB:
the main process's peak went from 600–630 to 500 MiB at 20,000 fiches, at no cost in CPU
(at glibc's 128 KiB, the same memory cost 8 % more CPU: mappings made and unmade for lists
and dictionaries that grow).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

# a young collection every 100,000 allocations, a middle one every 20 young, a full one
# every 10 middle (and, as always, only once the long-lived objects grew by a quarter)
THRESHOLDS = (100_000, 20, 10)

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 1 << 20

P = ParamSpec("P")
R = TypeVar("R")


def collect_less() -> None:
    """Set ``THRESHOLDS`` for the rest of the process (a worker process's initializer), and
    pin glibc's mapping threshold (``pin_mmap_threshold``)."""
    gc.set_threshold(*THRESHOLDS)
    pin_mmap_threshold()


@functools.cache
def pin_mmap_threshold() -> bool:
    """Keep glibc from raising its mapping threshold, for the rest of the process; False
    where the C library is not glibc (nothing to do)."""
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    return bool(mallopt and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def collecting_less(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run at ``THRESHOLDS``, the caller's thresholds restored after."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        before = gc.get_threshold()
        collect_less()
        try:
            return function(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return run
