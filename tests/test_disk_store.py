"""Stores on disk (``disk_store``): loaded a piece at a time with the same triples as in memory,
kept while the data do not change, replaced whole, never under a process using them."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
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
    loading_form,
    open_store,
    prepare_store,
    query_store,
)
from converter.endpoint import free_port, load_files, serve_files, served_files
from converter.errors import InputError, UsageError
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
    locks = [".magasin.load.lock", ".magasin.lock"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*locks, "magasin"]


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
    assert note.startswith(f"avertissement : {data / '.cskg-store.lock'}: verrou impossible (")
    assert note.endswith("; données chargées en mémoire, sans magasin sur disque")
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
    assert sorted(p.name for p in tmp_path.iterdir()) == [".s.load.lock", ".s.lock", "s"]
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


def _python(script: str, *paths: Path) -> subprocess.Popen[str]:
    """``script`` run by another Python process with ``paths`` as arguments, talked to
    through its standard input and output."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, paths)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _holder(store: Path, data: Path) -> subprocess.Popen[str]:
    """A process using ``store`` with ``data`` until its standard input closes."""
    holder = _python(HOLDER, store, data)
    assert holder.stdout is not None and holder.stdout.readline() == "prêt\n"
    return holder


def test_a_store_in_use_is_replaced_only_once_its_user_has_ended(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """Another process using the store (a ``cskg serve --store``, a query) holds it: a load of
    other data is made beside it, then waits for that process to end, saying so, instead of
    swapping the store under it."""
    store = tmp_path / "s"
    holder = _holder(store, outputs[0])
    try:
        held = (store / FINGERPRINT).read_text()
        done: list[bool] = []
        told: list[str] = []
        waiting = threading.Event()

        def tell(message: str) -> None:
            told.append(message)
            if message.startswith("attente"):
                waiting.set()

        loading = threading.Thread(
            target=lambda: done.append(
                prepare_store(store, served_files(outputs[1]), announce=tell)
            )
        )
        loading.start()
        assert waiting.wait(60), told
        # loaded beside the store, held back from the swap by the holder's lock
        assert not done and (store / FINGERPRINT).read_text() == held
        assert told == [
            f"chargement du magasin sur disque {store} (une fois pour ces données)",
            f"attente : le magasin {store} sert à un autre processus cskg, remplacé dès que "
            "celui-ci finira",
        ]
    finally:
        holder.communicate("", timeout=30)
    loading.join(60)
    assert done == [False]
    assert (store / FINGERPRINT).read_text() == fingerprint([outputs[1] / "actions.nt", *EXTRA])


SLOW_LOADER = """
import sys
from pathlib import Path
from converter import disk_store
from converter.endpoint import served_files
real = disk_store.load_on_disk
def load(location, files):
    print("chargement commencé", flush=True)
    sys.stdin.readline()
    real(location, files)
disk_store.load_on_disk = load
print(disk_store.prepare_store(Path(sys.argv[1]), served_files(Path(sys.argv[2]))), flush=True)
sys.stdin.read()
"""


def test_two_processes_wanting_the_same_new_data_load_them_once(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """The second waits for the first one's load, says so, then uses that store and goes on
    while the first still runs (it does not wait for the first to end)."""
    store = tmp_path / "s"
    first = _python(SLOW_LOADER, store, outputs[1])
    try:
        assert first.stdout is not None and first.stdin is not None
        assert first.stdout.readline() == "chargement commencé\n"
        told: list[str] = []
        done: list[bool] = []
        second = threading.Thread(
            target=lambda: done.append(
                prepare_store(store, served_files(outputs[1]), announce=told.append)
            )
        )
        second.start()
        deadline = time.monotonic() + 60
        while not told and time.monotonic() < deadline:
            time.sleep(0.05)
        assert told == [f"attente : un autre processus cskg charge {store}"]
        first.stdin.write("\n")
        first.stdin.flush()
        assert first.stdout.readline() == "False\n"  # loaded by the first
        second.join(60)
        assert done == [True] and first.poll() is None  # reused, the first still running
        assert len(told) == 1  # no load of its own
    finally:
        first.communicate("", timeout=30)
    assert len(open_store(store)) == len(local_store([outputs[1] / "actions.ttl"]))


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
from converter.disk_store import query_store
data = Path(sys.argv[1])
store, note = query_store([data], [data / "actions.ttl"], limit=1000)
print(note)
print(len(store))
"""


def test_a_store_that_fills_the_disk_leaves_the_data_in_memory(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """A store file cannot grow past 100 kB (as on a full disk): the query runs in memory with
    a warning naming the store, and the half-written store is removed."""
    data = tmp_path / "out"
    shutil.copytree(outputs[1], data, symlinks=True)
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    note, size = done.stdout.splitlines()
    assert note.startswith(f"avertissement : {data / AUTOMATIC}: écriture du magasin impossible (")
    assert "File too large" in note and note.endswith(
        "; données chargées en mémoire, sans magasin sur disque"
    )
    assert int(size) == len(local_store([data / "actions.ttl"]))
    assert not [p.name for p in data.iterdir() if p.name.startswith("..cskg-store.")]
    assert not (data / AUTOMATIC).exists()


def test_blank_nodes_are_those_of_each_file_as_in_memory(tmp_path: Path) -> None:
    """One node cut between two pieces of N-Triples stays one; the same label in two files
    (N-Triples or Turtle) names two nodes, as ``Store.load`` makes them in memory."""
    first = tmp_path / "a.nt"
    filler = "".join(f"<http://e/s{i}> <http://e/p> <http://e/o{i}> .\n" for i in range(20))
    first.write_text(
        filler
        + "_:b <http://e/p> <http://e/o1> .\n"
        + filler
        + "_:b <http://e/p> <http://e/o2> .\n"
    )
    second = tmp_path / "b.nt"
    second.write_text("_:b <http://e/p> <http://e/o3> .\n")
    third = tmp_path / "c.ttl"
    third.write_text("_:b <http://e/p> <http://e/o4> . [] <http://e/p> <http://e/o5> .\n")
    files = [first, second, third]
    load_on_disk(tmp_path / "s", files, piece=200, batch=1)

    def blank_nodes(store: ox.Store) -> list[list[str]]:
        objects: dict[ox.BlankNode, list[str]] = {}
        for quad in store:
            if isinstance(quad.subject, ox.BlankNode):
                objects.setdefault(quad.subject, []).append(quad.object.value)
        return sorted(sorted(values) for values in objects.values())

    expected = [["http://e/o1", "http://e/o2"], ["http://e/o3"], ["http://e/o4"], ["http://e/o5"]]
    in_memory = ox.Store()
    for path in files:
        in_memory.load(path=str(path))
    assert blank_nodes(in_memory) == expected
    assert blank_nodes(open_store(tmp_path / "s")) == expected
    assert len(open_store(tmp_path / "s")) == 20 + 5  # the filler twice is once


def test_an_error_in_a_later_piece_names_its_line_in_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "a.nt"
    lines = [f"<http://e/s{i}> <http://e/p> <http://e/o{i}> .\n" for i in range(30)]
    lines[24] = "<http://e/s> <http://e/p> pas-un-terme .\n"
    bad.write_text("".join(lines))
    with pytest.raises(InputError) as raised:
        load_on_disk(tmp_path / "s", [bad], piece=200)
    assert raised.value.path == str(bad) and raised.value.line == 25
    assert raised.value.message.startswith("N-Triples invalide, colonne 27 (")


def test_a_file_given_as_the_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "notes.txt"
    mine.write_text("à garder", encoding="utf-8")
    with pytest.raises(UsageError, match="est un fichier, pas un magasin cskg"):
        prepare_store(mine, [ONTOLOGY_FILE])
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    assert mine.read_text(encoding="utf-8") == "à garder"


def test_only_a_conversions_own_n_triples_stand_for_its_turtle(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """The ``actions.nt`` of the same version is loaded instead of ``actions.ttl``; a plain
    ``actions.nt`` beside a Turtle (copied, edited, of another run) is not trusted."""
    turtle = outputs[1] / "actions.ttl"
    assert loading_form(turtle) == (outputs[1] / ".versions" / "current" / "actions.nt").resolve()
    copy = tmp_path / "copie"
    copy.mkdir()
    (copy / "actions.ttl").write_bytes(turtle.read_bytes())
    (copy / "actions.nt").write_bytes((outputs[0] / "actions.nt").read_bytes())  # stale
    assert loading_form(copy / "actions.ttl") == copy / "actions.ttl"
    mixed = tmp_path / "mêlé"
    mixed.mkdir()
    (mixed / "actions.ttl").symlink_to(turtle)
    (mixed / "actions.nt").symlink_to(outputs[0] / "actions.nt")  # another conversion's
    assert loading_form(mixed / "actions.ttl") == mixed / "actions.ttl"


def test_a_served_store_is_read_only_and_read_by_queries_meanwhile(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """``cskg serve --store`` starts oxigraph read-only: nothing writes the store a query may be
    reading at the same time (pyoxigraph leaves that undefined)."""
    store = tmp_path / "s"
    server, reused = serve_files(served_files(outputs[1]), store=store, port=free_port())
    try:
        assert reused is False
        with pytest.raises(InputError, match="chargement refusé par oxigraph"):
            load_files(server, [ONTOLOGY_FILE])
        answered = _query("--data", str(outputs[1]), "--store", str(store))
        assert answered.returncode == 0, answered.stderr
        assert f"magasin sur disque {store} : réutilisé" in answered.stderr
        assert _total(answered.stdout) == 25
    finally:
        server.stop()


def test_a_folder_that_is_not_a_store_is_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.txt").write_text("x")
    with pytest.raises(UsageError, match="n'est pas un magasin cskg"):
        prepare_store(mine, [ONTOLOGY_FILE])
    assert [p.name for p in mine.iterdir()] == ["a.txt"]


def test_a_store_given_through_a_link_is_kept_where_the_link_points(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """The link stays a link; the store and its swaps happen in the folder it names, and
    nothing is left beside either (a link moved aside could not be removed)."""
    real = tmp_path / "disque" / "magasin"
    real.parent.mkdir()
    link = tmp_path / "lien"
    link.symlink_to(real, target_is_directory=True)
    assert prepare_store(link, served_files(outputs[0])) is False
    assert prepare_store(link, served_files(outputs[1])) is False  # swapped once
    assert link.is_symlink() and (real / FINGERPRINT).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disque", "lien"]
    assert sorted(p.name for p in real.parent.iterdir()) == [
        ".magasin.load.lock",
        ".magasin.lock",
        "magasin",
    ]
    assert prepare_store(tmp_path / "disque" / ".." / "lien", served_files(outputs[1])) is True


def test_an_error_after_a_blank_node_names_its_line_in_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "a.nt"
    lines = [f"<http://e/s{i}> <http://e/p> <http://e/o{i}> .\n" for i in range(30)]
    lines[12] = "_:b <http://e/p> <http://e/o> .\n"  # the parse takes over from its piece
    lines[24] = "<http://e/s> <http://e/p> pas-un-terme .\n"
    bad.write_text("".join(lines))
    with pytest.raises(InputError) as raised:
        load_on_disk(tmp_path / "s", [bad], piece=200)
    assert raised.value.line == 25


def test_the_store_beside_the_data_is_not_waited_for_while_it_serves_other_data(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """A process using ``DATA/.cskg-store`` with earlier data (a ``cskg serve --store`` on it)
    may run for days: ``cskg query`` and ``cskg release`` read the new data in memory at
    once, with a warning, rather than wait for it."""
    data = tmp_path / "out"
    shutil.copytree(outputs[1], data, symlinks=True)
    holder = _holder(data / AUTOMATIC, outputs[0])
    try:
        held = (data / AUTOMATIC / FINGERPRINT).read_text()
        answers: list[tuple[ox.Store, str]] = []
        asking = threading.Thread(
            target=lambda: answers.append(query_store([data], [data / "actions.ttl"], limit=1000))
        )
        asking.start()
        asking.join(120)
        assert answers, "query_store waits for the holder instead of reading in memory"
        store, note = answers[0]
        assert note == (
            f"avertissement : {data / AUTOMATIC}: magasin utilisé par un autre processus cskg "
            "avec d'autres données ; données chargées en mémoire, sans magasin sur disque"
        )
        assert _quads(store) == _quads(local_store([data / "actions.ttl"]))
        assert (data / AUTOMATIC / FINGERPRINT).read_text() == held  # left to its user
    finally:
        holder.communicate("", timeout=30)


SERVING = """
import sys
from pathlib import Path
from converter.endpoint import free_port, serve_files, served_files
server, _ = serve_files(served_files(Path(sys.argv[2])), store=Path(sys.argv[1]), port=free_port())
print(server.process.pid, flush=True)
sys.stdin.read()
"""


def test_the_server_of_a_store_holds_it_in_use_even_once_its_parent_is_killed(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    store = tmp_path / "s"
    parent = _python(SERVING, store, outputs[0])
    assert parent.stdout is not None
    server = int(parent.stdout.readline())
    try:
        parent.kill()  # as the out-of-memory killer would
        parent.wait(30)
        os.kill(server, 0)  # the server outlived it
        lock = os.open(tmp_path / ".s.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # still in use: no swap
        finally:
            os.close(lock)
    finally:
        os.kill(server, signal.SIGKILL)


def test_unchanged_files_are_not_hashed_again(
    tmp_path: Path, outputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store records the size, time and inode of the files its fingerprint was made of:
    while they are unchanged the fingerprint is read, not computed; a file touched is hashed
    again (the same bytes: the store is reused and the record renewed)."""
    data = tmp_path / "out"
    shutil.copytree(outputs[1], data, symlinks=True)
    files = served_files(data)
    store = tmp_path / "s"
    assert prepare_store(store, files) is False
    hashed: list[list[Path]] = []

    def counting(paths: list[Path]) -> str:
        hashed.append(list(paths))
        return fingerprint(paths)

    monkeypatch.setattr(disk_store, "fingerprint", counting)
    assert prepare_store(store, files) is True
    assert hashed == []
    graph = loading_form(data / "actions.ttl")
    os.utime(graph, ns=(graph.stat().st_atime_ns, graph.stat().st_mtime_ns + 10**9))
    assert prepare_store(store, files) is True
    assert len(hashed) == 1  # hashed once, found the same
    assert prepare_store(store, files) is True
    assert len(hashed) == 1  # the record was renewed
    (store / disk_store.FILES).write_text("abîmé", encoding="utf-8")  # a record unreadable
    assert prepare_store(store, files) is True and len(hashed) == 2


def test_a_file_rewritten_with_its_time_put_back_is_hashed_again(
    tmp_path: Path, outputs: tuple[Path, Path]
) -> None:
    """``cp -p`` or ``tar`` put a file's modification time back, never its change time: the
    store of the earlier bytes is not taken for the new ones."""
    graph = tmp_path / "graphe.nt"
    graph.write_bytes((outputs[0] / "actions.nt").read_bytes())
    store = tmp_path / "s"
    assert prepare_store(store, [graph]) is False
    before = graph.stat()
    text = graph.read_bytes()
    graph.write_bytes(text.replace(b"/cskg/", b"/cskh/", 1))  # one IRI changed, in place
    assert graph.stat().st_size == before.st_size  # same size...
    os.utime(graph, ns=(before.st_atime_ns, before.st_mtime_ns))  # ...and time put back
    assert prepare_store(store, [graph]) is False  # loaded again
    assert (store / FINGERPRINT).read_text() == fingerprint([graph])


def test_a_file_replaced_while_hashed_leaves_no_record(
    tmp_path: Path, outputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record pairs the files' state with their fingerprint only when nothing changed
    during the hash: else an older file put back later would pass for the newer bytes."""
    graph = tmp_path / "graphe.nt"
    graph.write_bytes((outputs[0] / "actions.nt").read_bytes())
    newer = tmp_path / "neuf.nt"
    newer.write_bytes((outputs[1] / "actions.nt").read_bytes())

    def replaced_meanwhile(paths: list[Path]) -> str:
        os.replace(newer, graph)  # as a conversion or a copy would, during the hash
        return fingerprint(paths)

    monkeypatch.setattr(disk_store, "fingerprint", replaced_meanwhile)
    store = tmp_path / "s"
    assert prepare_store(store, [graph]) is False
    assert not (store / disk_store.FILES).exists()


def test_a_store_path_that_loops_is_refused_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(UsageError, match=r"chemin impossible à suivre \(boucle de liens "):
        prepare_store(tmp_path / "a", [ONTOLOGY_FILE])


def test_the_store_beside_the_data_waits_a_little_for_a_query_come_during_its_load(
    tmp_path: Path, outputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user of the earlier data who arrived during the load (a query, ended in seconds)
    holds the swap back until it ends, rather than the load being thrown away for memory."""
    data = tmp_path / "out"
    shutil.copytree(outputs[1], data, symlinks=True)
    store = data / AUTOMATIC
    assert prepare_store(store, served_files(outputs[0])) is False  # the earlier data
    real = disk_store.load_on_disk
    users: list[subprocess.Popen[str]] = []

    def load_then_a_query_comes(location: Path, files: list[Path]) -> None:
        real(location, files)
        users.append(_holder(store, outputs[0]))  # uses the earlier version, for 1 s
        threading.Timer(1.0, users[0].communicate, args=("",)).start()

    monkeypatch.setattr(disk_store, "load_on_disk", load_then_a_query_comes)
    _, note = query_store([data], [data / "actions.ttl"], limit=1000)
    assert users and users[0].wait(30) == 0
    assert note == f"magasin sur disque {store} : chargé"
    assert (store / FINGERPRINT).read_text() == fingerprint(
        [loading_form(data / "actions.ttl"), *EXTRA]
    )
