"""``cskg convert`` writes the same bytes as before its hot paths were made cheaper (issue 17).

The digests below were produced by MAIN's code (commit 0d1a6a5, before the convert speed-ups
of branch ``convfast`` were merged; it holds the linking changes of issue 16, which changed the
output on purpose), not by the code under test, with the same inputs, batch size and jobs as
this test. A change meant to alter the output (a new mapping or linking rule) updates them
on purpose: rerun this conversion with that code and paste the new digests, saying why in the
commit.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from converter.convert import convert
from converter.reader import render
from tests.conftest import SEED
from tests.test_scale import generate

EXPECTED = {
    "exemple.txt": {
        "input": "8bfddf1a084c74502e1ebd0bdc3790bcba7ed5b41dfa1c045c2cd861d4b0dc14",
        "outputs": {
            "actions.jsonld": "bf0a3a860eba80cc6397526711664f78e45a87524f24cca025e6b47284a3c117",
            "actions.nt": "9bcf39399915ef32ed7dece3871214de102ecbc42978074b2dd831347e14cefa",
            "actions.ttl": "8c1f264ae4eb471f7729db6e350f9581464f6ec5339a34022f5b34da6867af89",
            "report.json": "8ae055592aad232e6cbb7d1482e0f23ae36d23943a8fa521042b340a63818b77",
        },
    },
    "generees.txt": {
        "input": "2d5bcff96cbffdae60a9a156d2f18f1179652ddd471a04e0c67398e5f5a268c5",
        "outputs": {
            "actions.jsonld": "8181789144e2d60798322554552f04db5f48acc2748857a113c771047b728e04",
            "actions.nt": "db30dcad2c7d9bd1227ee5ce64ea1ee1daeb970b5c6b3d715a83ef21b1339de0",
            "actions.ttl": "c8532beee18fe10c74eb3a746950639b1bae6fa69997ee44e05bd3298119a21c",
            "report.json": "851998388caad19df895ce3955554cc700d7791add3861287a280a5f8f6b9e09",
        },
    },
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example dump and 300 generated fiches (2 % damaged), under the names the digests
    were made with: the input's name is written in the output (provenance, report)."""
    folder = tmp_path_factory.mktemp("bytes")
    shutil.copy(SEED, folder / "exemple.txt")
    records = list(generate.fiches(300, seed=3, broken=0.02))
    (folder / "generees.txt").write_text(render(records), encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_convert_writes_main_s_bytes(
    inputs: Path, name: str, jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(inputs)
    expected = EXPECTED[name]
    assert _sha256(Path(name)) == expected["input"], "the input changed: digests do not apply"
    output = Path(f"sortie-{name}-{jobs}")
    convert([name], output, jobs=jobs, batch=64)
    written = {p.name: _sha256(p) for p in sorted(output.iterdir()) if p.is_file()}
    assert written == expected["outputs"]
