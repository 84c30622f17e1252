"""Mutation testing of the pure modules, each against its own unit tests (issue 12, point 13).

Run with ``make mutants`` (it makes ``.venv-mutants`` with mutmut, apart from the project's
``.venv``), or ``.venv-mutants/bin/python benchmarks/mutants.py [MODULE ...]``.

Each module is mutated in its own copy of the project under ``build/mutants/<module>/``, whose
``pyproject.toml`` gets a ``[tool.mutmut]`` section that mutates that module only and selects its
own tests (and its doctests): a mutant counts as killed only by the tests written for it.
The property tests run derandomized (``CI=1``, see ``tests/conftest.py``) so that two runs of
the same code give the same score. mutmut runs at most ``--jobs`` workers (2 by default: the
machine has 2 cores, shared), and each module stops after ``--timeout`` seconds.

mutmut 3 mutates the bodies of functions and methods only: module-level constants (regular
expressions, tables) and decorated functions (``functools.cache``, ``lru_cache``, properties)
are not mutated; ``benchmarks/RESULTS.md`` names what that leaves out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutants"
# module -> its own unit tests; the module itself is given too, for its doctests
MODULES: dict[str, list[str]] = {
    "amounts": ["tests/test_amounts.py"],
    "text": ["tests/test_text.py"],
    "territory": ["tests/test_territory.py", "tests/test_communes.py"],
    "reader": ["tests/test_reader_rules.py", "tests/test_reader_seed.py"],
}
# what the tests read beside the code (the ontology and shapes for test_communes' convert)
RESOURCES = ["data", "ontology", "shapes", "queries"]


# mutmut runs the tests once to record which test calls which function, then runs for each
# mutant only the tests that called its function. A cache or a fixture shared between tests
# would credit its work to the first test only (and, as mutmut forks its workers from that
# process, a cached result of the unmutated code would hide the mutant). So while recording,
# every test starts with empty caches and its own fixtures; then each worker's test session
# starts with empty caches, as a new process does.
COLD_CACHES = """

def _mutmut_clear_caches() -> None:
    import converter.reader
    import converter.territory
    import converter.text

    for cached in (
        converter.text.fold,
        converter.territory.load_cog,
        converter.reader._header_of_stripped,
        converter.reader._near_key,
    ):
        cached.cache_clear()


def _mutmut_recording() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


@pytest.fixture(autouse=True, scope="session")
def _mutmut_cold_caches() -> None:
    # only the caches the mutated function feeds: the COG index for the COG loaders, fold's
    # (and the reader's header look-ups built on it) for text.py; methods of Cog and the
    # reader work on warm caches built by the unmutated code, as they do in a real run
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    if mutant.startswith("converter.text.") or mutant.startswith("converter.territory.x__"):
        _mutmut_clear_caches()


@pytest.fixture(autouse=True)
def _mutmut_cold_caches_while_recording() -> None:
    if _mutmut_recording():
        _mutmut_clear_caches()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from _pytest.scope import Scope

    if not _mutmut_recording():
        return
    for item in items:
        for definitions in item._fixtureinfo.name2fixturedefs.values():  # type: ignore[attr-defined]
            for definition in definitions:
                if definition.func.__module__.startswith("tests."):
                    definition._scope = Scope.Function
"""


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def prepare(module: str) -> Path:
    """A fresh copy of the project whose mutmut configuration targets ``module``."""
    folder = BUILD / module
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
    for name in ["converter", "tests", *RESOURCES]:
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    with (folder / "tests" / "conftest.py").open("a", encoding="utf-8") as conftest:
        conftest.write(COLD_CACHES)
    path = f"converter/{module}.py"
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["converter"]\n'
        f"only_mutate = {_toml_list([path])}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list([*MODULES[module], path])}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n'
        f"also_copy = {_toml_list(RESOURCES)}\n"
        "use_git_change_detection = false\n"
    )
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(text + config, encoding="utf-8")
    return folder


def _mutmut(folder: Path, *args: str, timeout: float | None = None) -> str:
    env = {**os.environ, "CI": "1"}
    command = [sys.executable, "-m", "mutmut", *args]
    done = subprocess.run(
        command,
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout


def run(
    module: str,
    jobs: int,
    timeout: float,
    show: bool,
    recheck: list[str] | None,
    stats_from: Path | None = None,
) -> dict[str, object]:
    """Mutate ``module``; with ``recheck`` (survivors of an earlier full run), run those only.

    ``stats_from``: the earlier run's folder, whose record of which test calls which function is
    reused (mutmut records only the tests added since).
    """
    folder = prepare(module)
    earlier_stats = stats_from / module / "mutants" / "mutmut-stats.json" if stats_from else None
    if earlier_stats is not None and earlier_stats.exists():
        (folder / "mutants").mkdir()
        shutil.copy2(earlier_stats, folder / "mutants" / "mutmut-stats.json")
    start = time.monotonic()
    interrupted = False
    try:
        command = ["run", "--max-children", str(jobs), *(recheck or [])]
        log = _mutmut(folder, *command, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        interrupted = True
        log = expired.stdout if isinstance(expired.stdout, str) else ""
    seconds = time.monotonic() - start
    (folder / "mutmut-run.log").write_text(log, encoding="utf-8")
    status = {}
    for line in _mutmut(folder, "results", "--all", "true").splitlines():
        name, _, verdict = line.strip().partition(": ")
        if verdict:
            status[name] = verdict
    if recheck is not None:  # the others were killed by the earlier run's tests, still here
        status = {
            name: status.get(name, "killed") if name in recheck else "killed" for name in status
        }
    counts = {v: sum(1 for x in status.values() if x == v) for v in sorted(set(status.values()))}
    not_killed = [f"{name}: {v}" for name, v in status.items() if v != "killed"]
    if show:
        for line in not_killed:
            if line.endswith(": survived"):
                print(_mutmut(folder, "show", line.split(":")[0]))
    checked = sum(n for v, n in counts.items() if v not in ("not checked", "skipped"))
    caught = counts.get("killed", 0) + counts.get("timeout", 0)
    return {
        "module": module,
        "tests": MODULES[module],
        "seconds": round(seconds, 1),
        "interrupted": interrupted,
        "rechecked": len(recheck) if recheck is not None else None,
        "counts": counts,
        "total": len(status),
        "score": round(100 * caught / checked, 1) if checked else None,
        "not_killed": not_killed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", help=f"among {', '.join(MODULES)} (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="mutmut workers (default 2)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per module")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument(
        "--recheck",
        type=Path,
        help="summary.json of an earlier full run: test again only the mutants it left alive",
    )
    parser.add_argument(
        "--stats-from",
        type=Path,
        help="with --recheck: the earlier run's folder (default: beside its summary.json)",
    )
    options = parser.parse_args()
    modules = options.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s): {', '.join(unknown)}")
    load = os.getloadavg()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, mutmut {version('mutmut')}, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {options.jobs} worker(s)"
    )
    earlier = {}
    if options.recheck is not None:
        for result in json.loads(options.recheck.read_text(encoding="utf-8")):
            earlier[result["module"]] = [line.split(":")[0] for line in result["not_killed"]]
    results = []
    for module in modules:
        stats_from = options.stats_from or (options.recheck.parent if options.recheck else None)
        result = run(
            module, options.jobs, options.timeout, options.show, earlier.get(module), stats_from
        )
        results.append(result)
        counts = result["counts"]
        assert isinstance(counts, dict)
        print(
            f"{module:<10} score {result['score']}%  total {result['total']}  "
            + "  ".join(f"{verdict} {n}" for verdict, n in counts.items())
            + f"  ({result['seconds']} s{', INTERRUPTED' if result['interrupted'] else ''})"
        )
        for line in result["not_killed"]:  # type: ignore[attr-defined]
            if not line.endswith("not checked"):
                print("    " + line)
        if not counts.get("killed"):
            print(f"    no mutant killed: see {BUILD / module / 'mutmut-run.log'}")
    BUILD.mkdir(parents=True, exist_ok=True)
    (BUILD / "summary.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
