"""Independent parsers agree: rdflib, pyoxigraph and Debian's rapper (raptor2) read the outputs
of the seed and of 5,000 generated actions, and find the same graph in every format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from converter.convert import convert
from converter.reader import render
from tests.conftest import SEED
from tests.test_scale import generate

Triple = tuple[str, str, tuple[str, str, str]]


def _from_oxigraph(path: Path | bytes, fmt: ox.RdfFormat) -> set[Triple]:
    quads = (
        ox.parse(path=str(path), format=fmt)
        if isinstance(path, Path)
        else ox.parse(path, format=fmt)
    )
    found = set()
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal):
            obj = ("literal", o.value, o.language or o.datatype.value)
        else:
            obj = ("iri", o.value, "")  # type: ignore[union-attr]
        found.add((q.subject.value, q.predicate.value, obj))  # type: ignore[union-attr]
    return found


def _from_rdflib(path: Path, fmt: str) -> set[Triple]:
    found = set()
    for s, p, o in rdflib.Graph().parse(path, format=fmt):
        if isinstance(o, rdflib.Literal):
            obj = ("literal", str(o), o.language or str(o.datatype or rdflib.XSD.string))
        else:
            obj = ("iri", str(o), "")
        found.add((str(s), str(p), obj))
    return found


def _from_rapper(path: Path, syntax: str) -> set[Triple]:
    rapper = shutil.which("rapper")
    assert rapper, "rapper is missing: make test installs raptor2-utils (apt-get)"
    done = subprocess.run(
        [rapper, "-q", "-i", syntax, "-o", "ntriples", str(path)], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return _from_oxigraph(done.stdout, ox.RdfFormat.N_TRIPLES)


@pytest.fixture(scope="module", params=["seed", "generated-5000"])
def output(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "seed":
        convert([SEED], folder, jobs=1)
    else:
        dump = folder / "generated.txt"
        dump.write_text(render(list(generate.fiches(5000, seed=11, broken=0.01))), encoding="utf-8")
        convert([dump], folder / "out", jobs=2)
        folder = folder / "out"
    return folder


def test_rdflib_pyoxigraph_and_rapper_read_the_same_graph(output: Path) -> None:
    reference = _from_oxigraph(output / "actions.nt", ox.RdfFormat.N_TRIPLES)
    assert len(reference) > 900
    assert _from_oxigraph(output / "actions.ttl", ox.RdfFormat.TURTLE) == reference
    assert _from_oxigraph(output / "actions.jsonld", ox.RdfFormat.JSON_LD) == reference
    assert _from_rdflib(output / "actions.ttl", "turtle") == reference
    assert _from_rdflib(output / "actions.jsonld", "json-ld") == reference
    assert _from_rapper(output / "actions.ttl", "turtle") == reference
    assert _from_rapper(output / "actions.nt", "ntriples") == reference


def test_rdflib_reads_the_seed_ntriples_too(tmp_path: Path) -> None:
    """rdflib's N-Triples parser is left out for the generated dump only: it is slow on long
    literals (minutes on a 5 MB one), not wrong."""
    convert([SEED], tmp_path, jobs=1)
    assert _from_rdflib(tmp_path / "actions.nt", "nt") == _from_oxigraph(
        tmp_path / "actions.nt", ox.RdfFormat.N_TRIPLES
    )
