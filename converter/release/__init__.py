"""An open-data release: a folder a portal can take as it is (``cskg release``).

Data files (Turtle, N-Triples, JSON-LD, a flat CSV with its CSV on the Web description), the
ontology and vocabularies, documentation (the ontology's own page, data dictionary), VoID
statistics, and a DCAT catalogue that must conform to the official DCAT-AP 3.0.1 shapes before
it is written. Same input and options, same bytes: dates come from the configuration or the
options, never from the clock unless asked. One module per job: ``config``, ``tables`` (CSV,
CSVW, Table Schema), ``spreadsheet`` (xlsx), ``database`` (SQLite), ``void``, ``geo`` (spatial
coverage), ``catalogue`` (and its checks), ``changes`` (``--previous``), ``docs``; ``build``
puts them together.
"""

from converter.release.build import Release, release
from converter.release.catalogue import CatalogueError
from converter.release.config import ReleaseConfig, example_values, load_config
from converter.release.tables import CSV_COLUMNS

__all__ = [
    "CSV_COLUMNS",
    "CatalogueError",
    "Release",
    "ReleaseConfig",
    "example_values",
    "load_config",
    "release",
]
