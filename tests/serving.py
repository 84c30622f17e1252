"""The real ``cskg serve`` on a free loopback port, over the example converted once, and a
small site folder written from the example with the site's own layout and descriptions.

``small_site`` stands in for ``cskg site`` (its pages are one line of HTML each): the server is
tested on files laid out by ``converter.site.layout`` and described by
``converter.site.describe``, whatever the pages look like.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from converter.convert import convert
from converter.endpoint import free_port, served_files
from converter.site.describe import describe, description_bytes
from converter.site.layout import file_of
from converter.vocab import CSKG

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "actions_centres_sociaux.txt"
FORMATS = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples"}


def converted(folder: Path) -> Path:
    """The example converted into ``folder``."""
    convert([EXAMPLE], folder)
    return folder


def store_of(output: Path) -> ox.Store:
    store = ox.Store()
    for path in served_files(output):
        store.bulk_load(path=str(path))
    return store


@dataclass(frozen=True)
class Sample:
    """IRIs of the example, one of each kind."""

    action: str
    structure: str
    concept: str
    scheme: str
    ontology: str = "https://w3id.org/cskg/def"

    def all(self) -> list[str]:
        return [self.action, self.structure, self.concept, self.scheme, self.ontology]


def sample(store: ox.Store) -> Sample:
    def first(text: str) -> str:
        solutions = store.query(text)
        assert isinstance(solutions, ox.QuerySolutions), text
        rows = list(solutions)
        assert rows, text
        return str(rows[0][0].value)

    action = first(f"SELECT ?a WHERE {{ ?a a <{CSKG}Action> }} ORDER BY ?a LIMIT 1")
    return Sample(
        action=action,
        structure=first(f"SELECT ?s WHERE {{ <{action}> <{CSKG}organiser> ?s }} LIMIT 1"),
        concept=first(
            "SELECT ?c WHERE { ?c a <http://www.w3.org/2004/02/skos/core#Concept> } "
            "ORDER BY ?c LIMIT 1"
        ),
        scheme=first(
            "SELECT ?c WHERE { ?c a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } "
            "ORDER BY ?c LIMIT 1"
        ),
    )


def small_site(store: ox.Store, iris: list[str], folder: Path) -> Path:
    """A site folder with the files of ``iris`` (a one-line page and the three descriptions)
    and a home page."""
    (folder / "index.html").parent.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="fr"><title>Accueil</title><h1>Accueil</h1></html>\n'
    )
    for iri in iris:
        triples = describe(store, iri)
        for extension, name in FORMATS.items():
            target = folder / str(file_of(iri, extension))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(description_bytes(triples, name))
        page = folder / str(file_of(iri, "html"))
        page.write_text(f'<!DOCTYPE html><html lang="fr"><title>{iri}</title></html>\n')
    return folder


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]


@contextmanager
def serving(data: Path, *extra: str) -> Iterator[Served]:
    """``cskg serve --data DATA EXTRA…`` on a free port; stopped (SIGTERM) at the end.

    Fails with the server's own output when it stops before answering.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "converter",
        "serve",
        "--data",
        str(data),
        "--port",
        str(port),
        *extra,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"cskg serve s'est arrêté : {output}")
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise AssertionError("cskg serve n'a pas répondu en 60 s") from None
                time.sleep(0.2)
        yield Served(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
