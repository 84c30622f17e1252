"""The main job: fiches in, a validated graph and its report out (``cskg convert``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from converter.errors import OutputError
from converter.files import write_atomically
from converter.mapping import MappedGraph, map_records
from converter.model import ParseResult
from converter.reader import read_inputs
from converter.serialise import write_graph
from converter.territory import load_cog
from converter.validation import ValidationReport, validate_triples
from converter.vocab import COG_DIR, DEFAULT_BASE_IRI

REPORT_NAME = "report.json"
GRAPH_NAME = "actions.ttl"


def _state_file() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "cskg" / "last-output"


def last_output() -> Path:
    """The folder the last ``cskg convert`` wrote to (``output/`` when unknown)."""
    try:
        return Path(_state_file().read_text(encoding="utf-8").strip())
    except OSError:
        return Path("output")


def _remember(output: Path) -> None:
    try:
        write_atomically(_state_file(), str(output.resolve()).encode("utf-8"))
    except OutputError:
        pass  # a convenience only: commands fall back to output/


@dataclass
class Conversion:
    parsed: ParseResult
    graph: MappedGraph
    validation: ValidationReport
    written: list[Path]
    cog_year: int

    @property
    def ok(self) -> bool:
        """True when every fiche became an action and the graph has no SHACL violation."""
        return not self.parsed.rejected and self.validation.conforms

    def report(self) -> dict[str, Any]:
        """What ``report.json`` holds."""
        warnings = self.parsed.warnings + self.graph.warnings
        return {
            "cog_year": self.cog_year,
            "fiches_found": self.parsed.fiches_found,
            "actions": self.graph.actions,
            "duplicates": self.graph.duplicates,
            "structures": self.graph.structures,
            "organisations": self.graph.organisations,
            "unreviewed_concepts": self.graph.unreviewed_concepts,
            "linked": {
                level: self.graph.linked(level) for level in ("departement", "region", "commune")
            },
            "rejected": [
                {"file": d.file, "line": d.line, "reason": d.message} for d in self.parsed.rejected
            ],
            "warnings": [
                {"file": d.file, "line": d.line, "field": d.field, "message": d.message}
                for d in warnings
            ],
            "territories": self.graph.territories,
            "triples": len(self.graph.triples),
            "shacl": {
                "conforms": self.validation.conforms,
                "violations": len(self.validation.violations),
                "warnings": len(self.validation.warnings),
                "results": [vars(r) for r in self.validation.results],
            },
        }


def convert(
    inputs: Iterable[str | Path],
    output: Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    cog_dir: Path = COG_DIR,
) -> Conversion:
    """Read, map, validate and write ``actions.ttl``, ``.nt``, ``.jsonld`` and ``report.json``.

    :raises InputError: an input or the COG tables cannot be read at all.
    :raises UsageError: ``base_iri`` cannot prefix IRIs.
    :raises OutputError: ``output`` cannot be written.
    """
    cog = load_cog(cog_dir)
    parsed = read_inputs(inputs)
    graph = map_records(parsed.records, base_iri=base_iri, cog=cog)
    validation = validate_triples(graph.triples)
    written = write_graph(graph.triples, output)
    conversion = Conversion(parsed, graph, validation, written, cog.year)
    report = json.dumps(conversion.report(), ensure_ascii=False, indent=2) + "\n"
    write_atomically(output / REPORT_NAME, report.encode("utf-8"))
    conversion.written.append(output / REPORT_NAME)
    _remember(output)
    return conversion
