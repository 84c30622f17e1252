"""``cskg site``: the whole site as files, written into a temporary sibling folder and swapped
in place at the end, so that a failing build never destroys the previous site.

Layout (``layout.py``): ``DIR/<path>/index.{html,ttl,jsonld,nt}`` for every IRI of the graph
below the base IRI, the ontology and the vocabularies; ``DIR/geo/<path>/`` for the INSEE
territories the graph names; ``DIR/index.html`` (home), ``DIR/actions/`` (the list with facets
and search), ``DIR/vocab/index.html`` (the vocabularies), ``DIR/telechargements/``,
``DIR/static/``, ``DIR/sitemap.xml``. Same input, same bytes.
"""

from __future__ import annotations

import concurrent.futures.process
import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import InvalidStateError, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from converter.disk_store import Announce, DataStore, data_store, silent
from converter.errors import CskgError, OutputError, UsageError, reason
from converter.model import FIELDS, Value
from converter.outputs import graph_file
from converter.paths import ONTOLOGY_FILE
from converter.serialise import FORMATS
from converter.site.actions import ActionRow, Actions, read_actions
from converter.site.claims import replacing
from converter.site.describe import description, descriptions
from converter.site.facets import LIST_FOLDER, write_list
from converter.site.graph import Labels
from converter.site.home import home_content
from converter.site.html import Here, esc, page, quote_path
from converter.site.layout import DEFAULT_SITE_BASE, document, part_of, site_path
from converter.site.pages import Context, incoming_file, resource_pages
from converter.vocab import SKOS, curie, vocabulary_files

STATIC_DIR = Path(__file__).resolve().parent / "static"
MARKER = ".cskg-site"  # a folder cskg site may replace holds this file
DOWNLOADS = "telechargements"
RANGES_PER_JOB = 4
MANAGER_WAIT = 5.0  # seconds a stopped pool's manager thread has to end (``_cancelled_quietly``)
RANGE_SIZE = 2_000  # resources per task on average (``_ranges``): a core idles little at the end
LINKS_PER_RESOURCE = 25  # listed links costing about one page (from the 100,000-action build)
SITE_FORMATS = (("ttl", "turtle"), ("jsonld", "jsonld"), ("nt", "ntriples"))


@dataclass
class SiteBuild:
    """What a build wrote; ``extra`` writers get it with the folder being written."""

    folder: Path
    base: str
    store: ox.Store
    documents: list[str] = field(default_factory=list)  # IRIs with a page, sorted
    files: int = 0


# Writers run after the site's own files, before the swap: each gets the temporary folder and
# the build, and returns how many files it wrote (``cskg site`` adds the SPARQL page and the
# redirect rules of ``site.server.write_serving_files``).
ExtraWriter = Callable[[Path, SiteBuild], int]


def _documents(store: ox.Store, base: str) -> list[str]:
    found: set[str] = set()
    solutions = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        subject = solution["s"]
        if (
            isinstance(subject, ox.NamedNode)
            and site_path(subject.value, base)
            and part_of(subject.value, base) is None  # described in its action's document
        ):
            found.add(document(subject.value))
    return sorted(found)


def _concept_counts(store: ox.Store) -> dict[str, int]:
    """How many actions use each concept, in any field whose values are concepts."""
    users: dict[str, set[str]] = defaultdict(set)
    for fiche_field in FIELDS:
        if fiche_field.value is Value.CONCEPT:
            for quad in store.quads_for_pattern(None, curie(fiche_field.predicate), None):
                users[quad.object.value].add(quad.subject.value)  # type: ignore[union-attr]
    return {concept: len(actions) for concept, actions in users.items()}


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _downloads(data: Path, folder: Path) -> list[tuple[str, str]]:
    """Copy the data, the ontology and the vocabularies (and a release's catalogue, when
    ``data`` holds one in ``release/``) into ``DIR/telechargements/``: (name, site path)."""
    graph = graph_file(data)
    sources = [graph.with_suffix(f.suffix) for f in FORMATS.values()]
    sources += [graph.with_name("actions.csv"), ONTOLOGY_FILE, *vocabulary_files()]
    release = graph.parent / "release"
    sources += [release / n for n in ("participations.csv", "catalog.ttl", "catalog.jsonld")]
    names = {"actions.ttl": "les actions en Turtle", "actions.nt": "les actions en N-Triples",
             "actions.jsonld": "les actions en JSON-LD", "actions.csv": "les actions en CSV",
             "cskg.ttl": "l'ontologie (Turtle)", "catalog.ttl": "le catalogue DCAT (Turtle)",
             "catalog.jsonld": "le catalogue DCAT (JSON-LD)",
             "participations.csv": "les partenaires et financeurs des actions (CSV)"}  # fmt: skip
    written = []
    for source in sources:
        if source.is_file():
            shutil.copyfile(source, folder / DOWNLOADS / source.name)
            name = names.get(source.name, f"vocabulaire {source.stem} (Turtle)")
            written.append((f"{name} — {source.name}", f"{DOWNLOADS}/{source.name}"))
    return written


def _sitemap(urls: list[str]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<url><loc>{esc(url)}</loc></url>" for url in urls]
    return ("\n".join([*lines, "</urlset>", ""])).encode("utf-8")


def _vocabularies_page(context: Context, here: Here, documents: list[str]) -> str:
    schemes = [
        iri
        for iri in documents
        if SKOS + "ConceptScheme" in context.labels.types(ox.NamedNode(iri))
    ]
    items = "".join(
        f'<li><a href="{esc(here.to_iri(iri) or "")}">{esc(context.labels.label(node))}</a></li>'
        for iri in schemes
        if (node := ox.NamedNode(iri))
    )
    return f"<h1>Les vocabulaires</h1><ul>{items}</ul>"


@dataclass
class _Shared:
    """What the resource pages of one build share, inherited by forked workers."""

    context: Context
    folder: Path
    concept_counts: dict[str, int]
    actions: Actions
    downloads: list[tuple[str, str]]
    data: DataStore  # a worker reads it through a handle of its own (``DataStore.reopened``)


_SHARED: _Shared | None = None
_STORE: DataStore | None = None  # the store a forked helper lists the documents of
_UNOPENED: CskgError | None = None  # why a worker could not open its store


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Have the system kill this process, forked by process ``parent`` (its pid read before
    the fork), when that process ends, even by SIGKILL (Linux; elsewhere nothing): a build
    left running with nobody to rename its folder would write gigabytes for nothing. What it
    wrote is removed by the next start (``claims``)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent ended before the request took effect, maybe
        # before this process even started
        os.kill(os.getpid(), signal.SIGKILL)


def _worker_start(parent: int) -> None:
    """In a forked worker: Ctrl-C and SIGTERM end it at once and silently (it inherited the
    handlers of ``cskg serve``, which turn them into KeyboardInterrupt, and a worker waiting
    for its next task would print its traceback); the process that started it stops the
    build and removes the files. It dies with that process. It reads the store through a
    handle of its own."""
    global _UNOPENED
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)
    if _SHARED is not None:
        context = _SHARED.context
        try:
            context.store = context.labels.store = _SHARED.data.reopened()
        except CskgError as error:  # raised by its first task: an initializer's error would
            _UNOPENED = error  # break the pool, told in English with its traceback


def _check_opened() -> None:
    """In a worker: the error of opening its store (``_worker_start``), if any."""
    if _UNOPENED is not None:
        raise _UNOPENED


@contextmanager
def _forked_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Workers forked from this process (they inherit the store and ``_SHARED``), which
    Ctrl-C and SIGTERM end silently. What this process holds is frozen for the garbage
    collector meanwhile (``gc.freeze``): a worker's collections would otherwise write into
    every object it inherited, and the system copy each page of them into the worker."""
    fork = multiprocessing.get_context("fork")
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=fork, initializer=_worker_start, initargs=(os.getpid(),)
        ) as pool:
            yield pool
    finally:
        gc.unfreeze()


@contextmanager
def _cancelled_quietly() -> Iterator[None]:
    """While the block runs, Python 3.11's known failure of a pool's manager thread is not
    printed: when the workers end (Ctrl-C) after the build cancelled the ranges still queued,
    the thread sets an error on those cancelled tasks and dies of ``InvalidStateError``, its
    traceback on the user's terminal (later Pythons check first). The build is stopping
    already; any other error of a thread is printed as usual."""
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not InvalidStateError:
            previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        # a pool shut down without waiting forgets its manager thread, which may report
        # after the block: waited for here (seconds at most) before the hook goes
        manager = getattr(concurrent.futures.process, "_ExecutorManagerThread", ())
        for thread in threading.enumerate():
            if isinstance(thread, manager):
                thread.join(MANAGER_WAIT)
        threading.excepthook = previous


def _documents_in_helper(base: str) -> list[str]:
    assert _STORE is not None
    return _documents(_STORE.reopened(), base)


@contextmanager
def _documents_beside(data: DataStore, base: str, jobs: int) -> Iterator[Callable[[], list[str]]]:
    """The documents of ``store``, listed by a forked helper while this process reads the
    rows when there are several jobs (each takes a tenth of the build at 100,000 actions):
    call what the block gets for the list."""
    global _STORE
    if jobs < 2:
        yield lambda: _documents(data.store, base)
        return
    _STORE = data
    with _forked_pool(1) as helper:
        try:
            listing = helper.submit(_documents_in_helper, base)
        finally:
            _STORE = None  # the helper holds its copy from the fork
        yield listing.result


def _write_overview() -> int:
    """The home page and the list of actions with its indexes: one task, run by a worker
    beside the resources' ranges when there are several."""
    assert _SHARED is not None
    _check_opened()
    context, folder, rows = _SHARED.context, _SHARED.folder, _SHARED.actions.rows
    labels, here = context.labels, Here("", context.base)
    home = home_content(context.store, rows, labels, here, _SHARED.downloads, context.pages)
    _write(folder / "index.html", page(here, "Accueil", home))
    label = lambda value: labels.label(ox.NamedNode(value)) if value.startswith("http") else value  # noqa: E731
    write_list(folder, rows, _SHARED.actions.words, label, context.base)
    return 0


def _write_resources(chosen: list[tuple[str, str]]) -> int:
    """The page and descriptions of each (IRI, path) of ``chosen``; the files written."""
    assert _SHARED is not None
    _check_opened()
    context, folder = _SHARED.context, _SHARED.folder
    files = 0
    for iri, path in chosen:
        target = f"{folder}/{path}/"
        os.makedirs(target, exist_ok=True)
        described = description(context.store, iri)
        encoded = descriptions(described.triples)
        for extension, name in SITE_FORMATS:
            _write_new(target + f"index.{extension}", encoded[name])
        here = Here(path, context.base)
        title, first, others = resource_pages(context, here, described, iri, _SHARED.concept_counts)
        html = page(here, title, first, jsonld=encoded["jsonld"], rdf=True)
        _write_new(target + "index.html", html.encode("utf-8"))
        for number, content in enumerate(others, 2):
            other = page(here, title, content, rdf=True)
            _write_new(target + incoming_file(number), other.encode("utf-8"))
        files += 4 + len(others)
    return files


def _write_new(path: str, data: bytes) -> None:
    """One file of a resource's folder (made already), without the cost of a file object."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view) :]
    finally:
        os.close(handle)


def _resource_paths(documents: list[str], base: str) -> list[tuple[str, str]]:
    """(IRI, path) of the documents that get a folder: not the home page, not the site's own
    folders, not a second IRI of a path already taken."""
    taken: dict[str, str] = {}
    for iri in documents:
        path = site_path(iri, base)
        if path and path not in (LIST_FOLDER, "static", DOWNLOADS) and path not in taken:
            taken[path] = iri
    return sorted(((iri, path) for path, iri in taken.items()), key=lambda ip: ip[0])


def _ranges(
    chosen: list[tuple[str, str]], links: Callable[[str], int | None], count: int
) -> list[list[tuple[str, str]]]:
    """``chosen`` cut into about ``count`` contiguous ranges of about equal cost, in order (an
    action's neighbours share its structure, labels, links: a worker's caches serve the next
    range), so that no core is left alone with a long one at the end (the concepts come last
    and cost most). A resource costs one, plus one per
    ``LINKS_PER_RESOURCE`` of the ``links`` its page lists (a concept's, a territory's actions:
    tens of thousands at 100,000 actions).

    >>> _ranges([("a", "a"), ("b", "b"), ("c", "c"), ("d", "d")], {"d": 100}.get, 2)
    [[('a', 'a'), ('b', 'b'), ('c', 'c')], [('d', 'd')]]
    """
    costs = [1 + (links(iri) or 0) / LINKS_PER_RESOURCE for iri, _ in chosen]
    share = sum(costs) / count
    ranges: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    load = 0.0
    for item, cost in zip(chosen, costs, strict=True):
        if current and load + cost > share:
            ranges.append(current)
            current, load = [], 0.0
        current.append(item)
        load += cost
    return [*ranges, current] if current else ranges


def write_site(
    data: Path,
    folder: Path,
    base: str,
    *,
    jobs: int = 1,
    writers: Sequence[ExtraWriter] = (),
    store_path: Path | None = None,
    announce: Announce = silent,
) -> SiteBuild:
    """Every file of the site into ``folder`` (empty); the resource pages in ``jobs`` forked
    processes (the same bytes whatever their number). The graph is read from the store
    ``disk_store.data_store`` chooses (at ``store_path``, beside large data, or in memory)."""
    global _SHARED
    (folder / DOWNLOADS).mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(1) as copier:  # the copies wait on the disk, the load on the CPU
        copying = copier.submit(_downloads, data, folder)
        opened = data_store([data], [graph_file(data)], store=store_path, announce=announce)
        copied = copying.result()  # before any fork: no thread runs in a forked process
    if opened.note:
        announce(opened.note)
    store = opened.store
    labels = Labels(store)
    with _documents_beside(opened, base, jobs) as listed:
        actions = read_actions(store)
        documents = listed()
    build = SiteBuild(folder, base, store, documents)
    actions_of: dict[str, list[ActionRow]] = defaultdict(list)
    for row in actions.rows:
        for place in row.territories:
            actions_of[place].append(row)
    context = Context(store, labels, base, set(documents), dict(actions_of))
    chosen = _resource_paths(documents, base)
    here = Here("", base)
    downloads = [(name, here.to("", path)) for name, path in copied]
    _SHARED = _Shared(context, folder, _concept_counts(store), actions, downloads, opened)
    try:
        if jobs > 1 and len(chosen) > jobs:
            count = max(jobs * RANGES_PER_JOB, len(chosen) // RANGE_SIZE)
            users = _SHARED.concept_counts
            ranges = _ranges(
                chosen, lambda iri: users.get(iri, 0) + len(actions_of.get(iri, ())), count
            )
            with _cancelled_quietly(), _forked_pool(jobs) as pool:
                try:
                    overview = pool.submit(_write_overview)  # first: the longest task
                    build.files += sum(pool.map(_write_resources, ranges))
                    overview.result()
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)  # not the ranges queued
                    raise
        else:
            build.files += _write_resources(chosen) + _write_overview()
    finally:
        _SHARED = None
    taken = {path for _, path in chosen}
    urls = [base] + [base + quote_path(path) for _, path in chosen]
    urls.append(base + LIST_FOLDER + "/")
    if "vocab" not in taken:
        vocab_here = Here("vocab", base)
        _write(
            folder / "vocab" / "index.html",
            page(
                vocab_here,
                "Vocabulaires",
                _vocabularies_page(context, vocab_here, documents),
            ),
        )
    for source in sorted(STATIC_DIR.glob("*.*")):
        _write(folder / "static" / source.name, source.read_bytes())
    _write(folder / "sitemap.xml", _sitemap(sorted(set(urls))))
    _write(
        folder / MARKER,
        "Site écrit par cskg site ; ce dossier est remplacé à chaque construction.\n",
    )
    for writer in writers:
        build.files += writer(folder, build)
    return build


def build_site(
    data: Path,
    output: Path,
    *,
    base: str = DEFAULT_SITE_BASE,
    jobs: int = 1,
    writers: Sequence[ExtraWriter] = (),
    store_path: Path | None = None,
    announce: Announce = silent,
) -> SiteBuild:
    """Write the site of ``data`` into ``output``, replacing a previous site there at once;
    the graph read from the store at ``store_path`` (a store on disk, loaded when its files
    changed), else as ``disk_store.data_store`` chooses. ``announce`` is told of the store
    and of its waits.

    :raises InputError: the data cannot be read.
    :raises UsageError: ``output`` is a non-empty folder that is not a cskg site, ``base``
        is not an http(s) IRI ending with "/", ``jobs`` is below 1, or ``store_path`` is not
        a store.
    :raises OutputError: the folder, or the store, cannot be written.
    """
    if jobs < 1:
        raise UsageError(f"--jobs : au moins 1, pas {jobs}")
    if not base.startswith(("http://", "https://")) or not base.endswith("/"):
        raise UsageError(f"--base-iri : une IRI http(s) terminée par « / », pas « {base} »")
    output = output.absolute()
    if output.exists() and (
        not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).exists())
    ):
        raise UsageError(
            f"{output} existe et n'est pas un site cskg : choisissez un autre dossier (-o)"
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with replacing(output, marker=MARKER) as temporary:
            build = write_site(
                data,
                temporary,
                base,
                jobs=jobs,
                writers=writers,
                store_path=store_path,
                announce=announce,
            )
    except OSError as error:
        raise OutputError(f"écriture impossible ({reason(error)})", path=str(output)) from None
    build.folder = output
    return build
