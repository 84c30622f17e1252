"""``cskg convert`` writes the same bytes as before its hot paths were made cheaper (issue 17).

The digests below were produced by MAIN's code (commit 0d1a6a5, before the convert speed-ups
of branch ``convfast`` were merged; it holds the linking changes of issue 16, which changed the
output on purpose), not by the code under test, with the same inputs, batch size and jobs as
this test; then taken again once the derived statistics of branch ``queryfast`` (issue 17) were
merged, after a review of the difference: 851 and 2,954 lines appended to ``actions.nt`` for
the two inputs, every one about a ``statistique/`` observation, and the triple count of
``report.json``; nothing else moved. A change meant to alter the output (a new mapping or linking rule) updates them
on purpose: rerun this conversion with that code and paste the new digests, saying why in the
commit.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from converter.convert import SHARED_PART, convert
from converter.reader import render
from tests.conftest import SEED
from tests.test_scale import generate

EXPECTED = {
    "exemple.txt": {
        "input": "8bfddf1a084c74502e1ebd0bdc3790bcba7ed5b41dfa1c045c2cd861d4b0dc14",
        "outputs": {
            "actions.jsonld": "6d9073c221850dabb1579548964dcb203148a5a674c198489788fea7ca065e06",
            "actions.nt": "428877c738411ff6e78e9b88d3b7f2e3a21258cb9bf4b78cde20cbf7db7128dc",
            "actions.ttl": "7798d25d63b416c7ce36d48c1c66e4711980c9ecbc750bf99b64c7c93b4e2fe6",
            "report.json": "25e02adb1db5965313a9ff92ad029ca77193167ab43425bdd411541a79a698d4",
        },
    },
    "generees.txt": {
        "input": "2d5bcff96cbffdae60a9a156d2f18f1179652ddd471a04e0c67398e5f5a268c5",
        "outputs": {
            "actions.jsonld": "ba5c7bd692d1f04bf3a4fc27fb19d90a38e9f6ed27dd07ecfddb9bf9f267389f",
            "actions.nt": "ac043e5c985e203e4568d107ea5d578b18c1dc86b13508c4ee3223c968a4e2e0",
            "actions.ttl": "9b688ee3bbc3bd41d21cce2ffa45b26f6350b82e4c1087b4724de2b16d8aadc8",
            "report.json": "ec21aa6e482dd2728ecec76514a34e7aad77c8df4b8fe23d204a7625369bf495",
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


@pytest.mark.parametrize(("jobs", "shared_part"), [(1, SHARED_PART), (2, SHARED_PART), (2, 1)])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_convert_writes_main_s_bytes(
    inputs: Path, name: str, jobs: int, shared_part: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``shared_part`` 1: the shared resources and derived data written in parts of 64
    triples, as many as the batch of 64 fiches allows."""
    monkeypatch.chdir(inputs)
    monkeypatch.setattr("converter.convert.SHARED_PART", shared_part)
    expected = EXPECTED[name]
    assert _sha256(Path(name)) == expected["input"], "the input changed: digests do not apply"
    output = Path(f"sortie-{name}-{jobs}")
    convert([name], output, jobs=jobs, batch=64)
    written = {p.name: _sha256(p) for p in sorted(output.iterdir()) if p.is_file()}
    assert written == expected["outputs"]
