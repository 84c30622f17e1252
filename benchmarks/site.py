"""Measure ``cskg site`` at scale and print the figures (no assertion: shared, noisy machines).

    python benchmarks/site.py [--sizes 1000 10000 100000] [--jobs 1 2] [--keep DIR]
                              [--into DIR] [--code CHECKOUT ...]

For each size: generate the fiches (benchmarks/generate.py) and convert them (not timed), then
build the site in a fresh process for each number of ``--jobs`` and print the wall time, the
processor time (user and system, the workers' included: what a loaded machine changes least),
the time of each stage in the main process (with one job: load, rows, describe, serialise, HTML
pages, home, list, indexes), the files written, their size, the peak RSS of the main process,
and the load average before and after. ``--into``: where the sites are written (default: beside
the data; ``/dev/shm`` measures without the disk). ``--code``: the checkouts whose converter
builds the site (default: this one), one after the other on the same data for each number of
jobs, e.g. main's beside a branch's. The stages are those of the main process: with several
jobs, the resources, the home page and the list are written in the workers. The issue's
target: ≤ 60 s at 100,000 actions on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

BUILD = """
import json, resource, sys, time
from pathlib import Path
from converter.site import build
stages = {}
original = build.write_site
def timed(name, function):
    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            stages[name] = stages.get(name, 0.0) + time.perf_counter() - start
    return run
from converter.site import facets
for module, name, stage in ((build, "load_store", "load"), (build, "data_store", "load"),
                            (build, "read_actions", "rows"),
                            (build, "_documents", "documents"),
                            (build, "resource_pages", "pages (HTML)"),
                            (build, "describe", "describe"), (build, "description", "describe"),
                            (build, "descriptions", "serialise"), (build, "home_content", "home"),
                            (facets, "list_pages", "list"), (facets, "indexes", "indexes")):
    if hasattr(module, name):  # the stages of the code measured
        setattr(module, name, timed(stage, getattr(module, name)))
start = time.perf_counter()
done = build.build_site(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]))
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
cpu = sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF,
                                                                    resource.RUSAGE_CHILDREN)))
print(json.dumps({"wall": wall, "cpu": cpu, "stages": stages, "resources": len(done.documents),
                  "files": done.files, "peak_mib": peak}))
"""


def _size(folder: Path) -> tuple[int, int]:
    files = total = 0
    for path in folder.rglob("*"):
        if path.is_file():
            files += 1
            total += path.stat().st_size
    return files, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--into", type=Path)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--code", type=Path, nargs="+", default=[ROOT])
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="cskg-site-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for size in options.sizes:
        fiches, converted = work / f"fiches-{size}.txt", work / f"out-{size}"
        if not (converted / "actions.ttl").exists():
            subprocess.run([PYTHON, str(ROOT / "benchmarks" / "generate.py"), str(size),
                            "--seed", "1", "-o", str(fiches)], check=True)  # fmt: skip
            subprocess.run([PYTHON, "-m", "converter", "convert", str(fiches), "-o",
                            str(converted), "--jobs", "2"],
                           check=False, stdout=subprocess.DEVNULL)  # fmt: skip
            if not (converted / "actions.ttl").exists():  # exit 1: some fiches refused
                raise SystemExit(f"conversion sans sortie : {converted}")
        for jobs, code in ((j, c) for j in options.jobs for c in options.code):
            site = (options.into or work) / f"site-{size}-{jobs}"
            shutil.rmtree(site, ignore_errors=True)
            before = os.getloadavg()
            done = subprocess.run([PYTHON, "-c", BUILD, str(converted), str(site), str(jobs)],
                                  check=True, capture_output=True, text=True,
                                  cwd=code.resolve(), env=os.environ | {"PYTHONPATH": "."})  # fmt: skip
            after = os.getloadavg()
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            files, total = _size(site)
            shutil.rmtree(site, ignore_errors=True)
            stages = ", ".join(f"{name} {s:.1f} s" for name, s in figures["stages"].items())
            print(
                f"{size} actions, {jobs} job(s), code {code}, into {site.parent}: site built in "
                f"{figures['wall']:.1f} s, processor {figures['cpu']:.1f} s (the workers' "
                f"included; {figures['resources']} resources, {files} files, "
                f"{total / 2**20:.0f} MiB, peak RSS {figures['peak_mib']:.0f} MiB); {stages}; "
                f"load average {before[0]:.2f} before, {after[0]:.2f} after",
                flush=True,
            )


if __name__ == "__main__":
    main()
