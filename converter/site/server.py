"""The front server of ``cskg serve``: the site folder with the rules of ``negotiation``, the
SPARQL page, and the SPARQL endpoint of the oxigraph server behind it, at ``/query`` as before.

Only ``/query`` is passed on (GET and POST). ``/update`` and ``/store`` answer 403: the pages
are built from the data as loaded (a fingerprint of it names the site folder), and a write
through the front would make pages and endpoint disagree; a store to change is loaded anew
(``cskg convert``, then ``cskg serve``), or published to a server meant for writing (``cskg
publish``).

Threads (one per connection); files answer with an ``ETag`` (``If-None-Match`` → 304), gzip
when the client takes it and the file is text, one byte range when asked (``ranges``: 206,
``If-Range``, 416); ``HEAD`` answers the headers of ``GET``. An
error never shows a traceback: the client gets a French page, stderr one line.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import http.client
import http.server
import mimetypes
import os
import shutil
import sys
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from converter.answer_cache import AnswerCache, KeptAnswer, answer_key
from converter.files import fingerprint, write_atomically
from converter.site import negotiation, sparql
from converter.site.claims import claimed_folder, remove_stale_builds
from converter.site.negotiation import REPRESENTATIONS, Representation
from converter.site.ranges import ByteRange, Unsatisfiable, byte_range

PROXIED = "/query"
READ_ONLY = ("/update", "/store")
SPARQL_PAGE = "/sparql/"
# Files larger than this are streamed from the disk as they are, not gzipped (a site's pages
# are far smaller; the downloads of 100,000 actions are gigabytes: compressing one would take
# a core for a minute and hold it in memory).
STREAMED_FROM = 8 << 20
STREAM_PIECE = 1 << 20
COMPRESSIBLE = (
    "text/",
    "application/ld+json",
    "application/n-triples",
    "application/json",
    "application/javascript",
    "application/geo+json",
    "image/svg+xml",
    "application/xml",
)
TYPES = {
    **{r.suffix: r.media_type for r in REPRESENTATIONS},
    ".js": "application/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".htaccess": "text/plain",
    ".conf": "text/plain",
}
UPSTREAM_TIMEOUT = 3600  # a library query at 100,000 actions takes seconds, not an hour


def media_type(path: Path) -> str:
    found = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    return found or "application/octet-stream"


def with_charset(media: str) -> str:
    textual = media.startswith("text/") or media in COMPRESSIBLE
    return media + negotiation.CHARSET if textual else media


@dataclass
class Answer:
    """What a request gets: a status, headers, and a body (bytes or a file)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: Path | None = None


def page(title: str, message: str, links: Sequence[tuple[str, str]] = ()) -> bytes:
    """A small French page (404, 406, 403, 500)."""
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>' for href, text in links
    )
    listed = f"<ul>{items}</ul>" if items else ""
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} – cskg</title></head><body><main>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{listed}"
        '<p><a href="/">Accueil du site</a> · <a href="/sparql/">Éditeur SPARQL</a></p>'
        "</main></body></html>\n"
    ).encode()


def not_found(path: str) -> Answer:
    body = page(
        "Page introuvable",
        f"Aucune ressource à l'adresse « {path} ». Elle a pu être renommée, ou l'adresse "
        "est mal recopiée.",
    )
    return Answer(404, {"Content-Type": "text/html; charset=utf-8"}, body)


@dataclass
class Site:
    """Answers the requests for the files of a site folder (``cskg site``'s output)."""

    root: Path | None  # None: no pages yet, only the SPARQL page and endpoint
    sparql_page: Callable[[], bytes] | None = None

    def _is_file(self, relative: str) -> bool:
        return self.root is not None and (self.root / relative).is_file()

    def _at(self, relative: str) -> Path:
        assert self.root is not None, "only called after _is_file"
        return self.root / relative

    def answer(self, raw_path: str, accept: str | None) -> Answer:
        path = urllib.parse.unquote(raw_path)
        segments = path.split("/")
        if any(s in (".", "..") or "\x00" in s or "\\" in s for s in segments):
            return not_found(path)
        if path == SPARQL_PAGE.rstrip("/"):
            return Answer(301, {"Location": SPARQL_PAGE})
        if path == SPARQL_PAGE and self.sparql_page is not None:
            return Answer(200, {"Content-Type": "text/html; charset=utf-8"}, self.sparql_page())
        if path.startswith(SPARQL_PAGE) and path[len(SPARQL_PAGE) :] in sparql.ASSETS:
            return self._file(sparql.STATIC_DIR / path[len(SPARQL_PAGE) :])
        if self._is_file(path.lstrip("/")) and not path.endswith("/"):
            return self._file(self._at(path.lstrip("/")))
        if path == "/favicon.ico":  # browsers ask for it on every site: no icon, no error
            return Answer(204, {"Cache-Control": "max-age=86400"})
        relative = path.strip("/")
        if not relative and not self._is_file("index.html"):
            return Answer(302, {"Location": SPARQL_PAGE})  # a site without pages: its editor
        resource, suffixed = negotiation.split_suffix(relative)
        part = negotiation.part_of(resource)
        if part is not None:
            return self._part(part[0], resource, suffixed, accept)
        if suffixed is not None:
            return self._suffixed(resource, suffixed)
        available = [r for r in REPRESENTATIONS if self._has(relative, r)]
        if not available:
            return self._not_found(path)
        links = {"Link": negotiation.link_header(relative, available), "Vary": "Accept"}
        if negotiation.is_thing(relative) and not path.endswith("/"):
            chosen = negotiation.choose(accept, available)
            if chosen is None:
                return self._not_acceptable(relative, available)
            location = "/" + negotiation.variant_url(relative, chosen)
            return Answer(303, {"Location": location, **links})
        if negotiation.is_thing(relative):  # <thing>/ is the page of the thing
            available = available[:1] if available[0].name == "html" else available
        chosen = negotiation.choose(accept, available)
        if chosen is None:
            return self._not_acceptable(relative, available)
        if chosen.name == "html" and relative and not path.endswith("/"):
            return Answer(
                301, {"Location": "/" + negotiation.variant_url(relative, chosen), **links}
            )
        answer = self._file(self._at(negotiation.file_of(relative, chosen)))
        answer.headers.update(links)
        answer.headers["Content-Location"] = "/" + negotiation.variant_url(relative, chosen)
        return answer

    def _part(
        self, action: str, part: str, suffixed: Representation | None, accept: str | None
    ) -> Answer:
        """A part of an action: 303 to the action's document (``negotiation.part_url``)."""
        available = [r for r in REPRESENTATIONS if self._has(action, r)]
        if not available or (suffixed is not None and suffixed not in available):
            return self._not_found("/" + part + (suffixed.suffix if suffixed else ""))
        chosen = suffixed or negotiation.choose(accept, available)
        if chosen is None:
            return self._not_acceptable(action, available)
        location = "/" + (negotiation.part_url(part, chosen) or "")
        links = {"Link": negotiation.link_header(action, available), "Vary": "Accept"}
        return Answer(303, {"Location": location, **links})

    def _has(self, relative: str, representation: Representation) -> bool:
        return self._is_file(negotiation.file_of(relative, representation))

    def _suffixed(self, resource: str, representation: Representation) -> Answer:
        if not self._has(resource, representation):
            return self._not_found("/" + resource + representation.suffix)
        available = [r for r in REPRESENTATIONS if self._has(resource, r)]
        links = {"Link": negotiation.link_header(resource, available)}
        if representation.name == "html":  # the page lives at its folder, where its links work
            return Answer(
                301, {"Location": "/" + negotiation.variant_url(resource, representation), **links}
            )
        answer = self._file(self._at(negotiation.file_of(resource, representation)))
        answer.headers.update(links)
        return answer

    def _file(self, path: Path) -> Answer:
        return Answer(200, {"Content-Type": with_charset(media_type(path))}, file=path)

    def _not_found(self, path: str) -> Answer:
        if self._is_file("404.html"):
            body = self._at("404.html").read_bytes()
            return Answer(404, {"Content-Type": "text/html; charset=utf-8"}, body)
        return not_found(path)

    def _not_acceptable(self, relative: str, available: list[Representation]) -> Answer:
        body = page(
            "Format non disponible",
            "Cette ressource n'existe dans aucun des formats demandés (en-tête Accept) ; "
            "elle existe dans ceux-ci :",
            [
                ("/" + negotiation.variant_url(relative, r), f"{r.label} ({r.media_type})")
                for r in available
            ],
        )
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Vary": "Accept",
            "Link": negotiation.link_header(relative, available),
        }
        return Answer(406, headers, body)


def file_etag(stat: os.stat_result) -> str:
    """The validator of a file's bytes: its size and modification time (a site is replaced
    whole, its files never rewritten in place)."""
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'


def none_match(header: str, etags: set[str]) -> bool:
    """Whether an ``If-None-Match`` value names one of ``etags`` (or is ``*``), compared as
    RFC 9110 §13.1.2 asks: weakly, ``W/"x"`` matching ``"x"``.

    >>> none_match('W/"1f-2a", "9"', {'"1f-2a"'}), none_match('"1f"', {'"1f-2a"'})
    (True, False)
    """
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") in etags for tag in header.split(","))


def gzip_etag(etag: str) -> str:
    """The validator of a file's gzip, distinct from the file's own.

    >>> gzip_etag('"1f-2a"')
    '"1f-2a-gzip"'
    """
    return etag[:-1] + '-gzip"'


class _Compressed:
    """gzip of files, kept per (path, ETag): each file is compressed once."""

    def __init__(self) -> None:
        self._kept: dict[tuple[Path, str], bytes] = {}
        self._lock = threading.Lock()

    def get(self, path: Path, etag: str, read: Callable[[], bytes]) -> bytes:
        """The gzip of ``path`` at version ``etag``, compressing ``read()`` the first time."""
        key = (path, etag)
        with self._lock:
            found = self._kept.get(key)
        if found is None:
            found = gzip.compress(read(), compresslevel=6, mtime=0)
            with self._lock:
                if len(self._kept) > 10_000:
                    self._kept.clear()
                self._kept[key] = found
        return found


def query_key(
    url_query: str, content_type: str, body: bytes | None
) -> tuple[str, list[tuple[str, str]]] | None:
    """The query of a SPARQL protocol request and its other parameters, or None when it holds
    no single query (the server answers it; nothing is kept)."""
    pairs = urllib.parse.parse_qsl(url_query, keep_blank_values=True)
    media = content_type.split(";")[0].strip().lower()
    try:
        text = (body or b"").decode("utf-8")
    except UnicodeDecodeError:
        return None
    if media == "application/x-www-form-urlencoded":
        pairs += urllib.parse.parse_qsl(text, keep_blank_values=True)
    elif media == "application/sparql-query":
        pairs.append(("query", text))
    elif body:
        return None
    queries = [value for name, value in pairs if name == "query"]
    if len(queries) != 1:
        return None
    return queries[0], [(name, value) for name, value in pairs if name != "query"]


def make_handler(
    site: Site,
    upstream: tuple[str, int],
    *,
    answers: AnswerCache | None = None,
    data_fingerprint: str = "",
) -> type[http.server.BaseHTTPRequestHandler]:
    """The request handler; ``answers`` keeps the answers of ``/query`` under
    ``data_fingerprint``, the data's (none kept without it)."""
    compressed = _Compressed()

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "cskg"
        # headers and a small body leave in one packet (buffered, flushed after each request),
        # and never wait for a delayed ACK (40 ms)
        disable_nagle_algorithm = True
        wbufsize = 64 * 1024

        def version_string(self) -> str:
            return self.server_version

        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._guarded(head=False)

        def do_HEAD(self) -> None:
            self._guarded(head=True)

        def do_POST(self) -> None:
            self._guarded(head=False, post=True)

        def _guarded(self, *, head: bool, post: bool = False) -> None:
            self.answered = False  # the status line and headers sent: no other answer then
            try:
                self._route(head=head, post=post)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except Exception as error:  # noqa: BLE001 - the one place that turns any error into a page
                sys.stderr.write(f"cskg serve : erreur sur {self.path} : {error!r}\n")
                self.close_connection = True  # an answer cut short: its client sees it short
                if self.answered:
                    return
                try:
                    body = page("Erreur du serveur", "La requête n'a pas abouti ; réessayez.")
                    self._send(
                        Answer(500, {"Content-Type": "text/html; charset=utf-8"}, body), head=head
                    )
                except OSError:
                    pass

        def _route(self, *, head: bool, post: bool) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path == PROXIED:
                self._proxy(url, post=post, head=head)
                return
            if url.path.startswith(READ_ONLY):
                body = page(
                    "Lecture seule",
                    "Ce serveur publie les données en lecture seule : "
                    "seul le point d'accès /query répond.",
                )
                self._send(
                    Answer(403, {"Content-Type": "text/html; charset=utf-8"}, body), head=head
                )
                return
            if post:
                body = page("Méthode refusée", "Seul /query accepte POST.")
                headers = {"Content-Type": "text/html; charset=utf-8", "Allow": "GET, HEAD"}
                self._send(Answer(405, headers, body), head=head)
                return
            self._send(site.answer(url.path, self.headers.get("Accept")), head=head)

        def _send(self, answer: Answer, *, head: bool) -> None:
            if answer.file is None:
                self._write(answer.status, dict(answer.headers), answer.body, head=head)
                return
            with open(answer.file, "rb") as source:  # one version from here on, even if the
                # site is replaced meanwhile: its size, validator and bytes
                self._send_file(answer, source, head=head)

        def _send_file(self, answer: Answer, source: BinaryIO, *, head: bool) -> None:
            """A file: 304 when the client holds its version (either validator, same
            content), else one range of it (``_ranged``), else all of it, gzipped when small
            enough and the client accepts gzip."""
            assert answer.file is not None
            headers = dict(answer.headers)
            stat = os.fstat(source.fileno())
            size, etag = stat.st_size, file_etag(stat)
            compressible = headers["Content-Type"].split(";")[0].startswith(COMPRESSIBLE)
            compressible = compressible and size <= STREAMED_FROM
            gzipped = compressible and "gzip" in self.headers.get("Accept-Encoding", "")
            # its own validator: its bytes are not the file's (RFC 9110 §8.8.3)
            headers["ETag"] = gzip_etag(etag) if gzipped else etag
            if compressible:  # on every answer a 200 of it would carry, 304 and 206 too
                headers["Vary"] = ", ".join(filter(None, [headers.get("Vary"), "Accept-Encoding"]))
            if none_match(self.headers.get("If-None-Match", ""), {etag, gzip_etag(etag)}):
                headers.pop("Content-Type", None)
                self._write(304, headers, b"", head=True)
                return
            if answer.status == 200:
                headers["Accept-Ranges"] = "bytes"
                if not head and self._ranged(headers, etag, source, size):
                    return
            if not compressible:
                whole = ByteRange(0, size - 1, size)
                self._write_file(answer.status, headers, source, whole, head=head)
                return
            if gzipped:
                headers["Content-Encoding"] = "gzip"
                body = compressed.get(answer.file, etag, source.read)
            else:
                body = source.read()
            self._write(answer.status, headers, body, head=head)

        def _write(self, status: int, headers: dict[str, str], body: bytes, *, head: bool) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.answered = True
            if not head:
                self.wfile.write(body)

        def _ranged(self, headers: dict[str, str], etag: str, source: BinaryIO, size: int) -> bool:
            """Answer a ``Range`` request for one part of the file (206, as it is on disk) or
            past its end (416); False when the whole file is to be sent: no range, several,
            or an ``If-Range`` that names another version of the file or its gzip (ranges are
            of the file's own bytes: ``etag``, even when the client accepts gzip)."""
            wanted = self.headers.get("Range")
            if wanted is None or self.headers.get("If-Range", etag).strip() != etag:
                return False
            try:
                part = byte_range(wanted, size)
            except Unsatisfiable:
                body = page(
                    "Plage impossible",
                    f"La plage demandée (en-tête Range : {wanted}) commence après la fin du "
                    f"fichier, qui a {size} octets.",
                )
                self._write(
                    416,
                    {
                        "Content-Type": "text/html; charset=utf-8",
                        "Content-Range": f"bytes */{size}",
                    },
                    body,
                    head=False,
                )
                return True
            if part is None:
                return False
            headers["ETag"] = etag
            headers["Content-Range"] = part.content_range
            self._write_file(206, headers, source, part, head=False)
            return True

        def _write_file(
            self,
            status: int,
            headers: dict[str, str],
            source: BinaryIO,
            part: ByteRange,
            *,
            head: bool,
        ) -> None:
            """``part`` of a file sent as it is on disk, a piece at a time: never read whole,
            never compressed per request (the downloads: gigabytes at 100,000 actions). A file
            shortened meanwhile cuts the answer short (the connection closes; its client sees
            fewer bytes than announced), never padded nor followed by an error page."""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(part.length))
            self.end_headers()
            self.answered = True
            if head:
                return
            source.seek(part.first)
            left = part.length
            while left:
                piece = source.read(min(STREAM_PIECE, left))
                if not piece:
                    raise OSError(f"{source.name} a raccourci pendant l'envoi")
                self.wfile.write(piece)
                left -= len(piece)

        def _proxy(self, url: urllib.parse.SplitResult, *, post: bool, head: bool) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if post and length else None
            target = PROXIED + (f"?{url.query}" if url.query else "")
            headers = {
                name: value
                for name in ("Accept", "Content-Type")
                if (value := self.headers.get(name))
            }

            def run() -> KeptAnswer:
                connection = http.client.HTTPConnection(*upstream, timeout=UPSTREAM_TIMEOUT)
                try:
                    method = "POST" if post else "GET"
                    connection.request(method, target, body=data, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                finally:
                    connection.close()
                media = response.getheader("Content-Type", "application/octet-stream")
                return KeptAnswer(response.status, media, body)

            key = query_key(url.query, headers.get("Content-Type", ""), data)
            try:
                if key is None or answers is None:
                    answer = run()
                else:
                    query, parameters = key
                    accept = headers.get("Accept", "")
                    found = answer_key(data_fingerprint, query, parameters, accept)
                    answer = answers.answer(found, run)
            except OSError:
                message = page(
                    "Point d'accès indisponible",
                    "Le serveur SPARQL ne répond pas ; relancez cskg serve.",
                )
                self._send(
                    Answer(502, {"Content-Type": "text/html; charset=utf-8"}, message), head=head
                )
                return
            passed = {"Content-Type": answer.content_type, "Vary": "Accept"}
            self._write(answer.status, passed, answer.body, head=head)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: errors go to stderr in _guarded

    return Handler


class FrontServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def start_front(
    site: Site,
    *,
    upstream: tuple[str, int],
    host: str = "127.0.0.1",
    port: int = 7878,
    answers: AnswerCache | None = None,
    data_fingerprint: str = "",
) -> FrontServer:
    """The front server listening on ``host:port``, answering in a thread of its own; the
    answers of ``/query`` are kept in ``answers`` under ``data_fingerprint``, the data's.

    :raises OSError: the port is taken.
    """
    handler = make_handler(site, upstream, answers=answers, data_fingerprint=data_fingerprint)
    server = FrontServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="cskg-front", daemon=True).start()
    return server


def cached_site(
    cache: Path, files: list[Path], build: Callable[[Path], object], *, key: str = ""
) -> tuple[Path, bool]:
    """The site of ``files`` in ``cache/<fingerprint>/``, built by ``build(folder)`` when missing,
    and whether it was reused. The fingerprint covers the files, ``key`` (the base IRI) and the
    site's own code, so a new cskg rebuilds; the folder appears whole (built aside in a
    claimed folder, ``claims``, then renamed); the sites of older data are removed, and what
    builds stopped by force left.

    :raises InputError: a file is missing.
    """
    code = sorted(
        p for p in Path(__file__).parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    digest = hashlib.sha256(f"{fingerprint(files)}\0{key}\0{fingerprint(code)}".encode())
    folder = cache / digest.hexdigest()[:32]
    remove_stale_builds(cache)  # what a build stopped by force left (serve killed, say)
    if folder.is_dir():
        return folder, True
    with claimed_folder(cache) as building:
        build(building)
        os.chmod(building, 0o755)  # a site is for reading, whatever the umask
        os.replace(building, folder)
    for other in cache.iterdir():
        if other != folder and other.is_dir() and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)  # the site of older data
    return folder, False


REDIRECTIONS = "redirections"


def write_serving_files(
    folder: Path,
    *,
    base: str,
    publish_url: str | None = None,
    nginx_root: str = "/var/www/cskg",
    endpoint: str = sparql.DEFAULT_ENDPOINT,
) -> list[Path]:
    """What the static site needs to be served as ``cskg serve`` serves it, written into the
    site ``folder`` (a writer for ``cskg site``): the SPARQL page (``sparql/``, querying
    ``endpoint``), an nginx configuration serving the site from ``nginx_root``
    (``redirections/nginx.conf``) and, when ``base`` is a w3id.org IRI and the site is published
    at ``publish_url``, the ``.htaccess`` to submit to w3id.org (``redirections/w3id.htaccess``);
    the files written.
    """
    written = sparql.write_sparql_page(folder, endpoint=endpoint)
    rules = folder / REDIRECTIONS
    nginx = rules / "nginx.conf"
    write_atomically(nginx, negotiation.nginx_config(nginx_root).encode())
    written.append(nginx)
    w3id = "https://w3id.org/"
    if base.startswith(w3id) and publish_url is not None:
        htaccess = rules / "w3id.htaccess"
        namespace = base.removeprefix(w3id).strip("/")
        write_atomically(
            htaccess, negotiation.w3id_htaccess(publish_url, namespace=namespace).encode()
        )
        written.append(htaccess)
    return written
