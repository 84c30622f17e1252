"""Publish the output into a named graph of any SPARQL 1.1 endpoint, replacing it whole.

The new version is first loaded into a staging graph (Graph Store HTTP Protocol PUT, or SPARQL
Update ``INSERT DATA`` in batches when the server has no Graph Store endpoint), then swapped in
with one update request (``MOVE``): a reader sees the old graph or the new one, never a mix, and
a publish that fails half-way leaves the previous version in place. The triple count on the
server is checked afterwards. Transient failures (refused or reset connections, timeouts, 5xx)
are retried with backoff; 401, 403 and 404 fail at once with a clear message. Credentials come
from ``CSKG_ENDPOINT_USER`` / ``CSKG_ENDPOINT_PASSWORD`` or ``~/.netrc``, never from the
command line, and are never printed; they are sent as Basic, or as Digest to a URL that asks
it (Virtuoso's ``/sparql-auth``).

Tested with oxigraph and Virtuoso 7. The rules that make one publish fit both:

- Graph Store: a PUT answered 404, 405, 415, 400 or 501 (Virtuoso on a path it does not serve)
  means "no Graph Store here" and the triples go by ``INSERT DATA``; an empty store URL says so
  from the start.
- Queries (the triple counts) are sent as form-encoded POST (``query=``), the one form SPARQL
  1.1 Protocol requires of every server (Virtuoso never answers a POST of
  ``application/sparql-query``); updates as ``application/sparql-update``, which both take.
- The Graph Store load goes in parts of ``STORE_PART_TRIPLES`` (100,000) triples: a PUT of the
  first part, which replaces the staging graph, then a POST of each other part, which appends;
  each is its own transaction on the server (Virtuoso stalled on one PUT of 3.3 million
  triples). A lost answer repeats a part that holds no blank node (a graph is a set: sending it
  twice adds nothing); with blank nodes, the staging graph is loaded again from the first part.
- ``INSERT DATA`` batches hold ``BATCH_TRIPLES`` (1,000) triples; a batch the server refuses as
  too large (413, 400, or Virtuoso's SP030/SP031 limits on generated SQL) is split in two and
  re-sent, down to ``MIN_BATCH_TRIPLES``.
- The ``MOVE`` is sent only after the staging graph was counted complete, before each attempt:
  Virtuoso, unlike oxigraph, runs ``MOVE`` from a missing graph and empties the target.
- The ``MOVE`` is one transaction: Virtuoso aborts it (SR325) when it logs more than its
  ``TransactionAfterImageLimit``; that refusal is not retried and says which setting to raise.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from converter.endpoint import served_files
from converter.errors import RemoteError
from converter.query import sparql_term
from converter.remote import check_endpoint_url, credentials_for, open_url, public_url
from converter.serialise import reading_rdf

TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
BATCH_TRIPLES = 1000
STORE_PART_TRIPLES = 100_000
MIN_BATCH_TRIPLES = 50
NO_GRAPH_STORE = frozenset({400, 404, 405, 415, 501})
SIZE_LIMITS = (b"SP030", b"SP031")  # Virtuoso: SPARQL text too large for its SQL compiler
# Virtuoso: a transaction that logs more than TransactionAfterImageLimit bytes is aborted (the
# MOVE of a 100,000-action graph, with its default of 50 MB): sending it again cannot help.
TOO_BIG_TRANSACTION = b"SR325"


@dataclass(frozen=True)
class Endpoint:
    """The three URLs of a SPARQL service; ``store`` is None when it has no Graph Store;
    ``update_fallback`` is tried when the guessed ``update`` URL does not exist (404)."""

    query: str
    update: str
    store: str | None
    update_fallback: str | None = None
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
        """Guess the update and Graph Store URLs from the query URL, unless given:

        - ``…/query``: ``…/update`` and ``…/store`` (oxigraph);
        - ``…/sparql``: ``…/update`` and ``…/data`` (Fuseki); when ``…/update`` answers 404,
          updates go to ``…/sparql`` itself (Virtuoso), and a ``…/data`` that answers 501 or
          404 means SPARQL Update batches;
        - ``…/sparql-auth``: updates to the same URL, ``…/sparql-graph-crud-auth`` (Virtuoso
          with authentication);
        - anything else: updates to the same URL, no Graph Store.

        ``store=""`` says that the server has no Graph Store.

        :raises UsageError: ``url`` is not an http(s) URL.
        """
        check_endpoint_url(url)
        base, _, last = url.rstrip("/").rpartition("/")
        guessed_store: str | None = None
        guessed_update = url
        fallback: str | None = None
        if last == "query":
            guessed_update, guessed_store = f"{base}/update", f"{base}/store"
        elif last == "sparql":
            guessed_update, guessed_store, fallback = f"{base}/update", f"{base}/data", url
        elif last == "sparql-auth":
            guessed_store = f"{base}/sparql-graph-crud-auth"
        return cls(
            query=url,
            update=update or guessed_update,
            store=(store or None) if store is not None else guessed_store,
            update_fallback=None if update else fallback,
            credentials=credentials_for(url),
            timeout=timeout,
            attempts=attempts,
        )


class _NoGraphStore(Exception):
    """The server has no Graph Store endpoint at the URL tried."""


class _Refused(RemoteError):
    """The server answered with an error status that is not worth retrying."""

    def __init__(self, message: str, *, path: str, status: int, detail: bytes) -> None:
        super().__init__(message, path=path)
        self.status = status
        self.detail = detail

    @property
    def too_large(self) -> bool:
        return self.status in (400, 413) or any(code in self.detail for code in SIZE_LIMITS)


class _Incomplete(RemoteError):
    """The staging graph does not hold what was sent: nothing is swapped."""


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
        :raises _Refused: the server refuses (status and text of its answer kept).
        :raises RemoteError: the server refuses, or still fails after the last attempt.
        """
        headers = {"Content-Type": content_type, "Accept": "application/sparql-results+json, */*"}
        where = public_url(url)
        for attempt in range(1, self.endpoint.attempts + 1):
            last = attempt == self.endpoint.attempts or not repeatable
            request = urllib.request.Request(url, data=body, method=method, headers=headers)
            try:
                with open_url(
                    request, self.endpoint.credentials, timeout=self.endpoint.timeout
                ) as response:
                    return bytes(response.read())
            except urllib.error.HTTPError as error:
                raw = error.read() if error.fp is not None else b""
                detail = raw[:300].decode(errors="replace").strip()
                if error.code in (401, 403):
                    raise RemoteError(
                        f"accès refusé ({error.code}) : vérifiez les identifiants", path=where
                    ) from None
                if error.code in NO_GRAPH_STORE and method == "PUT":
                    raise _NoGraphStore() from None
                if error.code == 404:
                    raise _Refused(
                        "point d'accès introuvable (404)", path=where, status=404, detail=raw
                    ) from None
                if TOO_BIG_TRANSACTION in raw:
                    detail = (
                        "transaction trop grande pour Virtuoso (SR325) : augmentez "
                        "TransactionAfterImageLimit dans la section [Parameters] de virtuoso.ini"
                    )
                if (
                    error.code not in TRANSIENT_STATUS
                    or any(c in raw for c in SIZE_LIMITS)
                    or TOO_BIG_TRANSACTION in raw
                ):
                    raise _Refused(
                        f"le serveur refuse ({error.code}) : {detail}",
                        path=where,
                        status=error.code,
                        detail=raw,
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
        """Send ``text`` to the update URL; when that URL was guessed and does not exist (404,
        so nothing ran), to the fallback URL from then on."""
        body = text.encode("utf-8")
        kind = "application/sparql-update"
        try:
            self.request("POST", self.endpoint.update, body, kind, repeatable=repeatable)
        except _Refused as refused:
            fallback = self.endpoint.update_fallback
            if refused.status != 404 or fallback is None:
                raise
            self.endpoint = replace(self.endpoint, update=fallback, update_fallback=None)
            self.request("POST", fallback, body, kind, repeatable=repeatable)

    def insert(self, graph: str, triples: Outgoing, size: int) -> int:
        """``INSERT DATA`` of ``triples`` into ``graph`` in batches of ``size``; a batch refused
        as too large is split in two and re-sent, down to ``MIN_BATCH_TRIPLES``. A batch is
        repeated after a lost answer only when it holds no blank node (running it twice then
        adds nothing; with blank nodes, each run mints new ones). Returns the batch size that
        the server took.

        :raises _Unanswered: a batch with blank nodes got no answer (``stage`` starts again).
        :raises RemoteError: the server refuses a batch of the smallest size, or fails.
        """
        for lines in triples.parts(STORE_PART_TRIPLES):
            start = 0
            while start < len(lines):
                chunk = lines[start : start + size]
                batch = b"".join(chunk).decode("utf-8")
                try:
                    self.update(
                        f"INSERT DATA {{ GRAPH <{graph}> {{\n{batch}}} }}",
                        repeatable=not any(map(_has_blank_node, chunk)),
                    )
                except _Refused as refused:
                    if not refused.too_large or size <= MIN_BATCH_TRIPLES:
                        raise
                    size = max(MIN_BATCH_TRIPLES, size // 2)
                    continue
                start += size
        return size

    def send_parts(self, store: str, staging: str, triples: Outgoing) -> None:
        """Graph Store load of ``triples`` into ``staging``: a PUT of the first
        ``STORE_PART_TRIPLES`` (it replaces the graph), a POST of each following part.

        :raises _NoGraphStore: the first PUT says the server has no Graph Store there.
        :raises _Unanswered: a part with blank nodes got no answer (``stage`` starts again).
        :raises RemoteError: the server refuses a part, or still fails after the last attempt.
        """
        url = f"{store}?graph={urllib.parse.quote(staging, safe='')}"
        for number, part in enumerate(triples.parts(STORE_PART_TRIPLES)):
            first = number == 0
            self.request(
                "PUT" if first else "POST",
                url,
                b"".join(part),
                "application/n-triples",
                repeatable=first or not any(map(_has_blank_node, part)),
            )

    def send_batches(self, staging: str, triples: Outgoing) -> None:
        self.update(f"DROP SILENT GRAPH <{staging}>")
        self.insert(staging, triples, BATCH_TRIPLES)

    def stage(self, load: Callable[[], None]) -> None:
        """Run ``load`` (which empties the staging graph, then fills it); when a request that
        holds blank nodes goes unanswered, the staging graph is loaded again from the start.

        :raises RemoteError: the server refuses, or the load still fails after the last attempt.
        """
        for attempt in range(1, self.endpoint.attempts + 1):
            try:
                load()
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
        sent again). Before every attempt the staging graph is counted: Virtuoso runs a
        ``MOVE`` from a missing graph and empties the target (oxigraph refuses it, as
        ``MOVE`` without ``SILENT`` must).

        :raises RemoteError: the server refuses, the staging graph is not complete before the
            move, or the server's state is neither before nor after.
        """
        move = f"MOVE GRAPH <{staging}> TO {sparql_term('iri', graph)}"
        for attempt in range(1, self.endpoint.attempts + 1):
            staged = self.count(staging)
            if staged != expected:
                raise _Incomplete(
                    f"graphe intermédiaire incomplet ({staged} triplets sur {expected}) avant "
                    "l'échange : le graphe publié n'a pas changé",
                    path=public_url(self.endpoint.update),
                )
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
        form = urllib.parse.urlencode({"query": query}).encode("ascii")
        data = self.request("POST", self.endpoint.query, form, "application/x-www-form-urlencoded")
        try:
            return int(json.loads(data)["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError) as error:
            raise RemoteError(
                f"réponse illisible au comptage ({error})", path=public_url(self.endpoint.query)
            ) from None


def _has_blank_node(line: bytes) -> bool:
    """True when the N-Triples ``line`` has a blank node as subject or object.

    >>> _has_blank_node(b'_:b1 <p:q> "_:x" .\\n'), _has_blank_node(b'<a:b> <p:q> "_:x" .\\n')
    (True, False)
    """
    return line.startswith(b"_:") or line.split(b" ", 2)[2].startswith(b"_:")


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


@dataclass(frozen=True)
class Outgoing:
    """What a publish sends, as N-Triples lines, each distinct triple once: the lines of
    ``streamed`` (a conversion's N-Triples, read again at each pass, never held), then
    ``lines``; ``count`` triples in all."""

    streamed: Path | None
    lines: list[bytes]
    count: int

    def parts(self, size: int) -> Iterator[list[bytes]]:
        """The lines, ``size`` at a time (the last part may be shorter; one empty part when
        there is nothing to send)."""
        part: list[bytes] = []
        for line in self._all():
            part.append(line)
            if len(part) == size:
                yield part
                part = []
        if part or self.count == 0:
            yield part

    def _all(self) -> Iterator[bytes]:
        if self.streamed is not None:
            with open(self.streamed, "rb") as lines:
                for line in lines:
                    if line.strip() and not line.startswith(b"#"):
                        yield line.rstrip(b"\r\n") + b"\n"
        yield from self.lines


def _lines(triples: Iterable[ox.Triple]) -> list[bytes]:
    return [f"{t} .\n".encode() for t in triples]


def _streamable(path: Path, others: set[bytes]) -> tuple[int, set[bytes]] | None:
    """(its triples, the lines of ``others`` it holds) when ``path`` is N-Triples written as a
    conversion writes them, one triple a line, each subject's lines together and none twice,
    so that its lines are its distinct triples; None otherwise. Read twice, a line at a time:
    pyoxigraph checks the syntax, then the lines are counted, each subject kept as a 16-byte
    digest (1.2 million at 100,000 actions) and the lines of one subject at a time.

    :raises InputError: the file is not valid N-Triples.
    """
    if path.suffix != ".nt":
        return None
    with reading_rdf(path) as fmt:
        for _ in ox.parse(path=str(path), format=fmt):
            pass
    count, subject, block, shared = 0, b"", set[bytes](), set[bytes]()
    subjects: set[bytes] = set()
    with open(path, "rb") as lines:
        for line in lines:
            if not line.strip() or line.startswith(b"#"):
                continue
            line = line.rstrip(b"\r\n") + b"\n"
            this = line.partition(b" ")[0]
            if this != subject:
                digest = hashlib.blake2b(this, digest_size=16).digest()
                if digest in subjects:
                    return None  # a subject met again: its lines may repeat earlier ones
                subjects.add(digest)
                subject, block = this, set()
            if line in block:
                return None
            block.add(line)
            count += 1
            if line in others:
                shared.add(line)
    return count, shared


def outgoing(files: list[Path]) -> Outgoing:
    """The triples of ``files`` (the graph first, then the ontology and vocabularies) as a
    publish sends them. A conversion's N-Triples (9 million triples at 100,000 actions) are
    streamed from the disk; any other graph is read into memory, its repeats dropped.

    :raises InputError: a file is missing or is not valid RDF.
    """
    graph, *others = files
    if graph.is_file() and graph.name == "actions.ttl" and graph.with_suffix(".nt").is_file():
        graph = graph.with_suffix(".nt")  # the same triples, a line each
    small = _lines(read_triples(others))
    found = _streamable(graph, set(small))
    if found is None:
        every = _lines(read_triples([graph, *others]))
        return Outgoing(None, every, len(every))
    count, shared = found
    rest = [line for line in small if line not in shared]
    return Outgoing(graph, rest, count + len(rest))


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
    triples = outgoing(files)
    client = _Client(endpoint, sleep)
    staging = staging_graph(graph)
    method = "graph-store"
    try:
        if endpoint.store is None:
            raise _NoGraphStore()
        store = endpoint.store
        client.stage(lambda: client.send_parts(store, staging, triples))
    except _NoGraphStore:
        method = "update"
        client.stage(lambda: client.send_batches(staging, triples))
    try:
        client.swap(staging, graph, triples.count)
    except _Incomplete:
        client.update(f"DROP SILENT GRAPH <{staging}>")
        raise
    published = client.count(graph)
    if published != triples.count:
        raise RemoteError(
            f"le graphe publié compte {published} triplets au lieu de {triples.count}",
            path=public_url(endpoint.query),
        )
    return Publication(graph, triples.count, method, client.retries, files)
