"""Measure the action list's indexes at scale: what a browser loads, and how long it takes.

    python benchmarks/site_indexes.py [--sizes 10000 100000] [--keep DIR] [--word ÉCRIVAIN]

For each size: generate the fiches (benchmarks/generate.py) and convert them (not timed, kept
in ``--keep``), write the list folder of the site (``actions/`` and ``static/``, as ``cskg site``
writes them), then open it from the disk in Debian's chromium (Playwright, as the browser tests)
and print: the total size of the index files; for the list's first view, a click on the
largest département and a search for ``--word``, the files loaded, the largest of them, the
bytes loaded and the browser time until the list shows the result (the page's own clock, from
the navigation or the click); with the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from converter.site.actions import read_actions  # noqa: E402
from converter.site.build import STATIC_DIR  # noqa: E402
from converter.site.facets import LIST_FOLDER, write_list  # noqa: E402
from converter.site.graph import Labels, load_store  # noqa: E402
from converter.site.layout import DEFAULT_SITE_BASE  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# When the list shows a result (the count « N actions sur M »), in the page's own clock: the
# browser's time, without the driver's round trips.
SHOWN = """document.addEventListener("DOMContentLoaded", () => {
  const count = document.getElementById("compte");
  if (!count) return;
  new MutationObserver(() => {
    if (count.textContent.includes(" sur ")) window.cskgShown = performance.now();
  }).observe(count, { childList: true, characterData: true, subtree: true });
});"""
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def converted(work: Path, size: int) -> Path:
    fiches, out = work / f"fiches-{size}.txt", work / f"out-{size}"
    if not (out / "actions.ttl").exists():
        if not fiches.exists():
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(size),
                            "--seed", "1", "-o", str(fiches)], check=True)  # fmt: skip
        subprocess.run([sys.executable, "-m", "converter", "convert", str(fiches), "-o", str(out)],
                       check=False, stdout=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip
    return out


def list_folder(data: Path, site: Path) -> float:
    """The list's folder of the site of ``data`` into ``site``; the seconds it took (the list
    only: store loading excluded)."""
    store = load_store(data)
    labels = Labels(store)
    actions = read_actions(store)
    start = time.perf_counter()
    label = lambda v: labels.label(ox.NamedNode(v)) if v.startswith("http") else v  # noqa: E731
    write_list(site, actions.rows, actions.words, label, DEFAULT_SITE_BASE)
    seconds = time.perf_counter() - start
    (site / "static").mkdir(parents=True, exist_ok=True)
    for source in STATIC_DIR.glob("*.*"):
        shutil.copyfile(source, site / "static" / source.name)
    return seconds


def measure(site: Path, word: str) -> list[tuple[str, int, int, int, float]]:
    """(step, files loaded, largest file, bytes loaded, seconds) of the three views."""
    from playwright.sync_api import sync_playwright

    loaded: list[Path] = []
    steps = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("request", lambda r: loaded.append(Path(r.url.removeprefix("file://"))))

        page.add_init_script(SHOWN)

        def step(name: str, action: object, *, new_page: bool = False) -> None:
            loaded.clear()
            before = page.evaluate("() => (document.getElementById('compte') || {}).textContent")
            start = 0.0 if new_page else page.evaluate("performance.now()")
            action()  # type: ignore[operator]
            page.wait_for_function(
                "before => { const c = document.getElementById('compte');"
                " return c && c.textContent.includes(' sur ') && c.textContent !== before; }",
                arg=before, timeout=120_000,
            )  # fmt: skip
            seconds = (page.evaluate("window.cskgShown") - start) / 1000
            sizes = [p.stat().st_size for p in loaded if p.is_file()]
            steps.append((name, len(sizes), max(sizes, default=0), sum(sizes), seconds))

        url = (site / LIST_FOLDER / "index.html").as_uri()
        step("first view", lambda: page.goto(url), new_page=True)
        box = page.locator("fieldset[data-facette=departement] input").first
        step("facet click", lambda: box.evaluate("b => b.click()"))  # no driver round trip
        step("clear", lambda: page.locator("#effacer").click())
        step("search", lambda: page.locator("#q").fill(word))
        browser.close()
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--word", default="ÉCRIVAIN")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="cskg-indexes-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for size in options.sizes:
        data = converted(work, size)
        site = work / f"list-{size}"
        shutil.rmtree(site, ignore_errors=True)
        before = os.getloadavg()[0]
        seconds = list_folder(data, site)
        indexes = [p for p in (site / LIST_FOLDER).rglob("*.js")]
        total = sum(p.stat().st_size for p in indexes)
        print(f"{size} actions: {len(indexes)} index files, {total / 2**20:.1f} MiB in all, "
              f"largest {max(p.stat().st_size for p in indexes) / 1024:.0f} KiB; list pages and "
              f"indexes written in {seconds:.1f} s (load average {before:.2f})", flush=True)  # fmt: skip
        for name, files, largest, loaded, took in measure(site, options.word):
            if name == "clear":
                continue
            print(f"  {name}: {files} files loaded, largest {largest / 1024:.0f} KiB, "
                  f"{loaded / 1024:.0f} KiB in all, {took * 1000:.0f} ms in chromium "
                  f"(load average {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip
        if not options.keep:
            shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    main()
