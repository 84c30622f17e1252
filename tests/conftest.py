"""Shared fixtures: the bundled seed dump and small fiche builders."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from converter.model import ParseResult
from converter.reader import read_text

# Keep the "last convert output" state of the tests out of the user's cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cskg-tests-cache-")

# CI runs the property tests with fixed examples so that main stays green for the same code;
# locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "actions_centres_sociaux.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed() -> ParseResult:
    return read_text(SEED)


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two conversions of the seed: its first 24 fiches, then all 25 (the converted output
    changes, as it does between two runs of a federation's pipeline)."""
    from converter.convert import convert

    root = tmp_path_factory.mktemp("versions")
    text = SEED.read_text(encoding="utf-8")
    short = root / "short.txt"
    short.write_text(text[: text.rindex("\nActions\n")] + "\n", encoding="utf-8")
    convert([short], root / "v1")
    convert([SEED], root / "v2")
    return root / "v1", root / "v2"


def fiche(title: str = "Titre", organiser: str = "CENTRE SOCIAL X - Sarthe", body: str = "") -> str:
    """A small fiche in the dump's layout; ``body`` is appended after the status section."""
    lines = ["Actions", title, "- Structure organisatrice", f"- {organiser}"]
    lines += ["- Fichier(s) associé(s)", "- Statut de l'action", "- En cours"]
    return "\n".join(lines) + "\n" + body
