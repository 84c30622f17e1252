"""A conversion changes the collector's thresholds for its own run only, and pins glibc's
mapping threshold."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from converter.collector import THRESHOLDS, collecting_less, pin_mmap_threshold
from converter.convert import convert
from converter.errors import NothingConverted


def test_thresholds_hold_during_the_call_and_are_restored_even_on_error(tmp_path: Path) -> None:
    before = gc.get_threshold()
    seen = collecting_less(gc.get_threshold)()
    assert seen == THRESHOLDS != before
    empty = tmp_path / "vide.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(NothingConverted):
        convert([empty], tmp_path / "sortie")
    assert gc.get_threshold() == before


def test_glibc_s_mapping_threshold_is_pinned() -> None:
    """The machines cskg runs on are glibc's (Debian): pinning must work there, else the
    peak memory figures of benchmarks/RESULTS.md do not hold."""
    assert pin_mmap_threshold() is True
