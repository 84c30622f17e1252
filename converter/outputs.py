"""Where a conversion's output lives: its file names, and which output a command reads.

``cskg query``, ``serve``, ``publish`` and ``release`` read, without ``--data``, the output of
the last ``cskg convert`` run *from the same working folder* (remembered per folder in the
user's cache), else ``./output``; each says which one it read (``DataChoice.why``), so that
nobody queries another project's graph without knowing it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from converter.errors import InputError, OutputError
from converter.files import write_atomically
from converter.paths import user_cache

GRAPH_NAME = "actions.ttl"  # the graph the other commands read
REPORT_NAME = "report.json"
REFUSED_REPORT_NAME = "refused-report.json"  # a run that made no action writes only this
PARSE_REPORT_NAME = "parse-report.json"
TABLE_NAMES = ("actions.jsonl", "actions.csv")
DEFAULT_OUTPUT = Path("output")


def _memory(folder: Path) -> Path:
    key = hashlib.sha256(str(folder.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return user_cache() / "last-output" / key[:32]


def remember(output: Path, *, working_folder: Path | None = None) -> None:
    """Record ``output`` as the last output converted from ``working_folder`` (the current one)."""
    try:
        where = _memory(working_folder or Path.cwd())
        write_atomically(where, str(output.resolve()).encode("utf-8", "surrogateescape"))
    except (OSError, OutputError):
        pass  # a convenience only: commands then read ./output and say so


@dataclass(frozen=True)
class DataChoice:
    """The output a command reads, and why that one (shown to the user)."""

    folder: Path
    why: str

    @property
    def graph(self) -> Path:
        return self.folder / GRAPH_NAME


def choose_data(data: Path | None, *, working_folder: Path | None = None) -> DataChoice:
    """``data`` when given; else the last output converted from this working folder; else
    ``./output``."""
    if data is not None:
        return DataChoice(data, "--data")
    here = working_folder or Path.cwd()
    try:
        remembered = Path(_memory(here).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        remembered = None
    if remembered is not None and remembered.exists():
        return DataChoice(remembered, "dernier cskg convert lancé depuis ce dossier")
    return DataChoice(here / DEFAULT_OUTPUT, "dossier par défaut ./output")


def graph_file(data: Path) -> Path:
    """The graph of ``data``: a file as it is, a folder's ``actions.ttl``.

    :raises InputError: ``data`` does not exist, or is a folder without a converted graph.
    """
    if data.is_dir():
        graph = data / GRAPH_NAME
        if not graph.exists():
            raise InputError(
                f"dossier sans {GRAPH_NAME} (lancez d'abord cskg convert -o {data})",
                path=str(data),
            )
        return graph
    if not data.exists():
        raise InputError("fichier ou dossier introuvable", path=str(data))
    return data
