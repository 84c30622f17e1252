"""Fewer passes of Python's cyclic garbage collector while converting (issue 17).

A conversion allocates millions of short-lived tuples, dicts and strings that reference
counting frees, and keeps the COG index and the shared resources alive throughout: at the
default thresholds (a young collection every 700 allocations) the collector spent 15 to 25 %
of the CPU of every process re-scanning them (benchmarks/RESULTS.md). Output is unaffected:
only when unreachable cycles are freed changes.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

# a young collection every 100,000 allocations, a middle one every 20 young, a full one
# every 10 middle (and, as always, only once the long-lived objects grew by a quarter)
THRESHOLDS = (100_000, 20, 10)

P = ParamSpec("P")
R = TypeVar("R")


def collect_less() -> None:
    """Set ``THRESHOLDS`` for the rest of the process (a worker process's initializer)."""
    gc.set_threshold(*THRESHOLDS)


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
