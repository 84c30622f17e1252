"""``cskg serve`` keeps the answers of /query per data fingerprint: a repeated query does not
reach the oxigraph server, answers are those of a fresh run, other data empty the cache."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from converter.answer_cache import AnswerCache, KeptAnswer, answer_key, normalised_query
from converter.endpoint import free_port, serve_files, served_files
from converter.query import bind, library
from converter.site.server import Site, query_key, start_front
from tests.serving import converted

JSON = "application/sparql-results+json"


class Counting:
    """A pass-through between the front server and the oxigraph server that counts the
    requests reaching oxigraph."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.requests = 0
        counter = self

        class Forward(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                counter.requests += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                request = urllib.request.Request(
                    f"http://{upstream[0]}:{upstream[1]}{self.path}",
                    data=body,
                    method=self.command,
                    headers={
                        k: v for k, v in self.headers.items() if k in ("Accept", "Content-Type")
                    },
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    data = response.read()
                    status, media = response.status, response.headers["Content-Type"]
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _forward

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Forward)
        self.address = ("127.0.0.1", self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Counting, Path]]:
    output = converted(tmp_path_factory.mktemp("answers"))
    server, _ = serve_files(served_files(output), port=free_port())
    counting = Counting((server.host, server.port))
    port = free_port()
    front = start_front(
        Site(None),
        upstream=counting.address,
        port=port,
        answers=AnswerCache(),
        data_fingerprint="a",
    )
    try:
        yield f"http://127.0.0.1:{port}/query", counting, output
    finally:
        front.shutdown()
        front.server_close()
        counting.close()
        server.stop()


def _get(url: str, query: str, accept: str = JSON) -> bytes:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return bytes(response.read())


def _post(url: str, query: str, accept: str = JSON) -> bytes:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return bytes(response.read())


def test_a_repeated_library_query_does_not_reach_the_store(
    served: tuple[str, Counting, Path],
) -> None:
    url, counting, _ = served
    for query in library():
        text = bind(query, {})
        before = counting.requests
        first = _get(url, text)
        assert counting.requests == before + 1, query.name
        # again, by GET and by POST, with other comments and spaces: from the cache
        assert _get(url, text) == first
        assert _post(url, "# encore\n" + text.replace("\n", "\n  ")) == first
        assert counting.requests == before + 1, query.name


def test_answers_are_those_of_a_fresh_run_and_each_format_is_kept_apart(
    served: tuple[str, Counting, Path], tmp_path: Path
) -> None:
    url, counting, output = served
    text = bind(next(q for q in library() if q.name == "actions-par-thematique"), {})
    kept_csv = _get(url, text, "text/csv")
    kept_json = _get(url, text)
    assert kept_csv != kept_json
    fresh, _ = serve_files(served_files(output), port=free_port())
    try:
        for accept, kept in (("text/csv", kept_csv), (JSON, kept_json)):
            assert _get(fresh.query_url, text, accept) == kept
            assert _get(url, text, accept) == kept
    finally:
        fresh.stop()


def test_a_string_differing_in_its_spaces_is_another_query(
    served: tuple[str, Counting, Path],
) -> None:
    url, counting, _ = served
    one = _get(url, 'SELECT ?x WHERE { BIND("a b" AS ?x) }')
    two = _get(url, 'SELECT ?x WHERE { BIND("a  b" AS ?x) }')
    assert one != two and b'"a  b"' in two


def test_an_error_is_not_kept(served: tuple[str, Counting, Path]) -> None:
    url, counting, _ = served
    before = counting.requests
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError):
            _get(url, "SELECT WHERE {")
    assert counting.requests == before + 2


def test_a_new_fingerprint_empties_the_cache() -> None:
    cache = AnswerCache()
    runs = []

    def run() -> KeptAnswer:
        runs.append(1)
        return KeptAnswer(200, "text/csv", b"x\r\n1\r\n")

    key = answer_key("data-1", "SELECT * {}", [], "text/csv")
    cache.answer(key, run)
    cache.answer(key, run)
    assert len(runs) == 1 and len(cache) == 1
    cache.answer(answer_key("data-2", "SELECT ?y {}", [], "text/csv"), run)
    assert len(cache) == 1  # the answer of data-1 is gone
    cache.answer(key, run)
    assert len(runs) == 3


def test_memory_is_bounded_least_recently_used_first_out() -> None:
    cache = AnswerCache(max_bytes=400)
    for name in "abcd":
        cache.answer(answer_key("f", name, [], ""), lambda: KeptAnswer(200, "t", b"." * 100))
    cache.answer(answer_key("f", "a", [], ""), lambda: KeptAnswer(200, "t", b"?"))  # a is used
    cache.answer(answer_key("f", "e", [], ""), lambda: KeptAnswer(200, "t", b"." * 100))
    assert cache.size <= 400
    assert [k[1] for k in cache._kept] == ["c", "d", "a", "e"]  # b left first
    cache.answer(answer_key("f", "big", [], ""), lambda: KeptAnswer(200, "t", b"." * 101))
    assert ("f", "big", (), "") not in cache._kept  # over a quarter of the bound


def test_simultaneous_asks_of_one_new_query_run_it_once() -> None:
    cache = AnswerCache()
    started = threading.Event()
    release = threading.Event()
    runs = []

    def slow() -> KeptAnswer:
        runs.append(1)
        started.set()
        release.wait(10)
        return KeptAnswer(200, "t", b"r")

    key = answer_key("f", "q", [], "")
    answers: list[KeptAnswer] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.answer(key, slow)))]
    threads[0].start()
    started.wait(10)
    threads += [
        threading.Thread(target=lambda: answers.append(cache.answer(key, slow))) for _ in range(5)
    ]
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(runs) == 1 and len(answers) == 6 and {a.body for a in answers} == {b"r"}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ('SELECT * { ?s ?p "a  b" }', 'SELECT * { ?s ?p "a b" }'),
        ("SELECT * { ?s ?p '''x\n#y''' }", "SELECT * { ?s ?p '''x\n''' }"),
        ("SELECT * { <http://x/#a> ?p ?o }", "SELECT * { <http://x/> ?p ?o }"),
        ("SELECT * { ?s ?p 'it''s  x' }", "SELECT * { ?s ?p 'it''s x' }"),
        ("# it's\nSELECT * { ?s ?p 'a  b' }", "# it's\nSELECT * { ?s ?p 'a b' }"),
        ("SELECT ?x {}#\n LIMIT 1", "SELECT ?x {}# LIMIT 1"),
    ],
)
def test_queries_that_differ_keep_different_keys(one: str, other: str) -> None:
    assert normalised_query(one) != normalised_query(other)


def test_a_request_without_one_query_is_passed_on_and_not_kept() -> None:
    assert query_key("", "", None) is None
    assert query_key("query=a&query=b", "", None) is None
    form = b"query=SELECT+1&default-graph-uri=g"
    assert query_key("", "application/x-www-form-urlencoded", form) == (
        "SELECT 1",
        [("default-graph-uri", "g")],
    )
    assert query_key("x=1", "application/sparql-query", b"ASK {}") == ("ASK {}", [("x", "1")])
