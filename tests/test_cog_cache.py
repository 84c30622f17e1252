"""The COG index read back from the user's cache is the index the tables give; a stale or
corrupt cache is never read (``converter.index_cache``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from converter.paths import COG_DIR
from converter.territory import build_cog, load_cog


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty user cache, and ``load_cog`` without its in-process memo."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    load_cog.cache_clear()
    yield tmp_path / "cache" / "cskg" / "index"
    load_cog.cache_clear()


def _cog_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cog"
    shutil.copytree(COG_DIR, folder)
    return folder


def test_the_cached_index_is_the_built_one(cache: Path) -> None:
    folder = COG_DIR
    built = load_cog(folder)
    (written,) = cache.iterdir()
    load_cog.cache_clear()
    read = load_cog(folder)
    assert read is not built  # read back from the file, not from the in-process memo
    assert read == built == build_cog(folder)
    assert read.names == built.names and read.former == built.former
    # territories hash by code: an equal copy finds what the built one keys
    by_commune = {c: c.code for c in built.communes.values()}
    assert all(by_commune[c] == c.code for c in read.communes.values())
    assert list(cache.iterdir()) == [written]


def test_the_index_follows_a_change_of_the_tables(cache: Path, tmp_path: Path) -> None:
    folder = _cog_folder(tmp_path)
    assert load_cog(folder).departements["72"].name == "Sarthe"
    table = folder / "v_departement_2026.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace('"Sarthe","Sarthe"', '"Sarthe","Sarthe-Nord"')
    )
    load_cog.cache_clear()
    assert load_cog(folder).departements["72"].name == "Sarthe-Nord"
    assert len(list(cache.iterdir())) == 2


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05K\x03."])
def test_a_corrupt_cache_is_rebuilt(cache: Path, damage: bytes) -> None:
    folder = COG_DIR
    built = load_cog(folder)
    (written,) = cache.iterdir()
    written.write_bytes(damage)  # truncated, garbage, a pickle of something else (3)
    load_cog.cache_clear()
    assert load_cog(folder) == built
    load_cog.cache_clear()
    assert written.stat().st_size > 1000  # rewritten whole
    assert load_cog(folder) == built


def test_an_unwritable_cache_only_costs_time(cache: Path) -> None:
    cache.parent.parent.mkdir(parents=True)
    cache.parent.write_text("a file where the cache folder should be")
    assert load_cog(COG_DIR) == build_cog(COG_DIR)
