"""cskg publish and cskg query against a real Virtuoso (Debian's virtuoso-opensource, started
once for this module on free loopback ports, with a throwaway database), beside a real oxigraph
server: issue 14. Without Virtuoso these tests fail, never skip: `make test` installs it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from converter.cli import app
from converter.convert import convert
from converter.endpoint import Server, free_port, served_files, start_server
from converter.errors import RemoteError
from converter.publish import (
    BATCH_TRIPLES,
    Endpoint,
    _Client,
    publish,
    read_triples,
    staging_graph,
)
from converter.query import bind, library, local_store, run_local, run_remote
from converter.reader import render
from tests import virtuoso
from tests.conftest import ROOT
from tests.faults import FaultProxy, Rule, publish_steps
from tests.test_endpoint import blank_nodes_lost_once

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

GRAPH = "https://example.org/graph/actions"
runner = CliRunner()


def no_sleep(_: float) -> None:
    pass


@pytest.fixture(scope="module")
def vt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Virtuoso]:
    if not virtuoso.available():
        pytest.fail(virtuoso.MISSING, pytrace=False)
    running = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[Server]:
    running = start_server(None, port=free_port())
    yield running
    running.stop()


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CSKG_ENDPOINT_USER", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc


@pytest.fixture
def dba(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSKG_ENDPOINT_USER", virtuoso.USER)
    monkeypatch.setenv("CSKG_ENDPOINT_PASSWORD", virtuoso.PASSWORD)


def _rows(results: ox.QuerySolutions | ox.QueryBoolean) -> list[tuple[str, ...]]:
    if isinstance(results, ox.QueryBoolean):
        return [(str(bool(results)),)]
    names = [v.value for v in results.variables]
    return sorted(tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in results)


# Virtuoso answers booleans in their other canonical lexical form ("1" for "true"): same value.
_BOOLEAN = "^^<http://www.w3.org/2001/XMLSchema#boolean>"
_BOOLEANS = {f'"1"{_BOOLEAN}': f'"true"{_BOOLEAN}', f'"0"{_BOOLEAN}': f'"false"{_BOOLEAN}'}


def _triples(url: str, graph: str) -> list[tuple[str, ...]]:
    rows = _rows(run_remote(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", url))
    return sorted((s, p, _BOOLEANS.get(o, o)) for s, p, o in rows)


def _expected(data: Path) -> list[tuple[str, ...]]:
    return sorted((str(t.subject), str(t.predicate), str(t.object)) for t in read_triples(
        served_files(data)
    ))  # fmt: skip


def test_publish_twice_on_virtuoso_sparql_url_alone(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    """Points 1, 3, 4: `--endpoint …/sparql` alone: the guessed Graph Store (…/data) answers
    501, the guessed …/update 404; publish goes by INSERT DATA batches to …/sparql, counts by
    form-encoded queries, twice without doubling and without a staging graph left."""
    _, v2 = outputs
    for _ in range(2):
        done = runner.invoke(app, ["publish", "--endpoint", vt.sparql, "--data", str(v2),
                                   "--graph", GRAPH, "--timeout", "20"])  # fmt: skip
        assert done.exit_code == 0, done.output
        assert "SPARQL Update par lots" in done.stdout
    assert _triples(vt.sparql, GRAPH) == _expected(v2), "the graph read back is the output"
    assert _triples(vt.sparql, staging_graph(GRAPH)) == []


def test_publish_by_graph_store_on_virtuoso_then_a_smaller_version_replaces_it(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    """Point 3: the staging PUT goes to /sparql-graph-crud, then the counts must be answered."""
    v1, v2 = outputs
    graph = GRAPH + "/crud"
    target = Endpoint(vt.sparql, vt.sparql, vt.base + "/sparql-graph-crud", timeout=20)
    for data in (v2, v2, v1):
        done = publish(data, target, graph, sleep=no_sleep)
        assert done.method == "graph-store" and done.retries == 0
        assert _triples(vt.sparql, graph) == _expected(data)
    assert _triples(vt.sparql, staging_graph(graph)) == []


def test_no_graph_store_is_said_with_an_empty_url(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    """Point 1: `--graph-store ""` means "this server has no Graph Store" (it was exit 3)."""
    _, v2 = outputs
    graph = GRAPH + "/sans-graph-store"
    done = runner.invoke(app, ["publish", "--endpoint", vt.sparql, "--update", vt.sparql,
                               "--graph-store", "", "--data", str(v2), "--graph", graph])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "SPARQL Update par lots" in done.stdout
    assert _triples(vt.sparql, graph) == _expected(v2)
    bad = runner.invoke(app, ["publish", "--endpoint", vt.sparql, "--graph-store", "ftp://x",
                              "--data", str(v2)])  # fmt: skip
    assert bad.exit_code == 2 and "--graph-store" in bad.output


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of 150 generated fiches: more than 5,000 triples."""
    root = tmp_path_factory.mktemp("generated")
    (root / "fiches.txt").write_text(render(list(generate.fiches(150, seed=14))), "utf-8")
    convert([root / "fiches.txt"], root / "out")
    return root / "out"


def test_batches_too_large_for_virtuoso_are_split(
    vt: virtuoso.Virtuoso, generated: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None
) -> None:
    """Point 4: Virtuoso refuses 5,000 triples in one INSERT DATA (SP030/SP031, its SQL
    compiler's limits): the batch is halved and re-sent until the server takes it."""
    monkeypatch.setattr("converter.publish.BATCH_TRIPLES", 5000)  # the size before issue 14
    total = len(read_triples(served_files(generated)))
    assert total > 5000, "the data must fill one batch of the old size"
    proxy = FaultProxy(vt.base)
    try:
        target = Endpoint(proxy.url + "/sparql", proxy.url + "/sparql", None, timeout=60)
        done = publish(generated, target, GRAPH + "/lots", sleep=no_sleep)
    finally:
        proxy.close()
    posts = sum(1 for method, _, _ in proxy.seen if method == "POST")
    assert done.method == "update" and done.triples == total
    assert posts > 4 + total // 5000 + 1, "a refused batch was split and sent again"
    assert len(_triples(vt.sparql, GRAPH + "/lots")) == total
    assert _triples(vt.sparql, staging_graph(GRAPH + "/lots")) == []


def test_the_default_batch_passes_on_virtuoso_without_a_refusal(
    vt: virtuoso.Virtuoso, generated: Path, no_credentials: None
) -> None:
    """The documented default (1,000 triples) is taken as it is: one request per batch."""
    total = len(read_triples(served_files(generated)))
    proxy = FaultProxy(vt.base)
    try:
        target = Endpoint(proxy.url + "/sparql", proxy.url + "/sparql", None, timeout=60)
        publish(generated, target, GRAPH + "/lots-defaut", sleep=no_sleep)
    finally:
        proxy.close()
    posts = sum(1 for method, _, _ in proxy.seen if method == "POST")
    assert posts == 4 + -(-total // BATCH_TRIPLES)  # DROP, batches, 2 counts, MOVE, count


def test_digest_credentials_publish_and_query_on_sparql_auth(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], dba: None
) -> None:
    """Point 2: /sparql-auth asks Digest; publish (Graph Store …-auth guessed) and query pass."""
    _, v2 = outputs
    url = vt.base + "/sparql-auth"
    graph = GRAPH + "/digest"
    done = runner.invoke(app, ["publish", "--endpoint", url, "--data", str(v2),
                               "--graph", graph])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Graph Store HTTP" in done.stdout
    assert _triples(vt.sparql, graph) == _expected(v2)
    answered = runner.invoke(app, ["query", "actions-par-statut", "--endpoint", url,
                                   "--graph", graph])  # fmt: skip
    assert answered.exit_code == 0, answered.output
    assert "En cours" in answered.stdout and "Terminée" in answered.stdout


def test_digest_publish_of_a_larger_graph_is_sent_authenticated_at_once(
    vt: virtuoso.Virtuoso, generated: Path, monkeypatch: pytest.MonkeyPatch, dba: None
) -> None:
    """Sent anonymously first (urllib's Digest handler), a body of some megabytes is cut off by
    Virtuoso's early 401: every publish on /sparql-auth of a real graph failed (broken pipe,
    after 4 tries). The body now goes once, with the answer to a fresh challenge; a wrong
    password is found on a bodiless request and said as such."""
    url = vt.base + "/sparql-auth"
    done = runner.invoke(app, ["publish", "--endpoint", url, "--data", str(generated),
                               "--graph", GRAPH + "/digest-grand"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert len(_triples(vt.sparql, GRAPH + "/digest-grand")) == len(_expected(generated))
    monkeypatch.setenv("CSKG_ENDPOINT_PASSWORD", "mauvais-secret")
    refused = runner.invoke(app, ["publish", "--endpoint", url, "--data", str(generated)])
    assert refused.exit_code == 2 and "accès refusé (401)" in refused.output, refused.output


def test_wrong_password_on_digest_is_refused_and_never_printed(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CSKG_ENDPOINT_USER", "dba")
    monkeypatch.setenv("CSKG_ENDPOINT_PASSWORD", "mauvais-secret")
    url = vt.base + "/sparql-auth"
    for command in (["publish", "--endpoint", url, "--data", str(outputs[1])],
                    ["query", "actions-par-statut", "--endpoint", url]):  # fmt: skip
        done = runner.invoke(app, command)
        assert done.exit_code == 2, done.output
        assert "accès refusé (401)" in done.output
        assert "mauvais-secret" not in done.output and "Traceback" not in done.output


def test_every_library_query_gives_the_same_rows_on_virtuoso_and_oxigraph(
    vt: virtuoso.Virtuoso, oxigraph: Server, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    """Point 6 and the portability of the library: same rows on both servers and locally."""
    _, v2 = outputs
    graph = GRAPH + "/bibliotheque"
    publish(v2, Endpoint.from_url(vt.sparql, timeout=30), graph, sleep=no_sleep)
    publish(v2, Endpoint.from_url(oxigraph.query_url), graph, sleep=no_sleep)
    local = local_store(served_files(v2)[:1])
    queries = library()
    assert len(queries) >= 14
    for query in queries:
        text = bind(query, {})
        on_virtuoso = _rows(run_remote(text, vt.sparql, graph=graph))
        on_oxigraph = _rows(run_remote(text, oxigraph.query_url, graph=graph))
        assert on_virtuoso == on_oxigraph, query.name
        assert on_oxigraph == _rows(run_local(text, local)), query.name
        assert on_virtuoso, query.name


def test_a_swap_whose_staging_graph_vanished_never_empties_the_published_graph(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    """Point 5: Virtuoso runs MOVE from a missing graph and empties the target; the swap
    counts the staging graph before every MOVE."""
    v1, _ = outputs
    graph = GRAPH + "/disparu"
    target = Endpoint.from_url(vt.sparql, timeout=20)
    publish(v1, target, graph, sleep=no_sleep)
    before = _triples(vt.sparql, graph)
    client = _Client(target, no_sleep)
    with pytest.raises(RemoteError, match="incomplet"):
        client.swap("urn:cskg:staging:absent", graph, len(before))
    assert _triples(vt.sparql, graph) == before


@pytest.mark.parametrize(
    ("method", "path", "marker", "graph_store"),
    publish_steps(store="/sparql-graph-crud", query="/sparql", update="/sparql"),
    ids=lambda v: v.decode() if isinstance(v, bytes) else str(v),
)
def test_an_answer_lost_on_virtuoso_still_publishes_the_new_version_once(
    vt: virtuoso.Virtuoso,
    outputs: tuple[Path, Path],
    method: str,
    path: str,
    marker: bytes,
    graph_store: bool,
    no_credentials: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Point 5: the request runs on Virtuoso and its answer is lost (tests/faults.py)."""
    monkeypatch.setattr("converter.publish.STORE_PART_TRIPLES", 1000)  # a PUT and two POSTs
    v1, v2 = outputs
    graph = f"{GRAPH}/perdu-{method}-{marker.decode()[:12] or 'put'}-{graph_store}"
    graph = graph.replace(" ", "-").replace("%", "")
    publish(v1, Endpoint.from_url(vt.sparql, timeout=20), graph, sleep=no_sleep)
    proxy = FaultProxy(vt.base, [Rule(method, path, "lost", times=1, body=marker)])
    store = proxy.url + "/sparql-graph-crud" if graph_store else None
    try:
        target = Endpoint(proxy.url + "/sparql", proxy.url + "/sparql", store, timeout=20)
        done = publish(v2, target, graph, sleep=no_sleep)
    finally:
        proxy.close()
    assert "lost" in [outcome for _, _, outcome in proxy.seen], "the fault was injected"
    assert done.method == ("graph-store" if graph_store else "update")
    assert _triples(vt.sparql, graph) == _expected(v2), "the new version, complete, once"
    assert _triples(vt.sparql, staging_graph(graph)) == [], "no staging graph left behind"


def test_a_lost_part_with_blank_nodes_is_loaded_again_on_virtuoso(
    vt: virtuoso.Virtuoso, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None
) -> None:
    """Virtuoso mints new blank nodes at each Graph Store POST: after a lost answer the staging
    graph is loaded again from its first part, and each blank node is there once. (Virtuoso
    refuses blank nodes in INSERT DATA, SP031: the output has none.)"""
    graph = GRAPH + "/blancs"
    total, done = blank_nodes_lost_once(
        vt.base, tmp_path, monkeypatch, store="/sparql-graph-crud", update="/sparql", graph=graph
    )

    def count(graph: str) -> int:  # Virtuoso names blank nodes nodeID://…, not _:…
        found = run_remote(
            f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", vt.sparql
        )
        return int(next(iter(found))["n"].value)  # type: ignore[arg-type, index, union-attr]

    assert done.retries >= 1 and count(graph) == total, "each blank node once"
    assert count(staging_graph(graph)) == 0


def test_virtuoso_failing_at_the_swap_keeps_the_previous_version(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    v1, v2 = outputs
    graph = GRAPH + "/echec-echange"
    publish(v1, Endpoint.from_url(vt.sparql, timeout=20), graph, sleep=no_sleep)
    before = _triples(vt.sparql, graph)
    proxy = FaultProxy(vt.base, [Rule("POST", "/sparql", "status", status=503, body=b"MOVE")])
    try:
        target = Endpoint(proxy.url + "/sparql", proxy.url + "/sparql", None, timeout=20)
        with pytest.raises(RemoteError, match="503"):
            publish(v2, target, graph, sleep=no_sleep)
    finally:
        proxy.close()
    assert _triples(vt.sparql, graph) == before


SR325 = (
    b"Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size went "
    b"above the limit\n\nSPARQL query:\nMOVE GRAPH"
)  # what Virtuoso 7.2.5 answered to the MOVE of the 100,000-action benchmark (50 MB default)


def test_a_swap_too_large_for_virtuoso_is_refused_once_and_keeps_the_previous_version(
    vt: virtuoso.Virtuoso, outputs: tuple[Path, Path], no_credentials: None
) -> None:
    """Found at 100,000 actions: Virtuoso aborts a MOVE that logs more than its
    TransactionAfterImageLimit (SR325, answered 500). A small example does not reach the
    limit even set to 1,000 bytes, so the proxy answers Virtuoso's text in its place: the swap
    is sent once (a refusal that cannot change is not retried), the message says which setting
    to raise, and the published graph keeps its previous version."""
    v1, v2 = outputs
    graph = GRAPH + "/trop-grand"
    publish(v1, Endpoint.from_url(vt.sparql, timeout=20), graph, sleep=no_sleep)
    before = _triples(vt.sparql, graph)
    rules = [Rule("POST", "/sparql", "status", status=500, body=b"MOVE", answer=SR325)]
    proxy = FaultProxy(vt.base, rules)
    try:
        target = Endpoint(proxy.url + "/sparql", proxy.url + "/sparql", None, timeout=20)
        with pytest.raises(RemoteError, match="TransactionAfterImageLimit"):
            publish(v2, target, graph, sleep=no_sleep)
    finally:
        proxy.close()
    assert [outcome for _, _, outcome in proxy.seen].count("status") == 1, "MOVE sent once"
    assert _triples(vt.sparql, graph) == before
