"""The streaming pipeline on generated data: batch validation reports exactly what whole-graph
validation reports; output and counts do not depend on batches or processes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from converter.convert import SHARED_PART, convert
from converter.mapping import map_records
from converter.reader import read_text, render
from converter.validation import validate_triples
from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "generated.txt"
    records = list(generate.fiches(2000, seed=7, broken=0.02))
    path.write_text(render(records), encoding="utf-8")
    return path


def test_generated_dump_has_the_broken_fiches_asked_for(dump: Path) -> None:
    result = read_text(dump)
    assert result.fiches_found == 2000
    # 40 broken fiches (every 50th), the k-th of kind k % 6: no title for k = 6, 12… 36 (6),
    # no organiser for k = 1, 7… 37 (7)
    assert len(result.rejected) == 13


@pytest.mark.parametrize("shared_part", [SHARED_PART, 1])
def test_batch_validation_reports_exactly_what_whole_graph_validation_reports(
    dump: Path, tmp_path: Path, shared_part: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the shared resources and the derived data are validated in parts of 150
    triples (``shared_part`` 1): hundreds of parts, each with what it refers to."""
    monkeypatch.setattr("converter.convert.SHARED_PART", shared_part)
    whole = validate_triples(map_records(read_text(dump).records).triples)
    batched = convert([dump], tmp_path, batch=150, jobs=2)
    assert batched.validation.results == whole.results
    assert whole.violations and whole.warnings  # the comparison covers both severities
    shapes = {r.shape.rsplit("#", 1)[-1] for r in whole.results}
    assert {
        "Structure-departementLabel",
        "WrittenDepartement-linked",
        "UnreviewedConcept-review",
    } <= shapes


def test_output_does_not_depend_on_batch_size_or_jobs(dump: Path, tmp_path: Path) -> None:
    first = convert([dump], tmp_path / "a", batch=1000, jobs=1)
    second = convert([dump], tmp_path / "b", batch=77, jobs=2)
    for name in ("actions.ttl", "actions.nt", "actions.jsonld", "report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # fiches given twice: k = 5, 11… 35 (6)
    assert first.graph.duplicates == 6 and first.graph.actions == 2000 - 13 - 6
    assert first.graph.triple_count == second.graph.triple_count
