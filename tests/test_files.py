"""Atomic writes: the previous file survives a failed write, and no temporary file is left."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

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


def test_copy_is_made_a_piece_at_a_time_and_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "big.nt"
    content = bytes(range(256)) * 5_000  # 1.28 MB: several pieces
    source.write_bytes(content)
    monkeypatch.setattr(files, "COPY_PIECE", 4096)
    pieces: list[int] = []
    original = files.shutil.copyfileobj

    def counted(reader: object, writer: object, length: int = 0) -> None:
        pieces.append(length)
        original(reader, writer, length)  # type: ignore[arg-type]

    monkeypatch.setattr(files.shutil, "copyfileobj", counted)
    target = tmp_path / "out" / "big.nt"
    files.copy_atomically(source, target)
    assert target.read_bytes() == content
    assert pieces == [4096]  # read and written 4 KiB at a time, never whole
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~files.UMASK
    with pytest.raises(FileNotFoundError):
        files.copy_atomically(tmp_path / "absent.nt", target)
    assert target.read_bytes() == content  # a failed copy keeps the previous file
    assert sorted(p.name for p in target.parent.iterdir()) == ["big.nt"]


def test_a_copy_that_cannot_be_written_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = tmp_path / "new.txt", tmp_path / "kept.txt"
    source.write_bytes(b"new")
    target.write_bytes(b"previous")

    def full(reader: object, writer: object, length: int = 0) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.shutil, "copyfileobj", full)
    with pytest.raises(OutputError, match="écriture impossible"):
        files.copy_atomically(source, target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt", "new.txt"]


def test_a_file_is_hashed_once_per_process_while_it_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cskg serve fingerprints its data for its site and for its answers: the bytes are read
    once; a write (even putting the modification time back) makes them read again."""
    path = tmp_path / "actions.nt"
    path.write_bytes(b"<a> <b> <c> .\n")
    reads: list[str] = []
    real = files.hashlib.file_digest

    def counted(reader: BinaryIO, name: str) -> object:
        reads.append(name)
        return real(reader, name)

    monkeypatch.setattr(files.hashlib, "file_digest", counted)
    first = files.sha256_of(path)
    assert files.sha256_of(path) == files.sha256_of(str(path)) == first and len(reads) == 1
    before = path.stat()
    path.write_bytes(b"<a> <b> <d> .\n")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the old time put back
    assert files.sha256_of(path) == hashlib.sha256(path.read_bytes()).hexdigest() != first
    assert len(reads) == 2


def test_sha256_of_a_file_is_that_of_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"abc")
    # FIPS 180-2's example: SHA-256("abc")
    assert files.sha256_of(path) == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
