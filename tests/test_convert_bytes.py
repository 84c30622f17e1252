"""``cskg convert`` writes the same bytes as before its hot paths were made cheaper (issue 17).

The digests below were produced by MAIN's code (commit 2f191df, before the convert speed-ups
of branch ``convfast``), not by the code under test, with the same inputs, batch size and jobs
as this test. A change meant to alter the output (a new mapping or linking rule) updates them
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
            "actions.jsonld": "7e16bc085acb0b40306367f9499e039f69422bb19bfc8d4e98f167b78735363c",
            "actions.nt": "fd797760c23ea76e2b6bc76831c216b1502964e17e31883d0736e9d6dc6184ec",
            "actions.ttl": "4e66a34fa9826214980e62e9a91c41f9460a5b14e29cb42b02ce41e436e8b7e2",
            "report.json": "307f07b574e792e4313ffaf0335c0520bafc81a0da2ddf0c5666da851d060d27",
        },
    },
    "generees.txt": {
        "input": "2d5bcff96cbffdae60a9a156d2f18f1179652ddd471a04e0c67398e5f5a268c5",
        "outputs": {
            "actions.jsonld": "ddde2ea589d7ed8ff51ce3f171ae9226325bc32bc571209a6f32706e5f3913c5",
            "actions.nt": "069ada758ad1b2a028fe6a937ed26919d0233750017c07af15b2ca3fe28f2ffa",
            "actions.ttl": "7e7d33b14a555573a8987976f2afcd30ee772f76b485775a21f074df30390e6d",
            "report.json": "c882d337b65e4bbaa4896c23922a129763abeeabeebd8dffad1f13baf3ab0e9e",
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
