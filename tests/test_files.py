"""Atomic writes: the previous file survives a failed write, and no temporary file is left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from converter import files
from converter.errors import OutputError


def test_write_replaces_the_file_with_the_usual_mode(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.txt"
    files.write_atomically(target, b"one")
    files.write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert list(target.parent.iterdir()) == [target]
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~files.UMASK


def test_failed_write_keeps_the_previous_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"previous")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="écriture impossible"):
        files.write_atomically(target, b"new")
    assert target.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [target]
