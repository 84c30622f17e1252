"""Ctrl-C while ``cskg serve`` writes its first site (issue 15): the real command in a
subprocess, SIGINT sent once the site's folder is being written. It stops at once, says so in
French without a traceback, exits 130, leaves no process of the build running (it writes with
two workers) and no folder a next run would take for a whole site: the next run writes the
site anew."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from converter.convert import convert
from converter.endpoint import free_port
from converter.errors import OutputError
from converter.reader import render
from converter.site import aside, build
from tests.serving import converted
from tests.test_scale import generate


def _ctrl_c_enabled() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as in a terminal, even from a background job


def _serve_command(tmp_path: Path) -> tuple[list[str], Path]:
    """``cskg serve`` on 600 generated fiches, converted (a site that takes seconds to write on
    any machine: the example's is written whole before a signal comes), and its site cache."""
    fiches = tmp_path / "fiches.txt"
    fiches.write_text(render(list(generate.fiches(600, seed=5))), encoding="utf-8")
    data = tmp_path / "sortie"
    convert([fiches], data, jobs=2)
    command = [str(Path(sys.executable).with_name("cskg")), "serve", "--data", str(data)]
    return [*command, "--port", str(free_port())], data / ".cskg-serve"


def test_ctrl_c_during_the_first_site_build_stops_at_once_and_keeps_nothing(
    tmp_path: Path,
) -> None:
    command, cache = _serve_command(tmp_path)
    building = f"cskg-test-{os.getpid()}-{time.monotonic_ns()}"  # the build's two workers too
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=_ctrl_c_enabled,
                               env={**os.environ, "CSKG_TEST": building})  # fmt: skip
    try:
        _until_writing_resources(process, cache)
        groups = _groups(building)
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = process.communicate(timeout=30)
        stopped = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert "interrompu" in err, err
    assert stopped < 5, stopped
    assert "site écrit" not in out
    assert not cache.exists() or list(cache.iterdir()) == [], list(cache.iterdir())
    # the build and its workers in one group of their own, stopped together by the serve,
    # silently (a worker waiting for a task printed its KeyboardInterrupt's traceback)
    # serve, the build and its two workers
    assert len(groups) >= 4 and groups.pop(process.pid) != process.pid, groups
    assert len(set(groups.values())) == 1 and next(iter(groups.values())) in groups, groups
    assert _marked(building) == [], "un processus de la construction du site a survécu à Ctrl-C"
    mark = f"cskg-test-{os.getpid()}-{time.monotonic_ns()}"  # in the environment of its children
    again = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_ctrl_c_enabled, env={**os.environ, "CSKG_TEST": mark})  # fmt: skip
    try:
        first = again.stdout.readline()  # type: ignore[union-attr]
    finally:
        again.send_signal(signal.SIGINT)  # while the SPARQL server starts and loads
        again.communicate(timeout=60)
    assert first.startswith("site écrit : "), first  # written anew, not « réutilisé »
    assert _marked(mark) == [], "un serveur oxigraph a survécu à Ctrl-C"


def test_serve_killed_during_the_first_build_leaves_no_process_and_its_files_go_next_time(
    tmp_path: Path,
) -> None:
    """SIGKILL (the OOM killer, ``kill -9``) gives serve no chance to stop its build: the
    system ends the build and its workers with it (they would write gigabytes nobody renames),
    and the next start removes what they wrote before it writes the site anew."""
    command, cache = _serve_command(tmp_path)
    building = f"cskg-test-{os.getpid()}-{time.monotonic_ns()}"
    _killed_while_writing(command, cache, building, processes=4)  # serve, its build, 2 workers
    assert _marked(building) == [], "la construction du site a survécu à serve tué"
    left = sorted(p.name for p in cache.iterdir())
    assert left and all(name.startswith(".") for name in left), left  # nothing whole
    # stopped, not run to its end (a build that outlived serve would have finished its site)
    assert not list(cache.glob(f"*/{build.MARKER}")), "la construction a continué sans serve"
    mark = f"cskg-test-{os.getpid()}-{time.monotonic_ns()}"
    again = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=_ctrl_c_enabled, env={**os.environ, "CSKG_TEST": mark})  # fmt: skip
    try:
        first = again.stdout.readline()  # type: ignore[union-attr]
    finally:
        again.send_signal(signal.SIGINT)
        again.communicate(timeout=60)
    assert first.startswith("site écrit : "), first
    assert [p.name for p in cache.iterdir()] == [Path(first.split(" : ", 1)[1].strip()).name]


def _killed_while_writing(command: list[str], beside: Path, mark: str, *, processes: int) -> None:
    """Run ``command`` (``mark`` in its environment), SIGKILL it once at least ``processes`` of
    its own write the resources' folders into a build folder of ``beside``, and wait (30 s at
    most) until none of them is left."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "CSKG_TEST": mark})  # fmt: skip
    try:
        _until_writing_resources(process, beside)
        assert len(_marked(mark)) >= processes
        process.kill()
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 30
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.05)


def _until_writing_resources(
    process: subprocess.Popen[str] | subprocess.Popen[bytes], cache: Path
) -> None:
    """Wait until the build's workers write the resources' folders (the copies and the store
    came first), serve still running."""
    deadline = time.monotonic() + 120
    while not any(cache.glob("*.tmp/id")) and not any(cache.glob("*.tmp/geo")):
        if process.poll() is not None:
            break
        assert time.monotonic() < deadline, "le site n'a jamais commencé"
        time.sleep(0.01)
    assert process.poll() is None, process.communicate()


def _groups(mark: str) -> dict[int, int]:
    """The process group of each process whose environment holds ``mark``."""
    found = {}
    for pid in map(int, _marked(mark)):
        try:
            found[pid] = os.getpgid(pid)
        except ProcessLookupError:
            continue
    return found


def _marked(mark: str) -> list[str]:
    """The processes whose environment holds ``mark`` (the oxigraph server of a serve)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"CSKG_TEST={mark}".encode() in environ.read_bytes():
                found.append(environ.parent.name)
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def test_an_error_of_the_build_in_its_process_reaches_the_user(tmp_path: Path) -> None:
    """The build runs in a child process: its typed error is the parent's message and status."""
    data = converted(tmp_path / "sortie")
    command = [str(Path(sys.executable).with_name("cskg")), "serve", "--data", str(data)]
    done = subprocess.run([*command, "--port", str(free_port()), "--base-iri", "ftp://x/"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2, done
    assert (
        "erreur : --base-iri : une IRI http(s) terminée par « / », pas « ftp://x/ »" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_a_build_killed_without_a_word_leaves_no_process_and_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's process killed by the system (out of memory, say) while a worker of it
    runs: the parent reports it in French, kills the rest of its group and removes its files."""
    worker_pid = tmp_path / "worker.pid"

    def killed(
        data: Path, into: Path, base: str, jobs: int, store: object, sender: object, parent: int
    ) -> None:
        aside._own_group(0)
        worker = os.fork()
        if worker == 0:  # a worker of the build, still writing when its parent dies
            time.sleep(60)
            os._exit(0)
        worker_pid.write_text(str(worker))
        (into.parent / f".{into.name}.abcd1234.tmp").mkdir()
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(aside, "_build", killed)
    with pytest.raises(OutputError, match="l'écriture du site s'est arrêtée"):
        aside.build_aside(tmp_path / "sortie", tmp_path / "site", base="https://w3id.org/cskg/")
    assert list(tmp_path.glob(".site.*.tmp")) == []
    status = Path(f"/proc/{worker_pid.read_text()}/status")
    assert not status.exists() or "\nState:\tZ" in status.read_text(), "le travailleur survit"


def test_cskg_site_killed_by_force_leaves_no_process_and_its_files_go_at_the_next_build(
    tmp_path: Path,
) -> None:
    """``cskg site`` killed by force (``kill -9``) while its workers write: they die with it,
    its temporary folder stays (nothing can remove it then) and the next build removes it."""
    command, _ = _serve_command(tmp_path)
    site = [command[0], "site", "--data", command[3], "-o", str(tmp_path / "site"), "--jobs", "2"]
    mark = f"cskg-test-{os.getpid()}-{time.monotonic_ns()}"
    _killed_while_writing(site, tmp_path, mark, processes=3)  # cskg site and its two workers
    assert _marked(mark) == [], "les processus du site ont survécu à cskg site tué"
    assert [p.name for p in tmp_path.glob(".site.*.tmp")], "rien d'écrit avant l'arrêt ?"
    assert not (tmp_path / "site").exists()
    finished = subprocess.run(site, capture_output=True, text=True, timeout=300, check=False)
    assert finished.returncode == 0, finished.stderr
    assert (tmp_path / "site" / build.MARKER).is_file()
    assert list(tmp_path.glob(".site.*")) == []


def test_the_pools_known_failure_after_a_cancel_is_not_printed_and_others_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python 3.11's pool manager thread dies of InvalidStateError when the workers end after
    the build cancelled its queued ranges (seen once in four Ctrl-C of serve): not a traceback
    for the user; any other error of a thread still reaches the usual hook."""
    from concurrent.futures import InvalidStateError

    seen: list[type[BaseException]] = []

    def usual(args: threading.ExceptHookArgs) -> None:
        seen.append(args.exc_type)

    def failing(error: Exception) -> None:
        raise error

    monkeypatch.setattr(threading, "excepthook", usual)
    with build._cancelled_quietly():
        for error in (InvalidStateError("CANCELLED"), ValueError("autre")):
            thread = threading.Thread(target=failing, args=(error,))
            thread.start()
            thread.join()
    assert threading.excepthook is usual
    assert seen == [ValueError]
