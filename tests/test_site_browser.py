"""The action list's facets and search in Debian's chromium, from the disk (``file://``, no
server): the DOM after the page's script ran (``--dump-dom``). Expected actions read by hand in
data/actions_centres_sociaux.txt."""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from converter.convert import convert
from converter.site.build import build_site
from tests.conftest import SEED


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    convert([SEED], folder / "data")
    build_site(folder / "data", folder / "site")
    return folder / "site"


def _dom(url: str) -> ET.Element:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium absent : make test l'installe (apt-get install chromium)"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
         "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    tree = html5lib.parse(done.stdout, namespaceHTMLElements=False)
    assert isinstance(tree, ET.Element)
    return tree


def _listed(site: Path, state: dict[str, str]) -> tuple[str, list[str]]:
    fragment = urllib.parse.urlencode(state, quote_via=urllib.parse.quote)
    tree = _dom((site / "actions" / "index.html").as_uri() + "#" + fragment)
    count = tree.find(".//p[@id='compte']")
    assert count is not None
    titles = ["".join(a.itertext()) for a in tree.iterfind(".//ol[@id='liste']/li/a")]
    return "".join(count.itertext()), titles


def test_a_facet_narrows_the_list_to_the_right_actions(site: Path) -> None:
    """Three fiches say « - Terminée » under « Statut de l'action »."""
    count, titles = _listed(site, {"statut": "https://w3id.org/cskg/vocab/statut/terminee"})
    assert count == "3 actions sur 25"
    assert sorted(titles) == [
        "En route vers l'emploi", "Fête de quartier de Chennevières", "familles et reseaux sociaux"
    ]  # fmt: skip


def test_search_ignores_case_and_accents(site: Path) -> None:
    """« ÉCRIVAIN » finds the two fiches that write « écrivain » or « Ecrivain »."""
    count, titles = _listed(site, {"q": "ÉCRIVAIN"})
    assert count == "2 actions sur 25"
    assert sorted(titles) == ["Ecrivain public", "Faciliter l'accès au droit et à l'information"]


def test_facet_and_search_together(site: Path) -> None:
    state = {"statut": "https://w3id.org/cskg/vocab/statut/terminee", "q": "ÉCRIVAIN"}
    assert _listed(site, state) == ("0 action sur 25", [])
