"""Publish the output into a named graph of any SPARQL 1.1 endpoint, replacing it whole.

The new version is first loaded into a staging graph (Graph Store HTTP Protocol PUT, or SPARQL
Update ``INSERT DATA`` in batches when the server has no Graph Store endpoint), then swapped in
with one update request (``MOVE``): a reader sees the old graph or the new one, never a mix, and
a publish that fails half-way leaves the previous version in place. The triple count on the
server is checked afterwards. Transient failures (refused or reset connections, timeouts, 5xx)
are retried with backoff; 401, 403 and 404 fail at once with a clear message. Credentials come
from ``CSKG_ENDPOINT_USER`` / ``CSKG_ENDPOINT_PASSWORD`` or ``~/.netrc``, never from the
command line, and are never printed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import netrc
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from converter.endpoint import served_files
from converter.errors import RemoteError, UsageError
from converter.query import reading_rdf, sparql_term

DEFAULT_GRAPH = "https://w3id.org/cskg/graph/actions"
TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
BATCH_TRIPLES = 5000


@dataclass(frozen=True)
class Endpoint:
    """The three URLs of a SPARQL service; ``store`` is None when it has no Graph Store."""

    query: str
    update: str
    store: str | None
    credentials: tuple[str, str] | None = None
    timeout: float = 60
    attempts: int = 4
    backoff: float = 0.5

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        update: str | None = None,
        store: str | None = None,
        timeout: float = 60,
        attempts: int = 4,
    ) -> Endpoint:
        """Guess the update and Graph Store URLs from the query URL (oxigraph: /query, /update,
        /store; Fuseki: /sparql, /update, /data), unless given.

        :raises UsageError: ``url`` is not an http(s) URL.
        """
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise UsageError(f"URL de point d'accès invalide : {url}")
        base, _, last = url.rstrip("/").rpartition("/")
        guessed_store: str | None = None
        guessed_update = url
        if last == "query":
            guessed_update, guessed_store = f"{base}/update", f"{base}/store"
        elif last == "sparql":
            guessed_update, guessed_store = f"{base}/update", f"{base}/data"
        return cls(
            query=url,
            update=update or guessed_update,
            store=store if store is not None else guessed_store,
            credentials=credentials_for(url),
            timeout=timeout,
            attempts=attempts,
        )


def credentials_for(url: str) -> tuple[str, str] | None:
    """From the environment, else from ``~/.netrc`` for the URL's host, else None."""
    user = os.environ.get("CSKG_ENDPOINT_USER")
    if user:
        return user, os.environ.get("CSKG_ENDPOINT_PASSWORD", "")
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        found = netrc.netrc().authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None
    if found and found[0]:
        return found[0], found[2] or ""
    return None


def _public(url: str) -> str:
    """``url`` without user information, for messages."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class _NoGraphStore(Exception):
    """The server has no Graph Store endpoint at the URL tried."""


@dataclass
class _Client:
    endpoint: Endpoint
    sleep: Callable[[float], None] = time.sleep
    retries: int = 0

    def request(self, method: str, url: str, body: bytes, content_type: str) -> bytes:
        headers = {"Content-Type": content_type, "Accept": "application/sparql-results+json, */*"}
        if self.endpoint.credentials:
            token = base64.b64encode(":".join(self.endpoint.credentials).encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        where = _public(url)
        for attempt in range(1, self.endpoint.attempts + 1):
            last = attempt == self.endpoint.attempts
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.endpoint.timeout) as response:
                    return bytes(response.read())
            except urllib.error.HTTPError as error:
                detail = error.read()[:300].decode(errors="replace").strip()
                if error.code in (401, 403):
                    raise RemoteError(
                        f"accès refusé ({error.code}) : vérifiez les identifiants", path=where
                    ) from None
                if error.code in (404, 405, 415) and method == "PUT":
                    raise _NoGraphStore() from None
                if error.code == 404:
                    raise RemoteError("point d'accès introuvable (404)", path=where) from None
                if error.code not in TRANSIENT_STATUS or last:
                    raise RemoteError(
                        f"le serveur refuse ({error.code}) : {detail}", path=where
                    ) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                reason = getattr(error, "reason", error)
                if last:
                    timed_out = isinstance(reason, TimeoutError) or isinstance(error, TimeoutError)
                    why = (
                        f"pas de réponse en {self.endpoint.timeout:g} s"
                        if timed_out
                        else (f"serveur injoignable ({reason})")
                    )
                    raise RemoteError(f"{why}, après {attempt} essais", path=where) from None
            self.retries += 1
            self.sleep(self.endpoint.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def update(self, text: str) -> None:
        self.request(
            "POST", self.endpoint.update, text.encode("utf-8"), "application/sparql-update"
        )

    def count(self, graph: str) -> int:
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_term('iri', graph)} {{ ?s ?p ?o }} }}"
        )
        data = self.request(
            "POST", self.endpoint.query, query.encode("utf-8"), "application/sparql-query"
        )
        try:
            return int(json.loads(data)["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError) as error:
            raise RemoteError(
                f"réponse illisible au comptage ({error})", path=_public(self.endpoint.query)
            ) from None


@dataclass
class Publication:
    graph: str
    triples: int
    method: str  # "graph-store" or "update"
    retries: int = 0
    files: list[Path] = field(default_factory=list)


def read_triples(files: Iterable[Path]) -> list[ox.Triple]:
    """Every distinct triple of ``files``, sorted.

    :raises InputError: a file is missing or is not valid RDF.
    """
    triples: set[ox.Triple] = set()
    for path in files:
        with reading_rdf(path) as fmt:
            for quad in ox.parse(path=str(path), format=fmt):
                triples.add(ox.Triple(quad.subject, quad.predicate, quad.object))
    return sorted(triples, key=str)


def staging_graph(graph: str) -> str:
    return "urn:cskg:staging:" + hashlib.sha256(graph.encode()).hexdigest()[:16]


def publish(
    data: Path,
    endpoint: Endpoint,
    graph: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Publication:
    """Replace ``graph`` on ``endpoint`` with the output in ``data``, ontology and vocabularies.

    :raises InputError: the output cannot be read.
    :raises UsageError: ``graph`` is not an IRI.
    :raises RemoteError: the endpoint fails; the previous graph is then left as it was.
    """
    target = sparql_term("iri", graph)
    files = served_files(data)
    triples = read_triples(files)
    payload = "".join(f"{t} .\n" for t in triples)
    client = _Client(endpoint, sleep)
    staging = staging_graph(graph)
    method = "graph-store"
    try:
        if endpoint.store is None:
            raise _NoGraphStore()
        url = f"{endpoint.store}?graph={urllib.parse.quote(staging, safe='')}"
        client.request("PUT", url, payload.encode("utf-8"), "application/n-triples")
    except _NoGraphStore:
        method = "update"
        client.update(f"DROP SILENT GRAPH <{staging}>")
        for start in range(0, len(triples), BATCH_TRIPLES):
            batch = "".join(f"{t} .\n" for t in triples[start : start + BATCH_TRIPLES])
            client.update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{batch}}} }}")
    staged = client.count(staging)
    if staged != len(triples):
        client.update(f"DROP SILENT GRAPH <{staging}>")
        raise RemoteError(
            f"graphe intermédiaire incomplet ({staged} triplets sur {len(triples)}) : "
            "le graphe publié n'a pas changé",
            path=_public(endpoint.update),
        )
    client.update(f"MOVE SILENT GRAPH <{staging}> TO {target}")
    published = client.count(graph)
    if published != len(triples):
        raise RemoteError(
            f"le graphe publié compte {published} triplets au lieu de {len(triples)}",
            path=_public(endpoint.query),
        )
    return Publication(graph, len(triples), method, client.retries, files)
