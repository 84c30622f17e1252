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


# mutmut forks each mutant's worker from a process that already ran the tests once: a cached
# result computed by the unmutated code would hide the mutant. Each worker's test session
# starts with the project's caches empty, as a new process does.
COLD_CACHES = """

@pytest.fixture(autouse=True, scope="session")
def _mutmut_cold_caches() -> None:
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


def run(module: str, jobs: int, timeout: float, show: bool) -> dict[str, object]:
    folder = prepare(module)
    start = time.monotonic()
    interrupted = False
    try:
        log = _mutmut(folder, "run", "--max-children", str(jobs), timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        interrupted = True
        log = expired.stdout if isinstance(expired.stdout, str) else ""
    seconds = time.monotonic() - start
    (folder / "mutmut-run.log").write_text(log, encoding="utf-8")
    _mutmut(folder, "export-cicd-stats")
    stats_file = folder / "mutants" / "mutmut-cicd-stats.json"
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    lines = _mutmut(folder, "results").splitlines()
    survivors = [
        line.strip().split(":")[0] for line in lines if line.strip().endswith(": survived")
    ]
    not_killed = [line.strip() for line in lines if ": " in line]
    if show:
        for name in survivors:
            print(_mutmut(folder, "show", name))
    total = int(stats.get("total", 0))
    skipped = int(stats.get("skipped", 0))
    caught = int(stats.get("killed", 0)) + int(stats.get("timeout", 0))
    counted = total - skipped
    return {
        "module": module,
        "tests": MODULES[module],
        "seconds": round(seconds, 1),
        "interrupted": interrupted,
        "stats": stats,
        "score": round(100 * caught / counted, 1) if counted else None,
        "not_killed": not_killed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", help=f"among {', '.join(MODULES)} (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="mutmut workers (default 2)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per module")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
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
    results = []
    for module in modules:
        result = run(module, options.jobs, options.timeout, options.show)
        results.append(result)
        stats = result["stats"]
        assert isinstance(stats, dict)
        print(
            f"{module:<10} score {result['score']}%  killed {stats.get('killed')}"
            f"  survived {stats.get('survived')}  no tests {stats.get('no_tests')}"
            f"  timeout {stats.get('timeout')}  total {stats.get('total')}"
            f"  ({result['seconds']} s{', INTERRUPTED' if result['interrupted'] else ''})"
        )
        for line in result["not_killed"]:  # type: ignore[attr-defined]
            print("    " + line)
    (BUILD / "summary.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
