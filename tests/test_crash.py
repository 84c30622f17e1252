"""A cskg convert killed at any moment leaves the previous complete output or the new one,
never a mix, and a run after the crash gives the bytes of an uninterrupted run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from converter.convert import convert
from converter.reader import render
from tests.conftest import SEED
from tests.test_scale import generate

NAMES = ("actions.ttl", "actions.nt", "actions.jsonld", "report.json")
CSKG = str(Path(sys.executable).with_name("cskg"))


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in NAMES if (folder / name).exists()}


@pytest.fixture(scope="module")
def versions(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    root = tmp_path_factory.mktemp("crash")
    big = root / "big.txt"
    big.write_text(render(list(generate.fiches(3000, seed=5))), encoding="utf-8")
    convert([SEED], root / "old", jobs=1)
    convert([big], root / "new", jobs=1)
    return big, _files(root / "old"), _files(root / "new")


@pytest.mark.parametrize("delay", [0.3, 1.0, 1.8, 2.6, 3.5, 5.0])
def test_a_killed_run_leaves_the_old_or_the_new_output(
    versions: tuple[Path, dict[str, bytes], dict[str, bytes]], tmp_path: Path, delay: float
) -> None:
    big, old, new = versions
    out = tmp_path / "out"
    convert([SEED], out, jobs=1)
    assert _files(out) == old
    process = subprocess.Popen([CSKG, "convert", str(big), "-o", str(out), "-j", "1"])
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _files(out) in (old, new)
    convert([big], out, jobs=1)  # the run after the crash
    assert _files(out) == new
    leftovers = [p.name for p in (out / ".versions").iterdir() if p.name not in ("current", "lock")]
    assert len(leftovers) == 1  # the current version only: staging folders are cleaned up


def test_a_second_run_into_the_same_folder_is_refused_while_one_writes(tmp_path: Path) -> None:
    from converter.errors import OutputError
    from converter.files import OutputSet

    first = OutputSet(tmp_path, ["a.txt"])
    with pytest.raises(OutputError, match="une autre conversion"):
        OutputSet(tmp_path, ["a.txt"])
    assert first.staging.exists()
    first.path("a.txt").write_text("un", encoding="utf-8")
    first.commit()
    second = OutputSet(tmp_path, ["a.txt"])  # free again once the first has finished
    second.path("a.txt").write_text("deux", encoding="utf-8")
    second.commit()
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "deux"
