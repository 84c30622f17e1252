"""The redirect rules written from the negotiation's declaration, run by their real consumers:
the w3id.org ``.htaccess`` in Debian's Apache (mod_rewrite, as w3id.org runs it) and the nginx
configuration in Debian's nginx, each started on a free loopback port (issue 15).

mod_rewrite and nginx read an Accept header by its order, not its q-values: the table holds
headers whose order and q-values agree, and says so by asserting it.
"""

from __future__ import annotations

import getpass
import http.client
import shutil
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter.endpoint import free_port
from converter.site import negotiation
from converter.site.negotiation import BY_SUFFIX, choose, is_thing
from converter.site.server import write_serving_files
from tests.serving import converted, sample, small_site, store_of

TARGET = "https://site.example.org/cskg/"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPTS = [
    None,
    "*/*",
    BROWSER,
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "text/turtle, text/html;q=0.5",
    "application/ld+json, text/turtle;q=0.9, */*;q=0.1",
    "text/html, text/turtle;q=0.5",
    "application/n-triples, application/ld+json;q=0.5",
]
PATHS = [
    "id/action/72/cs-x/repair-cafe",
    "vocab/thematique/numerique",
    "vocab/statut",
    "def",
    "geo/departement/72",
    "actions/theme/numerique",
]


def _first_listed(accept: str | None) -> str:
    """The representation an order-reading server picks: ours listed first, else HTML."""
    listed = [r for r in negotiation.parse_accept(accept) if r.quality > 0]
    for media_range in listed:
        for representation in negotiation.REPRESENTATIONS:
            if media_range.specificity(representation.media_type) == 2:
                return representation.name
    return "html"


@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_table_holds_headers_where_order_and_q_values_agree(accept: str | None) -> None:
    chosen = choose(accept)
    assert chosen is not None and chosen.name == _first_listed(accept)


def _start(command: list[str], port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise AssertionError(f"{command[0]} s'est arrêté : {text[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("HEAD", "/")
            connection.getresponse()
            connection.close()
            return process
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"{command[0]} ne répond pas sur {port}") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _get(port: int, path: str, accept: str | None) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept": accept} if accept else {})
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


APACHE_MODULES = ["mpm_event", "authz_core", "unixd", "dir", "mime", "rewrite"]


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    binary = shutil.which("apache2") or "/usr/sbin/apache2"
    assert Path(binary).exists(), (
        "Apache absent (apache2 de Debian) : make test l'installe / Debian's apache2 missing"
    )
    root = tmp_path_factory.mktemp("apache")
    (root / "www" / "cskg").mkdir(parents=True)
    written = write_serving_files(root / "site", base="https://w3id.org/cskg/", publish_url=TARGET)
    assert root / "site" / "redirections" / "w3id.htaccess" in written
    assert root / "site" / "sparql" / "index.html" in written
    shutil.copyfile(
        root / "site" / "redirections" / "w3id.htaccess", root / "www" / "cskg" / ".htaccess"
    )
    port = free_port()
    modules = "\n".join(
        f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so"
        for m in APACHE_MODULES
        if m != "unixd"
    )
    (root / "httpd.conf").write_text(f"""ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {root}/httpd.pid
ErrorLog {root}/error.log
Mutex file:{root} default
TypesConfig /etc/mime.types
{modules}
DocumentRoot {root}/www
<Directory {root}/www>
    AllowOverride All
    Require all granted
</Directory>
""")
    process = _start(
        [binary, "-f", str(root / "httpd.conf"), "-DFOREGROUND"], port, root / "error.log"
    )
    yield port
    _stop(process)


def _w3id_expected(path: str, accept: str | None) -> tuple[int, str]:
    chosen = choose(accept)
    assert chosen is not None
    status = 303 if is_thing(path) else 302
    if chosen.name == "html":
        return status, f"{TARGET}{path}/"
    return status, TARGET + negotiation.file_of(path, chosen)


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("path", PATHS)
def test_w3id_htaccess_redirects_each_iri_as_the_declaration_says(
    apache: int, path: str, accept: str | None
) -> None:
    status, headers = _get(apache, f"/cskg/{path}", accept)
    assert (status, headers.get("location")) == _w3id_expected(path, accept)


@pytest.mark.parametrize("suffix", sorted(BY_SUFFIX))
def test_w3id_htaccess_sends_a_suffixed_url_to_its_file(apache: int, suffix: str) -> None:
    status, headers = _get(apache, f"/cskg/id/action/72/cs-x/repair-cafe{suffix}", "text/html")
    expected = TARGET + "id/action/72/cs-x/repair-cafe/index" + suffix
    assert (status, headers.get("location")) == (302, expected)


def test_w3id_htaccess_sends_the_home_and_plain_files_as_they_are(apache: int) -> None:
    status, headers = _get(apache, "/cskg/", None)
    assert (status, headers["location"]) == (302, TARGET)
    assert _get(apache, "/cskg/sitemap.xml", None)[1]["location"] == TARGET + "sitemap.xml"


PART = "id/action/72/cs-x/repair-cafe/association/2"


@pytest.mark.parametrize("accept", ACCEPTS)
@pytest.mark.parametrize("suffix", ["", "/", ".html", ".ttl"])
def test_w3id_htaccess_sends_a_part_of_an_action_to_its_actions_document(
    apache: int, accept: str | None, suffix: str
) -> None:
    """Cool URIs 303: the page of the action at the part's anchor, or the action's RDF."""
    chosen = BY_SUFFIX[suffix] if suffix.startswith(".") else choose(accept)
    assert chosen is not None
    status, headers = _get(apache, f"/cskg/{PART}{suffix}", accept)
    action = "id/action/72/cs-x/repair-cafe"
    expected = (
        f"{TARGET}{action}/#association/2"
        if chosen.name == "html"
        else TARGET + negotiation.file_of(action, chosen)
    )
    assert (status, headers.get("location")) == (303, expected)


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, ox.Store, list[str]]]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), (
        "nginx absent (nginx-light de Debian) : make test l'installe / Debian's nginx missing"
    )
    output = converted(tmp_path_factory.mktemp("sortie"))
    store = store_of(output)
    chosen = sample(store)
    site = small_site(store, chosen.all(), tmp_path_factory.mktemp("site"))
    root = tmp_path_factory.mktemp("nginx")
    port = free_port()
    (root / "cskg.conf").write_text(negotiation.nginx_config(str(site), listen=f"127.0.0.1:{port}"))
    # pytest's folders are private to their owner: the workers read them as that user
    # (ignored, with a warning, when the tests do not run as root)
    (root / "nginx.conf").write_text(f"""user {getpass.getuser()};
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {root}; proxy_temp_path {root}; fastcgi_temp_path {root};
    uwsgi_temp_path {root}; scgi_temp_path {root};
    include {root}/cskg.conf;
}}
""")
    process = _start(
        [binary, "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
        port,
        root / "error.log",
    )
    yield port, store, [iri.removeprefix("https://w3id.org/cskg/") for iri in chosen.all()]
    _stop(process)


@pytest.mark.parametrize("accept", ACCEPTS)
def test_nginx_answers_as_cskg_serve(
    nginx: tuple[int, ox.Store, list[str]], accept: str | None
) -> None:
    port, _, paths = nginx
    chosen = choose(accept)
    assert chosen is not None
    for path in paths:
        status, headers = _get(port, f"/{path}", accept)
        if is_thing(path):
            assert status == 303, (path, headers)
            assert headers["location"].endswith("/" + negotiation.variant_url(path, chosen))
            assert headers["vary"] == "Accept"
        elif chosen.name == "html":
            assert status == 301 and headers["location"].endswith(f"/{path}/"), path
        else:
            assert status == 200 and headers["content-type"].startswith(chosen.media_type)
            assert "Accept" in headers["vary"]
        for representation in negotiation.REPRESENTATIONS[1:]:
            status, headers = _get(port, f"/{path}{representation.suffix}", "text/html")
            assert status == 200 and headers["content-type"].startswith(
                representation.media_type
            ), (path, representation)
            assert 'rel="alternate"' in headers["link"]
        status, headers = _get(port, f"/{path}/", "text/html")
        assert status == 200 and headers["content-type"].startswith("text/html"), path
    assert _get(port, "/id/action/nulle-part", None)[0] == 404
    action = paths[0]
    assert action.startswith("id/action/")
    for suffix in ("", "/", ".html", ".ttl", ".jsonld"):
        status, headers = _get(port, f"/{action}/association/1{suffix}", accept)
        wanted = BY_SUFFIX[suffix] if suffix.startswith(".") else chosen
        expected = (
            f"/{action}/#association/1"
            if wanted.name == "html"
            else "/" + negotiation.variant_url(action, wanted)
        )
        assert status == 303 and headers["location"].endswith(expected), (suffix, headers)
        assert headers["vary"] == "Accept"
        if wanted.name != "html":
            status, headers = _get(port, urllib.parse.urlsplit(headers["location"]).path, None)
            assert status == 200 and headers["content-type"].startswith(wanted.media_type)
