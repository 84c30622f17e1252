"""The bundled example is the seed dump, unchanged."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED

SEED_SHA256 = "8bfddf1a084c74502e1ebd0bdc3790bcba7ed5b41dfa1c045c2cd861d4b0dc14"


def test_bundled_example_is_the_unchanged_seed() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_departement_outlines_are_the_documented_trimmed_copy() -> None:
    from tests.conftest import ROOT

    outlines = ROOT / "data" / "geo" / "departements.geojson"
    readme = (ROOT / "data" / "geo" / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(outlines.read_bytes()).hexdigest() in readme


def test_territory_pack_is_the_documented_trimmed_copy(tmp_path: Path) -> None:
    """The pack's bytes are those the README lists, and its script remakes them from the
    reference folder (when this machine has it)."""
    from tests.conftest import ROOT

    folder = ROOT / "data" / "cog"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    names = ("decoupage-communes-2026.csv", "decoupage-epci-2026.csv")
    for name in names:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() in readme, name
    source = ROOT.parent / "shared" / "reference" / "etalab-decoupage-administratif-6.0.0"
    if not source.is_dir():  # a checkout elsewhere: the checksums above are the check
        return
    (tmp_path / "v_commune_2026.csv").write_bytes((folder / "v_commune_2026.csv").read_bytes())
    subprocess.run(
        [sys.executable, str(folder / "trim_decoupage.py"), str(source), str(tmp_path)],
        check=True,
    )
    for name in names:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
