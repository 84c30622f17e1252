"""Where the files of an IRI go in the site: the contract between ``cskg site`` and ``cskg serve``.

An IRI ``<root><path>`` is written as ``DIR/<path>/index.<ext>`` (``ext``: html, ttl, jsonld,
nt) for each root of ``roots(base)``: the base IRI given (``https://w3id.org/cskg/`` by
default) and the project's own namespace, where the ontology and the vocabularies always live.
A fragment names a term of its document: ``https://w3id.org/cskg/def#Action`` is described in
``DIR/def/index.*``. The parts of an action (``…/fiche``, ``…/association/2``: ``part_of``) have
no folder: their action's files describe them, its page at the anchor of each. INSEE's
territories (``http://id.insee.fr/geo/<path>``) are not ours to
dereference, but the site shows what the graph says of them in ``DIR/geo/<path>/``.
"""

from __future__ import annotations

import re
import urllib.parse
from functools import lru_cache

from converter.site import negotiation

PROJECT_ROOT = "https://w3id.org/cskg/"
DEFAULT_SITE_BASE = PROJECT_ROOT
TERRITORY_ROOT = "http://id.insee.fr/geo/"
TERRITORY_FOLDER = "geo/"
EXTENSIONS = ("html", "ttl", "jsonld", "nt")
# A path written as folders: no empty, dot or dot-dot segment, no control byte (one search of
# the whole path, not one per segment).
_BAD_PATH = re.compile(r"(?:^|/)\.{0,2}(?:/|$)|[\x00-\x1f\x7f\\]")
# IRIs whose path, part and link a build process keeps (each function its own): those linked
# from many pages (concepts, territories, a structure's neighbours in IRI order) are worked
# out once. A million, as before, held 800 MB at 100,000 actions, which each forked worker
# copied as its hits moved the entries.
CACHED_IRIS = 50_000


@lru_cache(maxsize=64)
def roots(base: str = DEFAULT_SITE_BASE) -> tuple[str, ...]:
    """The IRI prefixes mapped to the site's root folder, the longest first.

    >>> roots("https://example.org/cskg/")
    ('https://example.org/cskg/', 'https://w3id.org/cskg/')
    """
    return tuple(sorted({base, PROJECT_ROOT}, key=lambda root: (-len(root), root)))


def document(iri: str) -> str:
    """The IRI without its fragment: what a browser asks for."""
    return iri.partition("#")[0]


@lru_cache(maxsize=CACHED_IRIS)
def part_of(iri: str, base: str = DEFAULT_SITE_BASE) -> tuple[str, str] | None:
    """(the action's IRI, the part's anchor in its page) when ``iri`` names a part of an
    action (``negotiation.part_of``): it has no folder, its action's document describes it.

    >>> part_of("https://w3id.org/cskg/id/action/72/cs/repair-cafe/financement/1/montant")
    ('https://w3id.org/cskg/id/action/72/cs/repair-cafe', 'financement/1/montant')
    >>> part_of("https://w3id.org/cskg/id/action/72/cs/repair-cafe") is None
    True
    """
    for root in roots(base):
        if iri.startswith(root):
            found = negotiation.part_of(iri[len(root) :])
            return None if found is None else (root + found[0], found[1])
    return None


@lru_cache(maxsize=CACHED_IRIS)
def site_path(iri: str, base: str = DEFAULT_SITE_BASE) -> str | None:
    """The folder of ``iri`` in the site, relative to its root ("" for the root itself), or
    None when the site has no page for it (another namespace, or a path no folder can hold).

    >>> site_path("https://w3id.org/cskg/id/action/72/cs/repair-cafe")
    'id/action/72/cs/repair-cafe'
    >>> site_path("https://w3id.org/cskg/def#Action"), site_path("http://id.insee.fr/geo/region/52")
    ('def', 'geo/region/52')
    >>> site_path("http://example.org/x"), site_path("https://w3id.org/cskg/id/../x")
    (None, None)
    """
    iri = document(iri)
    for root in (*roots(base), TERRITORY_ROOT):
        if iri.startswith(root):
            path = urllib.parse.unquote(iri[len(root) :].rstrip("/"))
            if "?" in path or (path and _BAD_PATH.search(path)):
                return None
            if root == TERRITORY_ROOT:
                return TERRITORY_FOLDER + path if path else None
            return path
    return None


def file_of(iri: str, extension: str, base: str = DEFAULT_SITE_BASE) -> str | None:
    """The file of ``iri`` in ``extension``, relative to the site's root.

    >>> file_of("https://w3id.org/cskg/vocab/statut/en-cours", "ttl")
    'vocab/statut/en-cours/index.ttl'
    """
    path = site_path(iri, base)
    if path is None:
        return None
    return f"{path}/index.{extension}" if path else f"index.{extension}"
