"""cskg against Morph-KGC and against pyoxigraph's parse, on the same generated fiches (issue 17).

    python benchmarks/compare.py [--sizes 2000 20000] [--jobs 2] [--keep DIR]

For each size: generate the fiches (benchmarks/generate.py, no damaged fiche), write their CSV
with ``cskg parse`` (Morph-KGC's input; not timed), then run, each in a fresh process:

- ``cskg convert`` as a user does (the three formats and report.json), and the same conversion
  writing N-Triples only (``converter.convert.convert(formats=("ntriples",))``);
- Morph-KGC (pinned below, installed by this script in benchmarks/.venv-morph, never a
  dependency of cskg) with benchmarks/morph_kgc/mapping.rml.ttl on that CSV, N-Triples out,
  2 processes;
- pyoxigraph parsing cskg's N-Triples: the floor for the same output.

Each run reports wall seconds, CPU seconds of all its processes (``os.wait4``: the process and
the children it reaped), the peak RSS of its largest process, the triples written and the load
average before and after. Then the ratios that issue 17 sets targets on, and, at the smallest
size, how many of Morph-KGC's triples cskg writes too. benchmarks/morph_kgc/README.md says what
the mapping leaves out, and why.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MORPH_KGC = "2.10.0"  # the version the earlier measure used
MORPH_DIR = ROOT / "benchmarks" / "morph_kgc"
MORPH_VENV = ROOT / "benchmarks" / ".venv-morph"
MORPH_PYTHON = MORPH_VENV / "bin" / "python"
DEPARTEMENTS = ROOT / "data" / "cog" / "v_departement_2026.csv"  # what cskg's COG resolves

NTRIPLES_ONLY = """
import sys
from pathlib import Path
from converter.convert import convert
convert([sys.argv[1]], Path(sys.argv[2]), jobs=int(sys.argv[3]), formats=("ntriples",))
"""
PARSE = """
import sys
import pyoxigraph as ox
print(sum(1 for _ in ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)))
"""
MORPH_CONFIG = """[CONFIGURATION]
output_file={output}
output_format=N-TRIPLES
number_of_processes={jobs}
udfs={udfs}
logging_level=WARNING

[CSKG]
mappings={mapping}
file_path={csv}
"""


@dataclass(frozen=True)
class Run:
    tool: str
    triples: int
    wall: float
    cpu: float
    rss_mib: float
    load_before: float
    load_after: float

    @property
    def per_cpu_second(self) -> float:
        return self.triples / self.cpu


def measure(
    command: Sequence[str], env: dict[str, str] | None = None, allowed: Sequence[int] = (0,)
) -> tuple[float, float, float]:
    """Run ``command``; its wall seconds, CPU seconds (it and the children it reaped) and the
    peak RSS in MiB of its largest process. Stops with its stderr unless it exits ``allowed``."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    errors = child.stderr.read()  # drained while it runs: a full pipe would block it
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in allowed:
        sys.exit(f"{command[0]} failed ({child.returncode}):\n{errors.decode()[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed(
    tool: str,
    command: Sequence[str],
    output: Path,
    env: dict[str, str] | None = None,
    allowed: Sequence[int] = (0,),
) -> Run:
    before = os.getloadavg()[0]
    wall, cpu, rss = measure(command, env, allowed)
    return Run(tool, count_lines(output), wall, cpu, rss, before, os.getloadavg()[0])


def count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(1 for line in stream if line.strip())


def morph_python() -> Path:
    """Morph-KGC's own environment, made on first use (pip, pinned version)."""
    marker = MORPH_VENV / f".morph-kgc-{MORPH_KGC}"
    if not marker.exists():
        print(f"installing Morph-KGC {MORPH_KGC} in {MORPH_VENV}…", file=sys.stderr)
        subprocess.run([PYTHON, "-m", "venv", "--clear", str(MORPH_VENV)], check=True)
        subprocess.run(
            [str(MORPH_PYTHON), "-m", "pip", "install", "-q", f"morph-kgc=={MORPH_KGC}"],
            check=True,
        )
        marker.touch()
    return MORPH_PYTHON


def generate(count: int, folder: Path) -> tuple[Path, Path]:
    """The fiches' text and their CSV (``cskg parse``), made once per folder."""
    text = folder / f"fiches-{count}.txt"
    if not text.exists():
        generator = ROOT / "benchmarks" / "generate.py"
        subprocess.run(
            [PYTHON, str(generator), str(count), "--seed", "1", "-o", str(text)], check=True
        )
    table = folder / f"parse-{count}" / "actions.csv"
    if not table.exists():
        subprocess.run(
            [PYTHON, "-m", "converter", "parse", str(text), "-o", str(table.parent)],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return text, table


def compare(count: int, folder: Path, jobs: int) -> tuple[list[Run], Path, Path]:
    text, table = generate(count, folder)
    out, nt_only = folder / f"cskg-{count}", folder / f"cskg-nt-{count}"
    cli = [PYTHON, "-m", "converter", "convert", str(text), "-o", str(out), "--jobs", str(jobs)]
    # exit status 1: SHACL violations or rejected fiches, the graph written all the same
    runs = [timed("cskg convert", cli, out / "actions.nt", allowed=(0, 1))]
    runs.append(
        timed(
            "cskg, N-Triples only",
            [PYTHON, "-c", NTRIPLES_ONLY, str(text), str(nt_only), str(jobs)],
            nt_only / "actions.nt",
        )
    )
    morph_out = folder / f"morph-kgc-{count}.nt"
    morph_out.unlink(missing_ok=True)
    config = folder / f"morph-kgc-{count}.ini"
    config.write_text(
        MORPH_CONFIG.format(
            output=morph_out,
            jobs=jobs,
            udfs=MORPH_DIR / "udfs.py",
            mapping=MORPH_DIR / "mapping.rml.ttl",
            csv=table,
        ),
        encoding="utf-8",
    )
    env = os.environ | {"CSKG_COG_DEPARTEMENTS": str(DEPARTEMENTS)}
    runs.append(
        timed(
            f"Morph-KGC {MORPH_KGC} (CSV)",
            [str(morph_python()), "-m", "morph_kgc", str(config)],
            morph_out,
            env,
        )
    )
    parse = [PYTHON, "-c", PARSE, str(nt_only / "actions.nt")]
    runs.append(timed("pyoxigraph parsing them", parse, nt_only / "actions.nt"))
    return runs, out / "actions.nt", morph_out


def overlap(ours: Path, theirs: Path) -> list[str]:
    """How much of Morph-KGC's output cskg writes too, and what only cskg writes."""
    import pyoxigraph as ox

    def triples(path: Path) -> set[ox.Triple]:
        return set(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))

    cskg, morph = triples(ours), triples(theirs)
    common = cskg & morph
    lines = [
        f"Morph-KGC's triples that cskg writes too: {len(common):,} / {len(morph):,};"
        f" cskg's triples that Morph-KGC writes: {len(common):,} / {len(cskg):,}"
        f" ({len(common) / len(cskg):.0%})",
    ]
    if morph - cskg:
        lines.append(f"one only Morph-KGC writes: {next(iter(morph - cskg))}")
    only = Counter(t.predicate.value for t in cskg - morph)
    lines.append(
        "only cskg writes, by property: "
        + ", ".join(f"{short(p)} {n:,}" for p, n in only.most_common(12))
    )
    return lines


def short(iri: str) -> str:
    """``prefix:name`` when cskg declares the prefix."""
    sys.path.insert(0, str(ROOT))
    from converter.vocab import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return iri


def marginal(by_size: dict[int, list[Run]]) -> list[str]:
    """Between the smallest and the largest size: the cost of one more action, start-up left
    out (imports, the COG, the mapping: what a small run mostly measures)."""
    if len(by_size) < 2:
        return []
    small, large = min(by_size), max(by_size)
    lines = [f"\nfrom {small:,} to {large:,} fiches, start-up left out:"]
    rates = {}
    for before, after in zip(by_size[small], by_size[large], strict=True):
        cpu = after.cpu - before.cpu
        if cpu <= 0:
            return [f"\nfrom {small:,} to {large:,} fiches: too close to tell start-up apart"]
        rates[after.tool] = (after.triples - before.triples) / cpu
        lines.append(
            f"- {after.tool}: {1000 * cpu / (large - small):.2f} CPU ms per action,"
            f" {rates[after.tool]:,.0f} triples per CPU-s"
        )
    convert, nt, morph, _ = (rates[run.tool] for run in by_size[large])
    lines.append(
        f"- triples per CPU-s, cskg convert / Morph-KGC {convert / morph:.2f}x"
        f" (N-Triples only {nt / morph:.2f}x)"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--jobs", type=int, default=2, help="processes for each tool")
    parser.add_argument(
        "--keep", type=Path, help="folder for generated files (default: a temporary one, removed)"
    )
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="cskg-compare-"))
    folder.mkdir(parents=True, exist_ok=True)
    morph_python()
    print(
        f"# cskg / Morph-KGC {MORPH_KGC} / pyoxigraph — {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, jobs={options.jobs}"
    )
    print(
        "\n| fiches | run | triples | wall s | CPU s | CPU ÷ wall | triples per CPU-s"
        " | CPU ms per action | peak RSS MiB | load before → after |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    ratios: list[str] = []
    by_size: dict[int, list[Run]] = {}
    try:
        for count in options.sizes:
            runs, ours, theirs = compare(count, folder, options.jobs)
            for run in runs:
                print(
                    f"| {count:,} | {run.tool} | {run.triples:,} | {run.wall:.1f} | {run.cpu:.1f}"
                    f" | {run.cpu / run.wall:.2f} | {run.per_cpu_second:,.0f}"
                    f" | {1000 * run.cpu / count:.2f} | {run.rss_mib:,.0f}"
                    f" | {run.load_before:.2f} → {run.load_after:.2f} |",
                    flush=True,
                )
            convert, nt, morph, parse = runs
            by_size[count] = runs
            ratios.append(
                f"- {count:,} fiches: triples per CPU-s, cskg convert / Morph-KGC"
                f" {convert.per_cpu_second / morph.per_cpu_second:.2f}x"
                f" (N-Triples only {nt.per_cpu_second / morph.per_cpu_second:.2f}x);"
                f" cskg convert / pyoxigraph's parse: {convert.wall / parse.wall:.1f}x the wall"
                f" time, {convert.cpu / parse.cpu:.1f}x the CPU"
                f" (N-Triples only {nt.wall / parse.wall:.1f}x, {nt.cpu / parse.cpu:.1f}x)"
            )
            if count == min(options.sizes):
                ratios += ["  " + line for line in overlap(ours, theirs)]
        print("\n" + "\n".join(ratios + marginal(by_size)))
    finally:
        if options.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
