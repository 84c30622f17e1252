"""The site's bytes do not move when its build gets faster: the digest of every file of the
site of the example and of 300 generated actions equals the one produced by main's code at
0d1a6a5 (before the build-speed work of issue 15), with the same converter; taken again when
the derived statistics of issue 17 were merged, after a ``diff -r`` of the example's site: their
observations' pages, the incoming links they add to territories, organisations and concepts,
the ontology 0.5.0 page and the downloads, nothing else.

When the site is meant to change (a page, a format, the converter's graph), run this file,
check the change by a ``diff -r`` against the previous site, and write the new digests here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from converter import disk_store
from converter.convert import convert
from converter.reader import render
from converter.site import build
from converter.site.build import build_site
from tests.conftest import SEED
from tests.test_scale import generate

EXAMPLE_DIGEST = "ffc203c24f7271bdb43acf4a693cebc5b64198a26aff6c74aa1791c6613c1bdf"
GENERATED_DIGEST = "372354d4e2348d14239d93df530eda248abdda65b9cb62ea3666f7ceefeb82aa"


def tree_digest(folder: Path) -> str:
    """SHA-256 of every file's relative path and bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@pytest.mark.parametrize(
    ("name", "expected", "range_size", "on_disk"),
    [
        ("example", EXAMPLE_DIGEST, build.RANGE_SIZE, False),
        ("generated", GENERATED_DIGEST, build.RANGE_SIZE, False),
        # many small tasks, the documents listed beside
        ("generated", GENERATED_DIGEST, 7, False),
        # read from the store on disk beside the data, as large data are: each worker and the
        # helper through a read-only handle of its own
        ("generated", GENERATED_DIGEST, 7, True),
    ],
)
def test_site_bytes_equal_mains(
    name: str,
    expected: str,
    range_size: int,
    on_disk: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the graph names its source file as given: the same name
    monkeypatch.setattr(build, "RANGE_SIZE", range_size)
    if on_disk:
        monkeypatch.setattr(disk_store, "IN_MEMORY_LIMIT", 0)
    source = Path("fiches.txt")
    if name == "generated":
        source.write_text(render(list(generate.fiches(300, seed=1))), encoding="utf-8")
    else:
        source.write_bytes(SEED.read_bytes())
    convert([source], Path("out"))
    told: list[str] = []
    build_site(Path("out"), Path("site"), jobs=2, announce=told.append)
    store = Path("out", disk_store.AUTOMATIC).absolute()
    assert told[-1:] == ([f"magasin sur disque {store} : chargé"] if on_disk else [])
    assert tree_digest(Path("site")) == expected
