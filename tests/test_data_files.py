"""The bundled example is the seed dump, unchanged."""

from __future__ import annotations

import hashlib

from tests.conftest import SEED

SEED_SHA256 = "8bfddf1a084c74502e1ebd0bdc3790bcba7ed5b41dfa1c045c2cd861d4b0dc14"


def test_bundled_example_is_the_unchanged_seed() -> None:
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_departement_outlines_are_the_documented_trimmed_copy() -> None:
    from tests.conftest import ROOT

    outlines = ROOT / "data" / "geo" / "departements.geojson"
    readme = (ROOT / "data" / "geo" / "README.md").read_text(encoding="utf-8")
    assert hashlib.sha256(outlines.read_bytes()).hexdigest() in readme
