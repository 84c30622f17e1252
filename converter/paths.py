"""Where cskg finds its data files: ontology, vocabularies, shapes, queries, COG tables.

In a checkout (or an editable install) they sit beside the package, in the project's own
folders; a regular install copies them to ``<prefix>/share/cskg/`` (see ``pyproject.toml``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _resources() -> Path:
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "ontology" / "cskg.ttl").exists():
        return checkout
    return Path(sys.prefix) / "share" / "cskg"


RESOURCES = _resources()
ONTOLOGY_DIR = RESOURCES / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "cskg.ttl"
VOCABULARY_DIR = ONTOLOGY_DIR / "vocabularies"
SHAPES_FILE = RESOURCES / "shapes" / "cskg.shapes.ttl"
QUERIES_DIR = RESOURCES / "queries"
COG_DIR = RESOURCES / "data" / "cog"


def user_cache() -> Path:
    """cskg's folder in the user's cache (``$XDG_CACHE_HOME/cskg``, else ``~/.cache/cskg``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cskg"
