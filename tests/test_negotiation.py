"""Content negotiation (issue 15, part B): the declaration of converter/site/negotiation.py,
then the real ``cskg serve`` on a free loopback port, over the example converted and a site
folder laid out as ``cskg site`` does: each Accept and suffix, q-values, the 303 and its
Location, Vary, Link, 404 in French, HEAD, ETag, gzip, the SPARQL endpoint, the RDF answered
(parsed by rdflib and pyoxigraph, isomorphic to the resource's triples in the output).
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare

from converter.site import negotiation
from converter.site.claims import remove_stale_builds
from converter.site.describe import describe
from converter.site.negotiation import REPRESENTATIONS, choose, parse_accept
from converter.site.server import STREAMED_FROM, cached_site
from converter.site.sparql import ASSETS, STATIC_DIR, sparql_page
from tests.serving import ROOT, Sample, Served, converted, sample, serving, small_site, store_of

RDF_TYPES = {r.media_type: r for r in REPRESENTATIONS if r.name != "html"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"

# Accept header → the representation's name (None: 406), as RFC 9110 §12.5.1 reads it.
CHOICES = [
    (None, "html"),
    ("", "html"),
    ("*/*", "html"),
    (BROWSER, "html"),
    ("text/turtle", "turtle"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "ntriples"),
    ("text/turtle;q=0.5, application/ld+json", "jsonld"),
    ("application/ld+json;q=0.2, text/turtle;q=0.9, */*;q=0.1", "turtle"),
    ("text/html;q=0.1, application/n-triples", "ntriples"),
    ("text/*", "html"),
    ("text/*;q=0.5, text/turtle", "turtle"),
    ("application/*", "jsonld"),
    ("*/*;q=0.1, text/html;q=0", "turtle"),  # html refused outright, anything else welcome
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded, x"', "jsonld"),
    ("TEXT/Turtle", "turtle"),
    ("image/png", None),
    ("text/turtle;q=0", None),
    ("text/turtle;q=abc", None),  # a malformed quality drops its range
    ("application/rdf+xml, text/turtle;q=0.5", "turtle"),
]


@pytest.mark.parametrize(("accept", "expected"), CHOICES)
def test_accept_chooses_the_representation_the_client_prefers(
    accept: str | None, expected: str | None
) -> None:
    chosen = choose(accept)
    assert (chosen.name if chosen else None) == expected


def test_accept_ignores_parameters_and_keeps_qualities() -> None:
    ranges = parse_accept("text/html;level=1;q=0.7, text/turtle ; q=1.0, */*;q=0.001")
    assert [(r.type, r.subtype, r.quality) for r in ranges] == [
        ("text", "html", 0.7),
        ("text", "turtle", 1.0),
        ("*", "*", 0.001),
    ]


def test_the_declaration_is_the_one_of_the_site_layout() -> None:
    """The suffixes are the extensions of cskg site's files (site/layout.py EXTENSIONS)."""
    from converter.site.layout import EXTENSIONS

    assert tuple(r.extension for r in REPRESENTATIONS) == EXTENSIONS
    assert [r.media_type for r in REPRESENTATIONS] == [
        "text/html",
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
    ]


def test_vendored_yasgui_is_the_npm_package_unchanged() -> None:
    built = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
    assert built.is_dir(), "node_modules absent : lancez npm ci (make test le fait)"
    for asset in ASSETS:
        if asset.startswith("vendor/"):
            name = asset.removeprefix("vendor/")
            assert (STATIC_DIR / asset).read_bytes() == (built / name).read_bytes(), name
    readme = (STATIC_DIR / "vendor" / "README.md").read_text()
    for asset in ASSETS:
        if asset.startswith("vendor/"):
            assert hashlib.sha256((STATIC_DIR / asset).read_bytes()).hexdigest() in readme


def test_sparql_page_holds_every_library_query_and_the_prefixes() -> None:
    text = sparql_page().decode()
    settings = json.loads(text.split('id="cskg-sparql">')[1].split("</script>")[0])
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(names) == 20  # 14, and issue 16's six
    assert [q["name"] for q in settings["queries"]] == names
    assert settings["prefixes"]["cskg"] == "https://w3id.org/cskg/def#"
    period = next(q for q in settings["queries"] if q["name"] == "actions-commencees-avant")
    assert [p["name"] for p in period["parameters"]] and period["text"].startswith("#")
    assert 'lang="fr"' in text and "<option" in text


# ---- the real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ox.Store, Sample]:
    output = converted(tmp_path_factory.mktemp("sortie"))
    store = store_of(output)
    chosen = sample(store)
    folder = small_site(store, chosen.all(), tmp_path_factory.mktemp("site"))
    return output, folder, store, chosen


@pytest.fixture(scope="module")
def served(site: tuple[Path, Path, ox.Store, Sample]) -> Iterator[Served]:
    output, folder, _, _ = site
    with serving(output, "--site", str(folder)) as running:
        yield running


def ask(
    served: Served,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    **headers: str,
) -> tuple[int, dict[str, str], bytes]:
    """One request, redirects not followed; header names in lower case."""
    url = urllib.parse.urlsplit(served.base)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()}
        )
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def path_of(iri: str) -> str:
    return "/" + iri.removeprefix("https://w3id.org/cskg/")


@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
@pytest.mark.parametrize("kind", ["action", "structure", "concept", "scheme"])
def test_a_thing_answers_303_to_the_document_accept_chooses_and_its_rdf_is_the_resources(
    served: Served, site: tuple[Path, Path, ox.Store, Sample], kind: str, media_type: str
) -> None:
    _, _, store, chosen = site
    iri = getattr(chosen, kind)
    status, headers, _ = ask(served, path_of(iri), Accept=media_type)
    representation = RDF_TYPES[media_type]
    assert status == 303
    assert headers["location"] == path_of(iri) + representation.suffix
    assert headers["vary"] == "Accept"
    for r in REPRESENTATIONS:
        assert f'rel="alternate"; type="{r.media_type}"' in headers["link"]
    status, headers, body = ask(served, headers["location"])
    assert status == 200 and headers["content-type"] == media_type + "; charset=utf-8"
    _assert_is_the_description(body, representation, store, iri)


def _assert_is_the_description(
    body: bytes, representation: negotiation.Representation, store: ox.Store, iri: str
) -> None:
    """rdflib and pyoxigraph both read ``body``; it is isomorphic to describe() of the output,
    and holds every triple the output has with ``iri`` as subject (checked apart from
    describe)."""
    rdflib_format = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}[representation.name]
    ox_format = {
        "turtle": ox.RdfFormat.TURTLE,
        "jsonld": ox.RdfFormat.JSON_LD,
        "ntriples": ox.RdfFormat.N_TRIPLES,
    }[representation.name]
    served_graph = rdflib.Graph().parse(data=body, format=rdflib_format)
    parsed = list(ox.parse(body, format=ox_format))
    assert len(parsed) == len(served_graph) > 0
    expected = rdflib.Graph()
    expected.parse(data=b"".join(f"{t} .\n".encode() for t in describe(store, iri)), format="nt")
    assert rdflib.compare.isomorphic(served_graph, expected), rdflib.compare.graph_diff(
        rdflib.compare.to_isomorphic(served_graph), rdflib.compare.to_isomorphic(expected)
    )
    own = {
        (str(q.predicate.value), str(q.object))
        for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)
        if not isinstance(q.object, ox.BlankNode)
    }
    served_own = {
        (str(t.predicate.value), str(t.object))
        for t in parsed
        if t.subject == ox.NamedNode(iri) and not isinstance(t.object, ox.BlankNode)
    }
    assert own and own == served_own


@pytest.mark.parametrize("part", ["fiche", "association/5"])
@pytest.mark.parametrize("accept", [BROWSER, *sorted(RDF_TYPES)])
def test_a_part_of_an_action_answers_303_to_its_actions_document(
    served: Served, site: tuple[Path, Path, ox.Store, Sample], part: str, accept: str
) -> None:
    """Cool URIs 303: the fiche and associations of an action have no document of their
    own; their IRI leads to the action's page at their anchor, or to the action's RDF, which
    holds their triples."""
    _, _, store, chosen = site
    iri = f"{chosen.action}/{part}"
    assert list(store.quads_for_pattern(ox.NamedNode(iri), None, None)), iri
    status, headers, _ = ask(served, path_of(iri), Accept=accept)
    assert status == 303 and headers["vary"] == "Accept"
    if accept == BROWSER:
        assert headers["location"] == f"{path_of(chosen.action)}/#{part}"
        return
    representation = RDF_TYPES[accept]
    assert headers["location"] == path_of(chosen.action) + representation.suffix
    status, _, body = ask(served, headers["location"])
    assert status == 200
    _assert_is_the_description(body, representation, store, chosen.action)
    graph = rdflib.Graph().parse(data=body, format=representation.media_type)
    assert (rdflib.URIRef(iri), None, None) in graph
    status, headers, _ = ask(served, path_of(iri) + ".ttl")  # a suffix: that format
    assert status == 303 and headers["location"] == path_of(chosen.action) + ".ttl"


@pytest.mark.parametrize("accept", [None, "*/*", BROWSER, "text/html"])
def test_a_browser_is_sent_to_the_page_of_the_thing(
    served: Served, site: tuple[Path, Path, ox.Store, Sample], accept: str | None
) -> None:
    iri = site[3].action
    status, headers, _ = ask(served, path_of(iri), **({"Accept": accept} if accept else {}))
    assert status == 303 and headers["location"] == path_of(iri) + "/"
    status, headers, body = ask(served, headers["location"], Accept=accept or "*/*")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b'lang="fr"' in body


def test_q_values_decide_between_formats(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    iri = site[3].action
    for accept, suffix in [
        ("text/turtle;q=0.5, application/ld+json", ".jsonld"),
        ("application/ld+json;q=0.2, text/turtle;q=0.9", ".ttl"),
        ("text/html;q=0.1, application/n-triples;q=0.3", ".nt"),
        ("*/*;q=0.1, text/html;q=0", ".ttl"),
    ]:
        status, headers, _ = ask(served, path_of(iri), Accept=accept)
        assert (status, headers["location"]) == (303, path_of(iri) + suffix), accept


@pytest.mark.parametrize("representation", REPRESENTATIONS[1:], ids=lambda r: r.name)
def test_a_suffix_gives_that_format_whatever_accept_says(
    served: Served,
    site: tuple[Path, Path, ox.Store, Sample],
    representation: negotiation.Representation,
) -> None:
    _, _, store, chosen = site
    status, headers, body = ask(
        served, path_of(chosen.structure) + representation.suffix, Accept="text/html"
    )
    assert status == 200
    assert headers["content-type"].startswith(representation.media_type)
    assert "link" in headers and "Accept" not in headers["vary"].split(", ")  # Accept-Encoding
    _assert_is_the_description(body, representation, store, chosen.structure)


def test_the_html_suffix_leads_to_the_page_folder_where_its_links_work(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    iri = site[3].concept
    status, headers, _ = ask(served, path_of(iri) + ".html")
    assert (status, headers["location"]) == (301, path_of(iri) + "/")


def test_the_ontology_is_a_document_answered_directly_with_content_location(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    store = site[2]
    status, headers, body = ask(served, "/def", Accept="text/turtle")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    assert headers["content-location"] == "/def.ttl"
    assert headers["vary"] == "Accept, Accept-Encoding"
    _assert_is_the_description(body, REPRESENTATIONS[1], store, "https://w3id.org/cskg/def")
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/cskg/def#Action"), None, None) in graph
    status, headers, _ = ask(served, "/def", Accept=BROWSER)
    assert (status, headers["location"], headers["vary"]) == (301, "/def/", "Accept")
    status, headers, body = ask(served, "/def/", Accept=BROWSER)
    assert status == 200 and headers["content-location"] == "/def/" and b"<html" in body
    status, headers, _ = ask(served, "/def/", Accept="application/n-triples")
    assert status == 200 and headers["content-type"].startswith("application/n-triples")


def test_no_acceptable_format_answers_406_in_french_with_the_alternatives(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    iri = site[3].action
    status, headers, body = ask(served, path_of(iri), Accept="application/rdf+xml")
    assert status == 406 and headers["vary"] == "Accept"
    text = body.decode()
    assert "Format non disponible" in text and 'lang="fr"' in text
    assert f'href="{path_of(iri)}.ttl"' in text


@pytest.mark.parametrize(
    "path",
    [
        "/id/action/nulle-part",
        "/id/action/nulle-part.ttl",
        "/rien.html",
        "/def/inconnu",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/id/%00",
        "/sparql/vendor/inconnu.js",
    ],
)
def test_an_unknown_path_answers_a_french_404(served: Served, path: str) -> None:
    status, headers, body = ask(served, path, Accept="text/turtle")
    assert status == 404 and headers["content-type"] == "text/html; charset=utf-8"
    text = body.decode()
    assert 'lang="fr"' in text and "Page introuvable" in text and "Traceback" not in text


def test_head_answers_the_headers_of_get_without_body(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    path = path_of(site[3].action) + ".ttl"
    got = ask(served, path)
    head = ask(served, path, method="HEAD")
    assert head[0] == 200 and head[2] == b""
    assert head[1]["content-length"] == str(len(got[2]))
    assert {k: v for k, v in head[1].items() if k != "date"} == {
        k: v for k, v in got[1].items() if k != "date"
    }
    status, headers, body = ask(
        served, path_of(site[3].action), method="HEAD", Accept="text/turtle"
    )
    assert status == 303 and headers["location"].endswith(".ttl") and body == b""


def test_an_unchanged_file_answers_304_to_its_etag(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    path = path_of(site[3].structure) + ".jsonld"
    _, headers, _ = ask(served, path)
    status, again, body = ask(served, path, If_None_Match=headers["etag"])
    assert status == 304 and body == b"" and again["etag"] == headers["etag"]
    assert ask(served, path, If_None_Match='"autre"')[0] == 200


def test_text_is_gzipped_for_clients_that_take_it(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    path = path_of(site[3].action) + ".nt"
    _, plain_headers, plain = ask(served, path)
    status, headers, body = ask(served, path, Accept_Encoding="gzip, deflate")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain and "content-encoding" not in plain_headers
    assert "Accept-Encoding" in headers["vary"]


def test_a_large_download_is_streamed_as_it_is_on_disk(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    """Above ``STREAMED_FROM`` (the downloads of 100,000 actions are gigabytes) a file is sent
    as it is, not gzipped per request; GET and HEAD give the same headers."""
    folder = site[1] / "telechargements"
    folder.mkdir(exist_ok=True)
    line = b'<https://w3id.org/cskg/id/a> <http://purl.org/dc/terms/title> "\xc3\xa9t\xc3\xa9" .\n'
    content = line * (STREAMED_FROM // len(line) + 2)
    (folder / "gros.nt").write_bytes(content)
    status, headers, body = ask(served, "/telechargements/gros.nt", Accept_Encoding="gzip")
    assert status == 200 and body == content and "content-encoding" not in headers
    assert headers["content-length"] == str(len(content)) and len(content) > STREAMED_FROM
    assert headers["content-type"].startswith("application/n-triples")
    head = ask(served, "/telechargements/gros.nt", method="HEAD", Accept_Encoding="gzip")
    assert head[0] == 200 and head[2] == b""
    assert {k: v for k, v in head[1].items() if k != "date"} == {
        k: v for k, v in headers.items() if k != "date"
    }
    status, _, body = ask(served, "/telechargements/gros.nt", If_None_Match=headers["etag"])
    assert status == 304 and body == b""


@pytest.fixture(scope="module")
def download(site: tuple[Path, Path, ox.Store, Sample]) -> tuple[str, bytes]:
    """A download over ``STREAMED_FROM`` in the served site: (its path, its bytes)."""
    folder = site[1] / "telechargements"
    folder.mkdir(exist_ok=True)
    line = '<https://w3id.org/cskg/id/a> <http://purl.org/dc/terms/title> "été n°{}" .\n'
    content = "".join(line.format(n) for n in range(STREAMED_FROM // 60 + 10)).encode()
    (folder / "reprise.nt").write_bytes(content)
    return "/telechargements/reprise.nt", content


def test_a_download_answers_one_byte_range(served: Served, download: tuple[str, bytes]) -> None:
    """RFC 9110 §14: 206 with ``Content-Range`` for a range, from its start, open-ended, or the
    last bytes; the whole file for several ranges, another unit or an invalid range; 416 past
    the end; HEAD ignores Range (it is defined for GET only)."""
    path, content = download
    size = len(content)
    status, headers, body = ask(served, path)
    assert status == 200 and headers["accept-ranges"] == "bytes" and body == content
    etag = headers["etag"]
    for wanted, first, last in [
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        (f"bytes={size - 10}-", size - 10, size - 1),
        ("bytes=-25", size - 25, size - 1),
        (f"bytes=5-{size + 1000}", 5, size - 1),  # the end clipped to the file's
        (f"bytes=0-{size - 1}", 0, size - 1),
        ("bytes=5-" + "9" * 5000, 5, size - 1),  # past what Python converts: to the end
        ("bytes=-" + "9" * 5000, 0, size - 1),
        ("bytes=" + "0" * 30 + "3-9", 3, 9),  # leading zeros are no digits of the number
    ]:
        status, headers, body = ask(served, path, Range=wanted, Accept_Encoding="gzip")
        assert status == 206, wanted[:40]
        assert body == content[first : last + 1], wanted[:40]
        assert headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert headers["content-length"] == str(last - first + 1)
        assert headers["etag"] == etag and "content-encoding" not in headers
        assert headers["content-type"].startswith("application/n-triples")
    for ignored in ("bytes=0-9,20-29", "lignes=1-2", "bytes=20-10", "bytes=-", "octets"):
        status, headers, body = ask(served, path, Range=ignored)
        assert (status, body) == (200, content), ignored
        assert "content-range" not in headers
    status, headers, body = ask(served, path, Range=f"bytes={size}-")
    assert status == 416 and headers["content-range"] == f"bytes */{size}"
    assert "commence après la fin du fichier" in body.decode("utf-8")
    assert ask(served, path, Range="bytes=-0")[0] == 416
    assert ask(served, path, Range="bytes=" + "9" * 5000 + "-")[0] == 416
    status, headers, body = ask(served, path, method="HEAD", Range="bytes=0-99")
    assert status == 200 and body == b"" and headers["content-length"] == str(size)


def test_if_range_resumes_only_the_same_version(
    served: Served, download: tuple[str, bytes]
) -> None:
    """``If-Range`` with the file's ETag gives the range; with another (an older version, or
    the validator of the gzip, whose bytes are not the file's) the whole file."""
    path, content = download
    etag = ask(served, path)[1]["etag"]
    status, _, body = ask(served, path, Range="bytes=10-19", If_Range=etag)
    assert (status, body) == (206, content[10:20])
    for other in ('"autre"', etag[:-1] + '-gzip"', "Wed, 21 Oct 2026 07:28:00 GMT"):
        status, headers, body = ask(served, path, Range="bytes=10-19", If_Range=other)
        assert (status, body) == (200, content) and "content-range" not in headers


def test_a_gzipped_answer_has_its_own_etag_and_ranges_are_of_the_file(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    """A strong validator names one sequence of bytes (RFC 9110 §8.8.3): the gzip of a page
    has another ETag than the page, both answer 304, and a range is of the page's own
    bytes, never of its gzip."""
    path = path_of(site[3].action) + ".nt"
    _, plain_headers, plain = ask(served, path)
    _, gzip_headers, zipped = ask(served, path, Accept_Encoding="gzip")
    assert gzip.decompress(zipped) == plain
    etag, gzip_tag = plain_headers["etag"], gzip_headers["etag"]
    assert gzip_tag != etag and gzip_tag == etag[:-1] + '-gzip"'
    for tag, encoding in ((etag, "gzip"), (gzip_tag, "gzip"), (gzip_tag, "identity")):
        status, headers, _ = ask(served, path, If_None_Match=tag, Accept_Encoding=encoding)
        # a 304 carries the Vary its 200 would (RFC 9110 §15.4.5)
        assert (status, headers["vary"]) == (304, plain_headers["vary"]), (tag, encoding)
    # If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" names "x"
    assert ask(served, path, If_None_Match=f'"autre", W/{etag}')[0] == 304
    assert ask(served, path, If_None_Match='W/"autre"')[0] == 200
    status, headers, body = ask(
        served, path, Range="bytes=0-49", If_Range=etag, Accept_Encoding="gzip"
    )
    assert (status, body) == (206, plain[:50]) and "content-encoding" not in headers
    status, headers, body = ask(
        served, path, Range="bytes=0-49", If_Range=gzip_tag, Accept_Encoding="gzip"
    )
    assert status == 200 and headers["content-encoding"] == "gzip" and body == zipped


def _sending(served: Served, path: str) -> tuple[socket.socket, bytes, bytes]:
    """A GET of ``path`` whose headers have arrived, the server waiting for its client to read
    the rest (a small receive buffer): the connection, the headers and the body so far."""
    url = urllib.parse.urlsplit(served.base)
    client = socket.create_connection((url.hostname or "", url.port or 80), timeout=30)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 10)
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: cskg\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        received += client.recv(1 << 16)
    head, _, body = received.partition(b"\r\n\r\n")
    return client, head, body


def _rest(client: socket.socket, body: bytes, length: int) -> bytes:
    """The rest of an answer's body: until ``length`` bytes or the connection closes."""
    with client:
        while len(body) < length and (piece := client.recv(1 << 20)):
            body += piece
    return body


def test_a_file_changed_while_sent_gives_its_first_version_or_less_never_more(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    """An answer is of the version of the file it opened: the file replaced meanwhile (as
    ``cskg site`` replaces a site), its bytes are the old ones; shortened in place, the
    answer stops there and the connection closes (its client sees fewer bytes than
    ``Content-Length``), never followed by an error page it would take for the file's end."""
    folder = site[1] / "telechargements"
    folder.mkdir(exist_ok=True)
    size = 32 << 20
    content = bytes(range(256)) * (size // 256)
    for name in ("remplace.bin", "raccourci.bin"):
        (folder / name).write_bytes(content)
    client, head, body = _sending(served, "/telechargements/remplace.bin")
    assert head.startswith(b"HTTP/1.1 200") and f"Content-Length: {size}".encode() in head
    (folder / "autre.bin").write_bytes(bytes(size))
    os.replace(folder / "autre.bin", folder / "remplace.bin")
    assert _rest(client, body, size) == content
    client, head, body = _sending(served, "/telechargements/raccourci.bin")
    assert head.startswith(b"HTTP/1.1 200") and f"Content-Length: {size}".encode() in head
    os.truncate(folder / "raccourci.bin", size // 2)
    body = _rest(client, body, size + 1)
    assert len(body) == size // 2 and body == content[: size // 2]


def test_curl_resumes_a_download_cut_off_midway(
    served: Served, download: tuple[str, bytes], tmp_path: Path
) -> None:
    """A real client: ``curl -C -`` finishes a file of which it holds the first bytes."""
    curl = shutil.which("curl")
    assert curl, "curl est introuvable : make test l'installe (paquet Debian curl)"
    path, content = download
    partial = tmp_path / "reprise.nt"
    partial.write_bytes(content[: len(content) // 3])
    subprocess.run(
        [curl, "--silent", "--show-error", "--fail", "--noproxy", "*", "-C", "-",
         "-o", str(partial), served.base.rstrip("/") + path],
        check=True, timeout=60,
    )  # fmt: skip
    assert partial.read_bytes() == content


def test_the_sparql_endpoint_stays_at_query_for_get_and_post(served: Served) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/cskg/def#Action> }"
    accept = "application/sparql-results+json"
    status, _, body = ask(served, "/query?query=" + urllib.parse.quote(query), Accept=accept)
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "25"
    status, _, body = ask(
        served,
        "/query",
        method="POST",
        body=query.encode(),
        Accept=accept,
        Content_Type="application/sparql-query",
    )
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "25"
    form = urllib.parse.urlencode({"query": query}).encode()
    status, _, body = ask(
        served,
        "/query",
        method="POST",
        body=form,
        Accept=accept,
        Content_Type="application/x-www-form-urlencoded",
    )
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "25"
    status, _, body = ask(served, "/query?query=SELEKT", Accept=accept)
    assert status == 400


@pytest.mark.parametrize("path", ["/update", "/store", "/store?default"])
def test_writes_are_refused_the_store_stays_as_loaded(served: Served, path: str) -> None:
    body = b"DROP ALL" if path == "/update" else b"<a:a> <a:b> <a:c> ."
    status, _, answer = ask(
        served, path, method="POST", body=body, Content_Type="application/sparql-update"
    )
    assert status == 403 and "Lecture seule" in answer.decode()
    query = "ASK { ?a a <https://w3id.org/cskg/def#Action> }"
    _, _, found = ask(
        served,
        "/query?query=" + urllib.parse.quote(query),
        Accept="application/sparql-results+json",
    )
    assert json.loads(found)["boolean"] is True


def test_post_outside_the_endpoint_is_refused(served: Served) -> None:
    status, headers, _ = ask(served, "/def", method="POST", body=b"x")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_the_sparql_page_and_its_assets_are_served(served: Served) -> None:
    status, headers, _ = ask(served, "/sparql")
    assert (status, headers["location"]) == (301, "/sparql/")
    status, _, body = ask(served, "/sparql/")
    assert status == 200 and body == sparql_page()
    for asset in ASSETS:
        status, headers, body = ask(served, "/sparql/" + asset)
        assert status == 200 and body == (STATIC_DIR / asset).read_bytes(), asset


def test_the_site_is_built_once_per_data_and_rebuilt_when_they_change(tmp_path: Path) -> None:
    data = tmp_path / "actions.nt"
    data.write_text("<a:x> <a:y> <a:z> .\n")
    built: list[Path] = []

    def build(folder: Path) -> None:
        built.append(folder)
        (folder / "index.html").write_text(data.read_text())

    first, reused = cached_site(tmp_path / "cache", [data], build, key="https://w3id.org/cskg/")
    assert not reused and (first / "index.html").read_text() == data.read_text()
    again, reused = cached_site(tmp_path / "cache", [data], build, key="https://w3id.org/cskg/")
    assert reused and again == first and len(built) == 1
    other, reused = cached_site(tmp_path / "cache", [data], build, key="https://example.org/")
    assert not reused and other != first
    data.write_text("<a:x> <a:y> <a:w> .\n")
    changed, reused = cached_site(tmp_path / "cache", [data], build, key="https://example.org/")
    assert not reused and changed != other and not other.exists()  # the old site is removed
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [changed.name]


def test_a_failed_build_leaves_no_site_behind(tmp_path: Path) -> None:
    data = tmp_path / "actions.nt"
    data.write_text("<a:x> <a:y> <a:z> .\n")

    def broken(folder: Path) -> None:
        (folder / "index.html").write_text("à moitié")
        raise OSError("disque plein")

    with pytest.raises(OSError):
        cached_site(tmp_path / "cache", [data], broken)
    assert list((tmp_path / "cache").iterdir()) == []


def test_what_builds_stopped_by_force_left_is_removed_and_a_running_build_kept(
    tmp_path: Path,
) -> None:
    """A build whose lock nobody holds (its serve killed) or that took none (an older cskg)
    is removed at the next start, even one that reuses its site; one whose lock is held (a
    serve still writing) is left alone until it ends."""
    data = tmp_path / "actions.nt"
    data.write_text("<a:x> <a:y> <a:z> .\n")
    cache = tmp_path / "cache"
    site, _ = cached_site(cache, [data], lambda folder: (folder / "index.html").write_text("x"))
    for stem in ("build-mort", "build-vif"):
        (cache / f".{stem}.lock").write_text("")
        (cache / f".{stem}").mkdir()
        (cache / f"..{stem}.k2j.tmp" / "id").mkdir(parents=True)
        (cache / f"..{stem}.k2j.tmp" / "id" / "index.html").write_text("à moitié")
    (cache / ".build-ancien" / "id").mkdir(parents=True)  # no lock: an older cskg's
    with open(cache / ".build-vif.lock", "rb+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the serve writing it holds it
        again, reused = cached_site(cache, [data], lambda folder: None)
        assert reused and again == site
        assert sorted(p.name for p in cache.iterdir()) == sorted(
            [site.name, ".build-vif.lock", ".build-vif", "..build-vif.k2j.tmp"]
        )
    cached_site(cache, [data], lambda folder: None)  # the lock released: its build ended
    assert [p.name for p in cache.iterdir()] == [site.name]


def test_a_lock_the_listing_missed_still_keeps_its_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory listing may miss a file made while it is read (POSIX readdir): the lock of
    a build seen in the listing is looked up anew before its folder is judged stale."""
    cache = tmp_path / "cache"
    (cache / ".build-vif").mkdir(parents=True)
    (cache / ".build-vif.lock").write_text("")
    listing = Path.iterdir
    calls: list[Path] = []

    def missing_the_lock(folder: Path) -> Iterator[Path]:
        calls.append(folder)
        return (p for p in listing(folder) if len(calls) > 1 or not p.name.endswith(".lock"))

    monkeypatch.setattr(Path, "iterdir", missing_the_lock)
    with open(cache / ".build-vif.lock", "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        remove_stale_builds(cache)
    assert calls and sorted(p.name for p in listing(cache)) == [".build-vif", ".build-vif.lock"]


def test_a_build_holds_its_lock_while_it_writes(tmp_path: Path) -> None:
    """While ``build`` runs, its folder is claimed: a sweep by another serve keeps it."""
    data = tmp_path / "actions.nt"
    data.write_text("<a:x> <a:y> <a:z> .\n")
    cache = tmp_path / "cache"
    seen: list[list[str]] = []

    def build(folder: Path) -> None:
        (folder / "index.html").write_text("x")
        remove_stale_builds(cache)
        seen.append(sorted(p.name for p in cache.iterdir()))
        assert (folder / "index.html").read_text() == "x"

    site, reused = cached_site(cache, [data], build)
    assert not reused and len(seen) == 1
    (stem,) = {name.removesuffix(".lock") for name in seen[0]}
    assert stem.startswith(".build-") and seen[0] == [stem, stem + ".lock"]
    assert [p.name for p in cache.iterdir()] == [site.name]


def test_serve_refuses_a_site_folder_that_does_not_exist(
    site: tuple[Path, Path, ox.Store, Sample], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from converter.cli import app

    result = CliRunner().invoke(
        app, ["serve", "--data", str(site[0]), "--site", str(tmp_path / "nulle-part")]
    )
    assert result.exit_code == 2
    assert "dossier du site introuvable" in result.output and "Traceback" not in result.output


def test_serve_says_when_its_port_is_taken(
    served: Served, site: tuple[Path, Path, ox.Store, Sample]
) -> None:
    from typer.testing import CliRunner

    from converter.cli import app

    port = served.base.rsplit(":", 1)[1]
    result = CliRunner().invoke(app, ["serve", "--data", str(site[0]), "--port", port])
    assert result.exit_code == 2
    assert f"le port {port} de 127.0.0.1 est déjà pris" in result.output
