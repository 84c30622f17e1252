"""Stores on disk (``disk_store``): loaded a piece at a time with the same triples as in memory,
kept while the data do not change, replaced whole, never under a process using them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import disk_store
from converter.disk_store import (
    AUTOMATIC,
    FINGERPRINT,
    load_on_disk,
    open_store,
    prepare_store,
    query_store,
)
from converter.endpoint import served_files
from converter.errors import UsageError
from converter.files import fingerprint
from converter.paths import ONTOLOGY_FILE
from converter.query import local_store
from converter.vocab import vocabulary_files

ROOT = Path(__file__).resolve().parent.parent
CSKG = [sys.executable, "-m", "converter"]
EXTRA = [ONTOLOGY_FILE, *vocabulary_files()]


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store)


@pytest.mark.parametrize("graph", ["actions.nt", "actions.ttl"])
def test_a_store_loaded_a_piece_at_a_time_holds_what_memory_holds(
    tmp_path: Path, outputs: tuple[Path, Path], graph: str
) -> None:
    """Pieces of 300 bytes of N-Triples (cut between lines: a cut inside one would not parse)
    or of 7 statements of Turtle give the triples the in-memory store of the Turtle holds."""
    load_on_disk(tmp_path / "s", [outputs[1] / graph, *EXTRA], piece=300, batch=7)
    on_disk = _quads(open_store(tmp_path / "s"))
    in_memory = _quads(local_store([outputs[1] / "actions.ttl"]))
    assert len(in_memory) > 3000
    assert on_disk == in_memory


def _query(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CSKG, "query", "actions-par-statut", "--format", "csv", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def _total(csv: str) -> int:
    return sum(int(line.rsplit(",", 1)[1]) for line in csv.splitlines()[1:])


def test_cskg_query_on_a_store_answers_as_in_memory_and_reuses_it(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    store = tmp_path / "magasin"
    in_memory = _query("--data", str(outputs[1]))
    first = _query("--data", str(outputs[1]), "--store", str(store))
    second = _query("--data", str(outputs[1]), "--store", str(store))
    assert in_memory.returncode == first.returncode == second.returncode == 0, first.stderr
    assert "magasin sur disque" not in in_memory.stderr
    assert f"chargement du magasin sur disque {store} (une fois" in first.stderr
    assert f"magasin sur disque {store} : chargé" in first.stderr
    assert f"magasin sur disque {store} : réutilisé" in second.stderr
    assert "chargement" not in second.stderr
    assert first.stdout == second.stdout == in_memory.stdout
    assert _total(first.stdout) == 25  # the 25 fiches, each with one status
    other = _query("--data", str(outputs[0]), "--store", str(store))  # other data: loaded anew
    assert f"magasin sur disque {store} : chargé" in other.stderr
    assert _total(other.stdout) == 24
    assert (store / FINGERPRINT).read_text() == fingerprint([outputs[0] / "actions.nt", *EXTRA])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".magasin.lock", "magasin"]


def test_cskg_query_refuses_a_folder_that_is_not_a_store_and_a_store_with_an_endpoint(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("à garder", encoding="utf-8")
    refused = _query("--data", str(outputs[1]), "--store", str(mine))
    assert refused.returncode == 2 and "n'est pas un magasin cskg" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    both = _query("--store", str(tmp_path / "s"), "--endpoint", "http://127.0.0.1:9/query")
    assert both.returncode == 2 and "pas avec --endpoint" in both.stderr


def test_large_data_get_a_store_beside_them_small_data_stay_in_memory(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    for name in ("actions.ttl", "actions.nt"):
        (data / name).write_bytes((outputs[1] / name).read_bytes())
    graphs = [data / "actions.ttl"]
    small, note = query_store([data], graphs)
    assert note == "" and not (data / AUTOMATIC).exists()
    large, note = query_store([data], graphs, limit=1000)
    assert note == f"magasin sur disque {data / AUTOMATIC} : chargé"
    assert _quads(large) == _quads(small)
    again, note = query_store([data], graphs, limit=1000)
    assert note.endswith(": réutilisé") and _quads(again) == _quads(small)


def test_a_store_that_cannot_be_kept_beside_the_data_leaves_them_in_memory(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    data = tmp_path / "out"
    data.mkdir()
    (data / "actions.ttl").write_bytes((outputs[1] / "actions.ttl").read_bytes())
    (data / ".cskg-store.lock").mkdir()  # the lock cannot be opened: no store there
    store, note = query_store([data], [data / "actions.ttl"], limit=1000)
    assert note.startswith("magasin sur disque impossible (")
    assert note.endswith(") : données chargées en mémoire")
    assert len(store) == len(local_store([data / "actions.ttl"]))
    assert sorted(p.name for p in data.iterdir()) == [".cskg-store.lock", "actions.ttl"]


def test_a_load_stopped_midway_keeps_the_previous_store(
    tmp_path: Path, outputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "s"
    assert prepare_store(store, served_files(outputs[0])) is False
    before = (store / FINGERPRINT).read_text()

    def stopped(location: Path, files: list[Path]) -> None:
        (location / "000001.sst").write_bytes(b"partiel")
        raise KeyboardInterrupt

    monkeypatch.setattr(disk_store, "load_on_disk", stopped)
    with pytest.raises(KeyboardInterrupt):
        prepare_store(store, served_files(outputs[1]))
    assert (store / FINGERPRINT).read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.lock", "s"]
    assert len(open_store(store)) == len(local_store([outputs[0] / "actions.ttl"]))


HOLDER = """
import sys
from pathlib import Path
from converter.disk_store import prepare_store
from converter.endpoint import served_files
prepare_store(Path(sys.argv[1]), served_files(Path(sys.argv[2])))
print("prêt", flush=True)
sys.stdin.read()
"""


def test_a_store_in_use_is_replaced_only_once_its_user_has_ended(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """Another process using the store (a ``cskg serve --store``, a query) holds it: a load of
    other data waits for it to end, saying so, instead of swapping the store under it."""
    store = tmp_path / "s"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store), str(outputs[0])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "prêt\n"
        held = (store / FINGERPRINT).read_text()
        done: list[bool] = []
        told: list[str] = []
        loading = threading.Thread(
            target=lambda: done.append(
                prepare_store(store, served_files(outputs[1]), announce=told.append)
            )
        )
        loading.start()
        time.sleep(2)
        assert not done and (store / FINGERPRINT).read_text() == held  # waiting
        assert told == [f"attente : le magasin {store} sert à un autre processus cskg"]
    finally:
        holder.communicate("", timeout=30)
    loading.join(60)
    assert done == [False]
    assert told[1] == f"chargement du magasin sur disque {store} (une fois pour ces données)"
    assert (store / FINGERPRINT).read_text() == fingerprint([outputs[1] / "actions.nt", *EXTRA])


def test_a_folder_that_is_not_a_store_is_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.txt").write_text("x")
    with pytest.raises(UsageError, match="n'est pas un magasin cskg"):
        prepare_store(mine, [ONTOLOGY_FILE])
    assert [p.name for p in mine.iterdir()] == ["a.txt"]
