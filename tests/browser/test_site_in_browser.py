"""The site as a person sees it, in Debian's chromium (issue 15): pages load without console
errors, the map draws the départements with actions, a facet and a search narrow the list to
the right actions (checked by hand against data/actions_centres_sociaux.txt), every link of a
sample of pages resolves, the SPARQL page runs a library query on the local endpoint, no
request leaves 127.0.0.1, and axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from converter.query import library
from tests.browser.conftest import AXE, Watched
from tests.serving import Served

# By hand, from data/actions_centres_sociaux.txt: the 18 départements of the 25 fiches'
# structures (« … - Sarthe », « … - Lot », …), by INSEE code.
DEPARTEMENTS_WITH_ACTIONS = sorted("11 13 23 31 37 44 46 49 52 53 54 57 59 68 72 90 95 971".split())
# The two fiches whose structure is in the Sarthe (lines 3-5 and 442-444 of the example).
SARTHE = sorted(
    ["Bien vivre dans son logement, s'ouvrir vers l'extérieur", "COMMISSION: INSERTION JEUNES"]
)
# « électroménager » is written in one fiche only (lines 26 and 31, the first fiche).
ELECTROMENAGER = ["Bien vivre dans son logement, s'ouvrir vers l'extérieur"]

KINDS = [
    "accueil",
    "actions",
    "action",
    "structure",
    "concept",
    "territoire",
    "ontologie",
    "vocabulaires",
    "sparql",
]


def _open(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url


LIST_READY = "document.querySelector('#liste li') !== null"
EDITOR_READY = "window.cskgYasgui !== undefined"


def _opened(watched_page: tuple[Any, Watched], url: str, ready: str) -> tuple[Any, Watched]:
    """The page at ``url``, once its script is ``ready`` (a JavaScript condition)."""
    page, watched = watched_page
    _open(page, url)
    page.wait_for_function(ready)
    return page, watched


def _clean(watched: Watched, base: str) -> None:
    assert watched.errors == [], watched.errors
    assert watched.refused == [], f"requêtes hors de 127.0.0.1 : {watched.refused}"
    assert all(url.startswith((base + "/", "data:", "blob:")) for url in watched.requests)


@pytest.fixture(scope="module")
def sample_urls(site_server: Served) -> dict[str, str]:
    """One page of each kind, found by following the site's own links from its home."""
    base = site_server.base
    found = {
        "accueil": base + "/",
        "actions": base + "/actions/index.html",
        "ontologie": base + "/def/",
        "vocabulaires": base + "/vocab/index.html",
        "sparql": base + "/sparql/",
    }
    listing = urllib.request.urlopen(found["actions"]).read().decode()
    first = listing.split('<ol id="liste"')[1].split('href="')[1].split('"')[0]
    found["action"] = urllib.parse.urljoin(found["actions"], first)
    action = urllib.request.urlopen(found["action"]).read().decode()
    for kind, marker in (
        ("structure", "/id/structure/"),
        ("concept", "/vocab/thematique/"),
        ("territoire", "/geo/departement/"),
    ):
        hrefs = [h.split('"')[0] for h in action.split('href="')[1:]]
        found[kind] = urllib.parse.urljoin(found["action"], next(h for h in hrefs if marker in h))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_page_loads_without_console_errors_nor_outside_requests(
    watched_page: tuple[Any, Watched],
    site_server: Served,
    sample_urls: dict[str, str],
    kind: str,
) -> None:
    page, watched = watched_page
    _open(page, sample_urls[kind])
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.locator("h1").count() >= 1
    _clean(watched, site_server.base)


def test_the_map_draws_one_shape_per_departement_with_actions(
    watched_page: tuple[Any, Watched], site_server: Served
) -> None:
    page, watched = watched_page
    _open(page, site_server.base + "/")
    shapes = page.evaluate("""() => [...document.querySelectorAll(
        '#carte-departements path.territoire')].map(p => {
            const box = p.getBBox();
            return {code: p.dataset.code, actions: Number(p.dataset.actions),
                    drawn: box.width > 0 && box.height > 0};
        })""")
    with_actions = sorted(s["code"] for s in shapes if s["actions"] > 0)
    assert with_actions == DEPARTEMENTS_WITH_ACTIONS
    assert all(s["drawn"] for s in shapes if s["actions"] > 0)
    assert sum(s["actions"] for s in shapes) == 25
    assert len({s["code"] for s in shapes}) == len(shapes) >= 100  # every département once
    _clean(watched, site_server.base)


def _listed(page: Any) -> list[str]:
    return sorted(page.locator("#liste li a").all_inner_texts())


def test_a_facet_click_narrows_the_list_to_the_actions_of_the_departement(
    watched_page: tuple[Any, Watched], site_server: Served
) -> None:
    page, watched = _opened(watched_page, site_server.base + "/actions/index.html", LIST_READY)
    assert len(_listed(page)) == 25
    page.locator('input[name="departement"][value$="/departement/72"]').check()
    page.wait_for_function("document.querySelectorAll('#liste li').length === 2")
    assert _listed(page) == SARTHE
    assert "2" in page.locator("#compte").inner_text()
    _clean(watched, site_server.base)


def test_a_search_ignoring_case_and_accents_narrows_the_list(
    watched_page: tuple[Any, Watched], site_server: Served
) -> None:
    page, watched = _opened(watched_page, site_server.base + "/actions/index.html", LIST_READY)
    page.locator("#q").fill("ELECTROMENAGER")
    page.wait_for_function("document.querySelectorAll('#liste li').length === 1")
    assert _listed(page) == ELECTROMENAGER
    _clean(watched, site_server.base)


@pytest.mark.parametrize(
    "kind", ["accueil", "action", "structure", "concept", "territoire", "ontologie"]
)
def test_every_link_of_a_page_resolves(
    watched_page: tuple[Any, Watched],
    site_server: Served,
    sample_urls: dict[str, str],
    kind: str,
) -> None:
    page, _ = watched_page
    _open(page, sample_urls[kind])
    hrefs = page.eval_on_selector_all(  # SVG links too (the map's), whose href is no string
        "a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"
    )
    local = sorted({h.split("#")[0] for h in hrefs if h.startswith(site_server.base + "/")})
    assert local, kind
    broken = []
    for url in local:
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:
                if answer.status != 200:
                    broken.append((url, answer.status))
        except urllib.error.HTTPError as error:
            broken.append((url, error.code))
    assert broken == [], broken


def test_the_sparql_page_runs_a_library_query_on_the_local_endpoint(
    watched_page: tuple[Any, Watched], site_server: Served
) -> None:
    page, watched = _opened(watched_page, site_server.base + "/sparql/", EDITOR_READY)
    options = page.locator("#bibliotheque option").count()
    assert options == len(library()) + 1  # every library query, and the prompt
    page.select_option("#bibliotheque", "actions-par-departement")
    assert "combien d'actions par département" in page.locator("#bibliotheque-aide").inner_text()
    text = page.evaluate("window.cskgYasgui.getTab().getYasqe().getValue()")
    assert "SELECT DISTINCT ?departement ?code ?nom ?region ?actions" in text
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_function(
        "document.querySelectorAll('.tabPanel.active .yasr table tbody tr').length > 0",
        timeout=30_000,
    )
    rows = page.locator(".tabPanel.active .yasr table tbody tr")
    assert rows.count() == len(DEPARTEMENTS_WITH_ACTIONS)
    shown = page.locator(".tabPanel.active .yasr table tbody").inner_text()
    assert "Sarthe" in shown and "Guadeloupe" in shown
    assert "^^" not in shown  # values, not typed literals ("Sarthe"^^xsd:token)
    posted = [u for u in watched.requests if u.startswith(site_server.base + "/query")]
    assert posted, watched.requests
    _clean(watched, site_server.base)


# YASGUI's English texts, read in @zazuko/yasgui 4.6's source (yasqe, yasr and its table
# plugin, DataTables' defaults, the tabs and the endpoint field): none may remain on the page.
ENGLISH = ["Run query", "Share query", "Table", "Response", "Simple view", "Ellipse",
           "Filter query results", "Page size", "Showing", "entries", "results", "result",
           "seconds", "Download", "Add tab", "Close tab", "Add a new tab", "Search", "Clear",
           "endpoint", "Open settings", "No data available", "Previous", "Next", "All",
           "Shows", "documentation", "Loading", "Query"]  # fmt: skip


def test_the_sparql_page_speaks_french_after_a_query(
    watched_page: tuple[Any, Watched], site_server: Served
) -> None:
    page, watched = _opened(watched_page, site_server.base + "/sparql/", EDITOR_READY)
    page.select_option("#bibliotheque", "actions-par-departement")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_function(
        "document.querySelectorAll('.tabPanel.active .yasr table tbody tr').length > 0",
        timeout=30_000,
    )
    texts = page.evaluate("""() => {
        const skip = ".CodeMirror-code, .yasr table.dataTable tbody";
        const found = [];
        const root = document.getElementById("yasgui");
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const element = n.parentElement;
            if (!element || element.closest(skip) || !element.checkVisibility()) continue;
            if (n.nodeValue.trim()) found.push(n.nodeValue.trim());
        }
        for (const element of root.querySelectorAll("[title], [aria-label], [placeholder]")) {
            if (element.closest(skip)) continue;
            for (const name of ["title", "aria-label", "placeholder"]) {
                const value = element.getAttribute(name);
                if (value) found.push(value);
            }
        }
        return found;
    }""")
    english = [t for t in texts if any(re.search(rf"\b{re.escape(w)}\b", t) for w in ENGLISH)]
    assert english == [], english
    shown = " ".join(texts)
    for french in (
        "Lancer la requête",
        "Tableau",
        "Réponse",
        "Lignes 1 à 18 sur 18",
        "18 résultats",
    ):
        assert french in shown, (french, "|".join(texts))
    _clean(watched, site_server.base)


def test_a_page_opens_its_resource_in_the_sparql_editor(
    watched_page: tuple[Any, Watched], site_server: Served, sample_urls: dict[str, str]
) -> None:
    page, watched = watched_page
    _open(page, sample_urls["structure"])
    page.get_by_role("link", name="ouvrir dans l'éditeur SPARQL").click()
    page.wait_for_function(EDITOR_READY)
    text = page.evaluate("window.cskgYasgui.getTab().getYasqe().getValue()")
    assert text.startswith("DESCRIBE <https://w3id.org/cskg/id/structure/"), text
    _clean(watched, site_server.base)


def test_a_parameterised_query_is_shown_with_its_parameters(
    watched_page: tuple[Any, Watched], site_server: Served
) -> None:
    url = site_server.base + "/sparql/?requete=actions-commencees-avant"
    page, watched = _opened(watched_page, url, EDITOR_READY)
    about = page.locator("#bibliotheque-aide").inner_text()
    assert "Paramètres" in about and "?" in about
    text = page.evaluate("window.cskgYasgui.getTab().getYasqe().getValue()")
    assert "VALUES" in text
    _clean(watched, site_server.base)


@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_serious_or_critical_violation(
    watched_page: tuple[Any, Watched],
    site_server: Served,
    sample_urls: dict[str, str],
    kind: str,
) -> None:
    assert AXE.exists(), "axe-core absent : lancez npm ci (make test le fait)"
    page, _ = watched_page
    _open(page, sample_urls[kind])
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], json.dumps(serious, ensure_ascii=False, indent=1)
