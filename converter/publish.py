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
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from converter.endpoint import served_files
from converter.errors import RemoteError
from converter.query import sparql_term
from converter.remote import check_endpoint_url, credentials_for, public_url
from converter.serialise import reading_rdf

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
        check_endpoint_url(url)
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


class _NoGraphStore(Exception):
    """The server has no Graph Store endpoint at the URL tried."""


class _Unanswered(RemoteError):
    """A request that must not be repeated blindly got no usable answer: the server may or
    may not have run it."""


@dataclass
class _Client:
    endpoint: Endpoint
    sleep: Callable[[float], None] = time.sleep
    retries: int = 0

    def request(
        self, method: str, url: str, body: bytes, content_type: str, *, repeatable: bool = True
    ) -> bytes:
        """Send one request; transient failures (refused or dropped connections, timeouts,
        5xx) are retried with backoff when the request is ``repeatable`` (running it twice
        leaves the server as running it once).

        :raises _Unanswered: a request that is not ``repeatable`` failed in a way that may
            have left it run (the caller looks at the server before anything else).
        :raises RemoteError: the server refuses, or still fails after the last attempt.
        """
        headers = {"Content-Type": content_type, "Accept": "application/sparql-results+json, */*"}
        if self.endpoint.credentials:
            token = base64.b64encode(":".join(self.endpoint.credentials).encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        where = public_url(url)
        for attempt in range(1, self.endpoint.attempts + 1):
            last = attempt == self.endpoint.attempts or not repeatable
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
                if error.code not in TRANSIENT_STATUS:
                    raise RemoteError(
                        f"le serveur refuse ({error.code}) : {detail}", path=where
                    ) from None
                if last:
                    failure: type[RemoteError] = RemoteError if repeatable else _Unanswered
                    raise failure(
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
                    if not repeatable:
                        raise _Unanswered(why, path=where) from None
                    raise RemoteError(f"{why}, après {attempt} essais", path=where) from None
            self.retries += 1
            self.sleep(self.endpoint.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    def update(self, text: str, *, repeatable: bool = True) -> None:
        self.request(
            "POST",
            self.endpoint.update,
            text.encode("utf-8"),
            "application/sparql-update",
            repeatable=repeatable,
        )

    def stage(self, staging: str, triples: list[ox.Triple]) -> None:
        """Load ``triples`` into the empty graph ``staging`` by ``INSERT DATA`` batches.

        A batch that holds blank nodes is not repeatable (each run mints new ones): when its
        answer is lost, the staging graph is loaded again from the start.

        :raises RemoteError: the server refuses, or the load still fails after the last attempt.
        """
        for attempt in range(1, self.endpoint.attempts + 1):
            try:
                self.update(f"DROP SILENT GRAPH <{staging}>")
                for start in range(0, len(triples), BATCH_TRIPLES):
                    chunk = triples[start : start + BATCH_TRIPLES]
                    batch = "".join(f"{t} .\n" for t in chunk)
                    self.update(
                        f"INSERT DATA {{ GRAPH <{staging}> {{\n{batch}}} }}",
                        repeatable=not any(map(_has_blank_node, chunk)),
                    )
                return
            except _Unanswered as lost:
                if attempt == self.endpoint.attempts:
                    raise RemoteError(
                        f"chargement sans réponse ({lost.message}), après {attempt} essais",
                        path=lost.path,
                    ) from None
            self.retries += 1
            self.sleep(self.endpoint.backoff * 2 ** (attempt - 1))

    def swap(self, staging: str, graph: str, expected: int) -> None:
        """Move ``staging`` over ``graph``. The move is the one step that must not be sent
        twice blindly: when its answer is lost, the server is asked what happened (staging
        graph gone and target complete: it ran; staging still complete: it did not, and is
        sent again). ``MOVE`` without ``SILENT`` fails, instead of emptying the target, if
        the staging graph is missing.

        :raises RemoteError: the server refuses, or its state is neither before nor after.
        """
        move = f"MOVE GRAPH <{staging}> TO {sparql_term('iri', graph)}"
        for attempt in range(1, self.endpoint.attempts + 1):
            try:
                self.update(move, repeatable=False)
                return
            except _Unanswered as lost:
                staged, published = self.count(staging), self.count(graph)
                if staged == 0 and published == expected:
                    return  # the server ran the move; only its answer was lost
                if staged != expected or attempt == self.endpoint.attempts:
                    raise RemoteError(
                        f"échange des graphes sans réponse ({lost.message}) ; le serveur "
                        f"montre {staged} triplets en attente et {published} publiés",
                        path=lost.path,
                    ) from None
            self.retries += 1
            self.sleep(self.endpoint.backoff * 2 ** (attempt - 1))

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
                f"réponse illisible au comptage ({error})", path=public_url(self.endpoint.query)
            ) from None


def _has_blank_node(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


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
    sparql_term("iri", graph)  # a graph that is not an IRI fails before any request
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
        client.stage(staging, triples)
    staged = client.count(staging)
    if staged != len(triples):
        client.update(f"DROP SILENT GRAPH <{staging}>")
        raise RemoteError(
            f"graphe intermédiaire incomplet ({staged} triplets sur {len(triples)}) : "
            "le graphe publié n'a pas changé",
            path=public_url(endpoint.update),
        )
    client.swap(staging, graph, len(triples))
    published = client.count(graph)
    if published != len(triples):
        raise RemoteError(
            f"le graphe publié compte {published} triplets au lieu de {len(triples)}",
            path=public_url(endpoint.query),
        )
    return Publication(graph, len(triples), method, client.retries, files)
