"""``cskg convert`` of another checkout and of this one on the same fiches: CPU and bytes.

    python benchmarks/convert_ab.py BASE [--sizes 20000] [--jobs 2] [--rounds 2] [--keep DIR]

BASE is another checkout of cskg (``git worktree add --detach /tmp/base main``). For each size:
generate the fiches (benchmarks/generate.py, seed 1, not timed), then, ``--rounds`` times, run
``cskg convert`` (the three formats and report.json) with BASE's code and then with this
checkout's, each in a fresh process started in its own checkout (so that Python imports that
checkout's package) with a cache folder of its own, filled once before the first round (the COG
index cache then counts as in everyday use). Each run reports wall seconds, CPU seconds of all
its processes (``os.wait4``), the peak RSS of its largest process and the load average before
and after (``python -P`` with ``PYTHONPATH`` set to the checkout, and a check that every module
comes from it). Then every output file of the two checkouts is compared byte for byte, and
pyoxigraph parses this checkout's N-Triples (the floor for the same output).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import PARSE, Run, measure  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def convert(checkout: Path, fiches: Path, output: Path, jobs: int, cache: Path) -> Run:
    """One ``cskg convert`` run of ``checkout``'s code."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(checkout)}
    command = [PYTHON, "-P", "-m", "converter", "convert", str(fiches), "-o", str(output)]
    command += ["--jobs", str(jobs)]
    before = os.getloadavg()[0]
    wall, cpu, rss = measure(command, env)
    triples = sum(1 for line in (output / "actions.nt").open("rb") if line.strip())
    return Run(checkout.name, triples, wall, cpu, rss, before, os.getloadavg()[0])


# Every module of the package a conversion imports, and where from: the editable install of
# this checkout would otherwise fill in the modules BASE lacks.
IMPORTED = """
import sys
import converter.cli, converter.convert
print("\\n".join(m.__file__ for n, m in sys.modules.items()
                if n.split(".")[0] == "converter" and getattr(m, "__file__", None)))
"""


def check_imports(checkout: Path) -> None:
    """Stop unless ``checkout``'s conversion imports its own modules only."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    files = subprocess.run(
        [PYTHON, "-P", "-c", IMPORTED], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    foreign = [f for f in files if not Path(f).resolve().is_relative_to(checkout)]
    if foreign or not files:
        sys.exit(f"{checkout}: modules imported from elsewhere: {foreign or 'none found'}")


def same_bytes(left: Path, right: Path) -> list[str]:
    """The output files that differ between two output folders (none when identical)."""
    names = sorted({p.name for p in (*left.iterdir(), *right.iterdir()) if p.is_file()})
    return [n for n in names if not filecmp.cmp(left / n, right / n, shallow=False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", type=Path, help="the other checkout (e.g. main)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="folder for generated files")
    options = parser.parse_args()
    checkouts = {"base": options.base.resolve(), "this": ROOT}
    for checkout in checkouts.values():
        check_imports(checkout)
    folder = options.keep or Path(tempfile.mkdtemp(prefix="cskg-ab-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" jobs={options.jobs}; base {checkouts['base']}, this {ROOT}"
    )
    print(
        "\n| fiches | round | code | triples | wall s | CPU s | CPU ms per action"
        " | peak RSS MiB | load before → after |\n|---:|---:|---|---:|---:|---:|---:|---:|---|"
    )
    summary = []
    for count in options.sizes:
        fiches = folder / f"fiches-{count}.txt"
        if not fiches.exists():
            generate = [PYTHON, str(ROOT / "benchmarks" / "generate.py"), str(count)]
            subprocess.run([*generate, "--seed", "1", "-o", str(fiches)], check=True)
        caches = {name: folder / f"cache-{name}" for name in checkouts}
        warm = folder / "warm.txt"
        if not warm.exists():
            generate = [PYTHON, str(ROOT / "benchmarks" / "generate.py"), "5"]
            subprocess.run([*generate, "--seed", "1", "-o", str(warm)], check=True)
        for name, checkout in checkouts.items():
            convert(checkout, warm, folder / f"warm-{name}", 1, caches[name])
        cpu: dict[str, list[float]] = {name: [] for name in checkouts}
        for number in range(1, options.rounds + 1):
            for name, checkout in checkouts.items():
                output = folder / f"out-{count}-{name}"
                run = convert(checkout, fiches, output, options.jobs, caches[name])
                cpu[name].append(run.cpu)
                print(
                    f"| {count:,} | {number} | {name} | {run.triples:,} | {run.wall:.1f}"
                    f" | {run.cpu:.1f} | {1000 * run.cpu / count:.2f} | {run.rss_mib:,.0f}"
                    f" | {run.load_before:.2f} → {run.load_after:.2f} |",
                    flush=True,
                )
            differ = same_bytes(folder / f"out-{count}-base", folder / f"out-{count}-this")
            summary.append(
                f"- {count:,} fiches, round {number}: CPU base ÷ this"
                f" {cpu['base'][-1] / cpu['this'][-1]:.2f}x;"
                + (f" files that differ: {', '.join(differ)}" if differ else " same bytes")
            )
        nt = folder / f"out-{count}-this" / "actions.nt"
        _, parse_cpu, _ = measure([PYTHON, "-c", PARSE, str(nt)], None)
        summary.append(
            f"- {count:,} fiches: pyoxigraph parses the N-Triples in {parse_cpu:.1f} CPU-s;"
            f" cskg convert takes {min(cpu['base']) / parse_cpu:.1f}x that (base, best round)"
            f" and {min(cpu['this']) / parse_cpu:.1f}x (this)"
        )
    print("\n" + "\n".join(summary))


if __name__ == "__main__":
    main()
