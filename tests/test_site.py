"""The static site of the example (cskg site): pages, links, counts, map, facets, search, the
embedded JSON-LD and the ontology page, checked on the files a build writes, HTML parsed by
html5lib. Expected values are read by hand in data/actions_centres_sociaux.txt."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic
from typer.testing import CliRunner

from converter.cli import app
from converter.convert import convert
from converter.errors import InputError, UsageError
from converter.model import FIELDS, TITLE_LABEL
from converter.site import build as site_build
from converter.site import claims, pages
from converter.site.build import MARKER, build_site
from converter.site.graph import load_store
from converter.site.shards import decode_ids, fold
from converter.site.standalone import ontology_document
from tests.conftest import SEED, fiche

SVG = "{http://www.w3.org/2000/svg}"
# The first fiche of data/actions_centres_sociaux.txt, lines 2 to 73.
FIRST = "action/72/centre-social-gisele-halimi-allonnes/bien-vivre-dans-son-logement-s-ouvrir-vers-l-exterieur"
PREFIXES = """PREFIX cskg: <https://w3id.org/cskg/def#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX igeo: <http://rdf.insee.fr/def/geo#>
"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("converted")
    convert([SEED], folder)
    return folder


@pytest.fixture(scope="module")
def site(converted: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site") / "site"
    build_site(converted, folder)
    return folder


@pytest.fixture(scope="module")
def store(converted: Path) -> ox.Store:
    return load_store(converted)


def parse(path: Path) -> ET.Element:
    tree = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    assert isinstance(tree, ET.Element)
    return tree


def text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def words(element: ET.Element) -> str:
    """The text of ``element``, its pieces separated by a space."""
    return " ".join(" ".join(element.itertext()).split())


def select(store: ox.Store, query: str) -> list[str]:
    solutions = store.query(PREFIXES + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [str(s[0].value) for s in solutions if s[0] is not None]  # type: ignore[union-attr]


def page_of(site: Path, iri: str) -> Path:
    for root, folder in (("https://w3id.org/cskg/", ""), ("http://id.insee.fr/geo/", "geo/")):
        if iri.startswith(root):
            return site / (folder + iri.removeprefix(root)) / "index.html"
    raise AssertionError(iri)


def test_every_resource_of_the_example_has_its_page_and_descriptions(
    site: Path, store: ox.Store
) -> None:
    kinds = {
        "cskg:Action": 25,
        "cskg:Structure": 23,
        # 23 structures and 90 organisations: the 18 types that convert prints add up to 90
        # (62 before the members of enumerations named by their proper names alone, #16)
        "org:Organization": 113,
        "skos:Concept": 70,  # 41, and the 24 organisation types and 5 EPCI natures (#16)
        "igeo:Departement": 18,
        "igeo:Region": 10,
        "igeo:Commune": 8,  # the 8 of tests/data/expected/communes.csv
        "igeo:Intercommunalite": 9,  # the EPCI of those 8 communes and of the communes named
    }
    for kind, expected in kinds.items():
        iris = select(store, f"SELECT DISTINCT ?s WHERE {{ ?s a {kind} }}")
        assert len(iris) == expected, kind
        for iri in iris:
            page = page_of(site, iri)
            assert page.exists(), iri
            for extension in ("ttl", "jsonld", "nt"):
                assert page.with_name(f"index.{extension}").stat().st_size > 0, iri


def test_every_action_file_holds_its_parts_which_have_no_folder(
    site: Path, store: ox.Store
) -> None:
    """The fiche, budget, associations and grants of an action are described in its files
    (each parsed by rdflib holds every triple of each part) and at an anchor of its page."""
    actions = select(store, "SELECT ?a WHERE { ?a a cskg:Action }")
    parts_seen = 0
    for action in actions:
        page = page_of(site, action)
        anchors = {e.attrib["id"] for e in parse(page).iter() if "id" in e.attrib}
        graphs = {
            extension: rdflib.Graph().parse(page.with_name(f"index.{extension}"), format=name)
            for extension, name in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"))
        }
        below = [iri for iri in select(store, "SELECT DISTINCT ?s WHERE { ?s ?p ?o }")
                 if iri.startswith(action + "/")]  # fmt: skip
        assert below, action  # every action has at least its fiche
        for part in below:
            anchor = part.removeprefix(action + "/")
            assert anchor in anchors, (action, anchor)
            assert not (page.parent / anchor).exists(), part
            own = list(store.quads_for_pattern(ox.NamedNode(part), None, None))
            for extension, graph in graphs.items():
                for quad in own:
                    triple = tuple(
                        rdflib.util.from_n3(str(t))
                        for t in (quad.subject, quad.predicate, quad.object)
                    )
                    assert triple in graph, (extension, part, quad)
            parts_seen += 1
    assert parts_seen > len(actions) * 2  # fiches, budgets, associations, grants


def test_an_organisation_page_lists_each_linking_action_once(site: Path) -> None:
    """CAF 31 is cited by the « Ecrivain public » fiche (data/actions_centres_sociaux.txt,
    lines 1046-1110) in its text and as its second funder (« CAF Haute Garonne: 4 500 € »,
    line 1088): one entry, the action, with the associations and the grant it comes through
    (the page listed each association as an entry of its own, the same title twice)."""
    entries = parse(site / "id" / "organisation" / "caf" / "31" / "index.html").iterfind(
        ".//ol[@class='entrants']/li"
    )
    targets, writer = [], []
    for entry in entries:
        links = [a.attrib["href"] for a in entry.iter("a")]
        targets.append(links[0])
        if text(entry).startswith("Ecrivain public"):
            writer.append(text(entry))
            assert "#" not in links[0] and links[1:], text(entry)
            assert all(link.startswith(links[0] + "#") for link in links[1:])
            assert links[0] + "#financement/2" in links
            assert "financeur" in text(entry)
    assert len(writer) == 1, writer
    assert len(targets) == len(set(targets))


def _links(site: Path) -> list[tuple[Path, str]]:
    found = []
    for page in sorted(site.rglob("*.html")):
        tree = parse(page)
        for element in tree.iter():
            for attribute in ("href", "src"):
                if attribute in element.attrib:
                    found.append((page, element.attrib[attribute]))
    return found


def test_every_internal_link_of_every_page_resolves(site: Path) -> None:
    """Links are relative; each names a file of the site (and an element of it by its id).
    The SPARQL editor (sparql/) is written by cskg serve's part of the build, not checked here."""
    anchors: dict[Path, set[str]] = {}
    checked = 0
    for page, link in _links(site):
        if re.match(r"^[a-z]+:", link):
            assert link.startswith(("http://", "https://")), (page, link)
            continue
        target_part, _, fragment = link.partition("#")
        target_part = target_part.partition("?")[0]
        target = (
            (page.parent / urllib.parse.unquote(target_part)).resolve() if target_part else page
        )
        if target == (site / "sparql").resolve():
            continue
        assert target.is_file(), (page.relative_to(site), link)
        assert site.resolve() in target.parents, link
        if fragment and "=" not in fragment and target.suffix == ".html":  # "a=b": list state
            if target not in anchors:
                anchors[target] = {e.attrib["id"] for e in parse(target).iter() if "id" in e.attrib}
            assert urllib.parse.unquote(fragment) in anchors[target], (page, link)
        checked += 1
    assert checked > 2000


def test_action_page_shows_every_field_of_the_fiche_in_order(site: Path) -> None:
    """Fiche at lines 2-73 of data/actions_centres_sociaux.txt, read by hand."""
    tree = parse(site / "id" / FIRST / "index.html")
    table = tree.find(".//table[@class='fiche']")
    assert table is not None
    rows = {text(r.find("th")): r.find("td") for r in table.iter("tr")}  # type: ignore[misc]
    headers = [text(r.find("th")) for r in table.iter("tr")]  # type: ignore[arg-type]
    assert headers == [TITLE_LABEL, *(f.header for f in FIELDS)]
    assert text(rows["Titre"]) == "Bien vivre dans son logement, s'ouvrir vers l'extérieur"
    assert (
        text(rows["Structure organisatrice"])
        == "CENTRE SOCIAL GISELE HALIMI ALLONNES — Sarthe, Allonnes"
    )
    assert text(rows["Fichier(s) associé(s)"]) == "non renseigné"
    assert text(rows["Statut de l'action"]) == "En cours"
    assert text(rows["Dimension"]) == "Accompagnement de projets"
    themes = {text(li) for li in rows["Mots clés associés à l'action"].iter("li")}
    assert themes == {"Solidarité", "Démocratie & citoyenneté", "développement durable"}
    assert text(rows["Résumé"]).startswith('Ce projet émane d\'un groupe de travail "partenaires"')
    initiators = {text(li) for li in rows["Qui est à l'initiative de l'action ?"].iter("li")}
    assert initiators == {"Le centre social", "Un ou plusieurs partenaire(s)"}
    assert text(rows["Territoire concerné"]) == "Une commune"
    assert text(rows["Public"]) == "Tous publics"
    # the partner « Préfecture », shown by its organisation's name (type and territory)
    assert text(rows["Avec qui cette action a-t-elle été menée ?"]) == "Préfecture (Sarthe)"
    assert text(rows["Ressources financières mobilisées pour cette action"]).startswith(
        "Buget global 2014 : 30500 €"
    )
    assert text(rows["Suite de l'action : Perspectives"]).endswith("pouvoir d'agir des habitants")
    links = {text(a): a.attrib["href"] for a in table.iter("a")}
    assert links["CENTRE SOCIAL GISELE HALIMI ALLONNES"] == (
        "../../../../../id/structure/72/centre-social-gisele-halimi-allonnes/index.html"
    )
    assert links["Sarthe"] == "../../../../../geo/departement/72/index.html"
    source = tree.find(".//p[@class='source']")
    assert source is not None
    assert text(source).startswith("Source : fiche du fichier ")  # the path as given to convert
    assert text(source).endswith("data/actions_centres_sociaux.txt, lignes 2 à 73.")


def test_home_page_counts_equal_sparql_counts(site: Path, store: ox.Store) -> None:
    figures = {
        text(li).split(" ", 1)[1]: int(text(li).split(" ", 1)[0])
        for li in parse(site / "index.html").iterfind(".//ul[@class='compteurs']/li")
    }

    def count(where: str) -> int:
        return int(select(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0])

    assert figures == {
        "actions": count("?x a cskg:Action"),
        "structures organisatrices": count("?x a cskg:Structure"),
        "organisations partenaires ou financeuses": count(
            "?x a org:Organization FILTER NOT EXISTS { ?x a cskg:Structure }"
        ),
        "départements": count("?a a cskg:Action ; cskg:organiser/cskg:departement ?x"),
        "régions": count(
            "?a a cskg:Action ; cskg:organiser/cskg:departement/igeo:subdivisionDirecteDe ?x"
        ),
        "concepts des vocabulaires": count("?x a skos:Concept"),
    }
    assert figures["actions"] == 25 and figures["départements"] == 18


def test_map_has_one_shape_per_departement_and_the_right_class(site: Path) -> None:
    svg = parse(site / "index.html").find(".//figure[@id='carte-departements']")
    assert svg is not None
    shapes = list(svg.iter(SVG + "path"))
    assert len(shapes) == 101
    with_data = [p for p in shapes if int(p.attrib["data-actions"]) > 0]
    assert len(with_data) == 18  # 18 départements in the fiches' organiser lines
    by_code = {p.attrib["data-code"]: p for p in shapes}
    # Sarthe: 2 fiches ("CENTRE SOCIAL GISELE HALIMI ALLONNES - Sarthe", "LES MAISONS POUR TOUS
    # - Sarthe"); counts are 1 or 2, so two classes: 2 is the second, the darkest blue.
    sarthe = by_code["72"]
    assert sarthe.attrib["data-actions"] == "2"
    assert "classe-2" in sarthe.attrib["class"] and sarthe.attrib["fill"] == "#08519c"
    assert "classe-1" in by_code["11"].attrib["class"]  # Aude: one fiche
    assert "classe-0" in by_code["75"].attrib["class"]  # Paris: none
    assert text(sarthe.find(SVG + "title")) == "Sarthe (72) : 2 actions"  # type: ignore[arg-type]
    links = list(svg.iter(SVG + "a"))
    assert len(links) == 18
    regions = parse(site / "index.html").find(".//figure[@id='carte-regions']")
    assert regions is not None and len(list(regions.iter(SVG + "path"))) == 18


def _index(site: Path, name: str, call: str) -> list[object]:
    """The values a script of the list's indexes passes to ``CSKG.call``."""
    script = (site / "actions" / name).read_text(encoding="utf-8")
    assert script.startswith(f"CSKG.{call}(") and script.endswith(");\n")
    values = json.loads("[" + script[len(f"CSKG.{call}(") : -3] + "]")
    assert isinstance(values, list)
    return values


def test_facet_counts_match_the_fiches(site: Path) -> None:
    """22 fiches say « - En cours », 3 « - Terminée » under « Statut de l'action »; 7 list
    « - Solidarité » among their keywords."""
    [index] = _index(site, "index-facettes.js", "facettes")
    assert isinstance(index, dict)
    status = {iri.rsplit("/", 1)[1]: n for iri, _, n in index["facettes"]["statut"]["valeurs"]}
    assert status == {"en-cours": 22, "terminee": 3}
    themes = {iri.rsplit("/", 1)[1]: n for iri, _, n in index["facettes"]["thematique"]["valeurs"]}
    assert themes["solidarite"] == 7
    assert index["total"] == 25
    # « Préfecture » is the partner of both Sarthe fiches (lines 35 and the « COMMISSION:
    # INSERTION JEUNES » fiche), an organisation per département, named by it (issue 16).
    partners = {label: n for _, label, n in index["facettes"]["partenaire"]["valeurs"]}
    assert partners["Préfecture (Sarthe)"] == 2 and "Préfecture" not in partners
    [_, listed] = _index(site, "index/liste-0.js", "liste")
    assert isinstance(listed, list)
    first = [path for path, _ in listed].index(f"id/{FIRST}")

    def actions_of(facet: str, value: str) -> list[int]:
        values = [v for v, _, _ in index["facettes"][facet]["valeurs"]]
        number = index["facettes"][facet]["premier"] + values.index(value)
        [_, found] = _index(site, f"index/valeur-{number}.js", "valeur")
        assert isinstance(found, dict)
        return decode_ids(found["a"])

    assert first in actions_of("departement", "http://id.insee.fr/geo/departement/72")
    assert first in actions_of("annee", "2013")  # « 2013 /2014 : Dans un premier temps… »
    assert first not in actions_of("annee", "2014")
    plain = parse(site / "actions" / "index.html")
    fieldset = plain.find(".//fieldset[@data-facette='statut']")
    assert fieldset is not None
    assert {text(li) for li in fieldset.iter("li")} >= {
        "En cours (22) En cours",
        "Terminée (3) Terminée",
    }


def test_search_index_folds_case_and_accents(site: Path) -> None:
    [keys] = _index(site, "index-recherche.js", "recherche")
    assert keys == {"feuilles": [""], "noeuds": []}  # 25 fiches: one shard
    [_, shard] = _index(site, "index/mots.js", "mots")
    assert isinstance(shard, dict)
    words = shard["mots"]
    assert fold("Démocratie & CITOYENNETÉ, l'été") == "democratie citoyennete l ete"
    assert all(w == fold(w) and " " not in w for w in words)
    assert len(decode_ids(words["exterieur"])) >= 1 and "extérieur" not in words
    assert len(decode_ids(words["repair"])) == 1  # « repair café », first fiche only


def test_browser_fold_equals_the_build_fold(site: Path) -> None:
    """static/actions.js folds a query as shards.fold folds the texts (run by Node)."""
    samples = ["Démocratie & CITOYENNETÉ", "l'été à Saint-Étienne", "Œuvre  «cœur»", "Ça 2014/15"]
    script = (site / "static" / "actions.js").read_text(encoding="utf-8")
    program = (
        "var window = {};\n"
        + script
        + f"\nconsole.log(JSON.stringify({json.dumps(samples)}.map(window.CSKG.fold)));"
    )
    done = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [fold(s) for s in samples]


def test_embedded_jsonld_parses_to_the_page_description(site: Path) -> None:
    checked = 0
    for page in sorted(site.rglob("index.html")):
        scripts = [
            s for s in parse(page).iter("script") if s.attrib.get("type") == "application/ld+json"
        ]
        if page.parent in (site, site / "actions", site / "vocab"):
            assert not scripts
            continue
        assert len(scripts) == 1, page
        embedded = rdflib.Graph().parse(data=scripts[0].text or "", format="json-ld")
        described = rdflib.Graph().parse(page.with_name("index.nt"), format="nt")
        assert len(embedded) > 0
        assert to_isomorphic(embedded) == to_isomorphic(described), page
        checked += 1
    assert checked > 200


def test_ontology_page_shows_one_language_per_label(site: Path) -> None:
    tree = parse(site / "def" / "index.html")
    terms = {a.attrib["id"]: a for a in tree.iterfind(".//article[@class='terme']")}
    assert len(terms) > 40
    funder = terms["Funder"]
    assert text(funder.find("h3")) == "financeur"  # type: ignore[arg-type]
    english = funder.find(".//p[@class='anglais']/span[@lang='en']")
    assert english is not None and text(english) == "funder"
    assert text(terms["Action"].find("h3")) == "action"  # type: ignore[arg-type]
    whole = text(tree)
    for glued in ("actionaction", "funderfinanceur", "financeurfunder", "(cskg)Ontologie"):
        assert glued not in whole
    for article in terms.values():
        heading = article.find("h3")
        assert heading is not None
        spans = heading.findall("span")
        assert [s.attrib["lang"] for s in spans] == ["fr"], article.attrib["id"]


def test_territory_page_lists_its_actions_and_its_population(site: Path) -> None:
    """Sarthe: 2 fiches; 566,733 inhabitants in the territory pack (the sum of its communes,
    tests/test_mapping.py); 2 / 566,733 × 10,000 = 0.035 → « 0,04 »."""
    tree = parse(site / "geo" / "departement" / "72" / "index.html")
    section = tree.find(".//section[@aria-labelledby='territoire']")
    assert section is not None
    assert len(list(section.iterfind(".//ul[@class='actions']/li"))) == 2
    assert "Population 566 733 habitants" in words(section)
    assert "Actions pour 10 000 habitants 0,04" in words(section)


def test_concept_page_is_skosmos_like(site: Path) -> None:
    tree = parse(site / "vocab" / "statut" / "en-cours" / "index.html")
    concept = tree.find(".//dl[@class='concept']")
    assert concept is not None
    found = words(concept)
    assert "Libellé en français En cours" in found and "Libellé en anglais Ongoing" in found
    assert "Actions qui l'emploient 22" in found
    assert "L'action se poursuit à la date de la fiche." in found


def test_incoming_links_are_paginated(
    converted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "INCOMING_PER_PAGE", 5)
    site = tmp_path / "site"
    build_site(converted, site)
    folder = site / "vocab" / "statut" / "en-cours"
    assert (folder / "index-liens-5.html").exists() and not (folder / "index-liens-6.html").exists()
    last = parse(folder / "index-liens-5.html")
    # 22 actions in progress (cskg:status) and the scheme (skos:hasTopConcept): 5 + 5 + 5 + 5 + 3
    assert len(list(last.iterfind(".//ol[@class='entrants']/li"))) == 3
    assert "Liens entrants (23)" in words(last)
    numbers = [a.attrib["href"] for a in last.iterfind(".//ul[@class='pages']/li/a")]
    assert numbers == ["index.html"] + [f"index-liens-{n}.html" for n in range(2, 6)]


def test_same_input_same_bytes_and_a_failed_build_keeps_the_site(
    converted: Path, site: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again"
    build_site(converted, again, jobs=3)  # pages written by three processes (contiguous ranges
    # of uneven length), the same bytes
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((site / f).read_bytes() == (again / f).read_bytes() for f in files)
    with pytest.raises(InputError):
        build_site(tmp_path / "nothing", again)
    assert (again / "index.html").read_bytes() == (site / "index.html").read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    not_a_site = tmp_path / "data"
    not_a_site.mkdir()
    (not_a_site / "precious.txt").write_text("x")
    with pytest.raises(UsageError):
        build_site(converted, not_a_site)
    assert (not_a_site / "precious.txt").exists() and (again / MARKER).exists()


def test_what_a_build_killed_by_force_left_goes_at_the_next_build_unless_still_held(
    tmp_path: Path,
) -> None:
    """``cskg site`` writes into a locked ``.NAME.XXXXXXXX.tmp`` beside its folder; a folder
    nobody holds was left by a build killed by force (``kill -9``, the OOM killer). The
    user's own folders, even named alike, stay."""
    output = tmp_path / "site"
    output.mkdir()
    (output / MARKER).write_text("")
    left = tmp_path / ".site.abcd1234.tmp"  # a build killed by force
    held = tmp_path / ".site.efgh5678.tmp"  # a build still running
    moved = tmp_path / ".site.ijkl9012.old"  # a previous site moved aside, the new one in place
    others = [tmp_path / ".site.x.abcd1234.tmp", tmp_path / ".site2.abcd1234.tmp",
              tmp_path / ".site.abcd1234.tmp.x",  # another site's, or not a build's
              tmp_path / ".site.backup.old", tmp_path / ".site.2024_06.old",
              tmp_path / ".site.old.tmp", tmp_path / ".site.mnop3456.old"]  # the user's  # fmt: skip
    for folder in [left, held, moved, *others]:
        (folder / "id").mkdir(parents=True)
    for site_like in (moved, tmp_path / ".site.backup.old"):
        (site_like / MARKER).write_text("")
    holder = os.open(held, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        claims.remove_unclaimed_temporaries(output, marker=MARKER)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            p.name for p in [output, held, *others]
        )
    finally:
        os.close(holder)
    claims.remove_unclaimed_temporaries(output, marker=MARKER)
    assert not held.exists() and all(other.exists() for other in others)
    # stopped between its two renames: the previous site is put back, not removed
    moved = tmp_path / ".site.qrst7890.old"
    os.replace(output, moved)
    claims.remove_unclaimed_temporaries(output, marker=MARKER)
    assert (output / MARKER).exists() and not moved.exists()
    # a build between its two renames right now: its previous site is left to it
    swapping = tmp_path / ".site.uvwx1234.tmp"
    swapping.mkdir()
    os.replace(output, swapping.with_suffix(".old"))
    holder = os.open(swapping, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        claims.remove_unclaimed_temporaries(output, marker=MARKER)
        assert not output.exists() and (swapping.with_suffix(".old") / MARKER).exists()
    finally:
        os.close(holder)


def test_a_build_stopped_between_its_two_renames_puts_the_previous_site_back(
    converted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "site"
    build_site(converted, output)
    before = (output / "index.html").read_bytes()
    renames: list[str] = []
    real = os.replace

    def interrupted(source: Path, target: Path) -> None:
        renames.append(Path(target).name)
        if len(renames) == 2:  # the new site to its place
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(site_build.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_site(converted, output)
    monkeypatch.undo()
    assert renames[1] == "site" and (output / "index.html").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_build_claims_its_folder_while_it_writes(
    converted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []

    def writing(data: Path, folder: Path, base: str, **options: object) -> object:
        claims.remove_unclaimed_temporaries(tmp_path / "site", marker=MARKER)  # a second build
        seen.append(folder.is_dir() and folder.name.startswith(".site."))
        return real(data, folder, base, **options)  # type: ignore[arg-type]

    real = site_build.write_site
    monkeypatch.setattr(site_build, "write_site", writing)
    build_site(converted, tmp_path / "site")
    assert seen == [True]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_text_is_escaped(tmp_path: Path) -> None:
    dump = tmp_path / "fiches.txt"
    dump.write_text(
        "Les actions des centres sociaux\n"
        + fiche(title='<script>alert("x")</script> & l\'été', body="- Résumé\n</td><b>gras</b>\n"),
        encoding="utf-8",
    )
    convert([dump], tmp_path / "out")
    build_site(tmp_path / "out", tmp_path / "site")
    action = next((tmp_path / "site" / "id" / "action").rglob("index.html"))
    tree = parse(action)
    assert text(tree.find(".//h1")) == '<script>alert("x")</script> & l\'été'  # type: ignore[arg-type]
    assert all("alert" not in (s.text or "") or s.attrib.get("type") == "application/ld+json"
               for s in tree.iter("script"))  # fmt: skip
    assert tree.find(".//b") is None


def test_base_iri_maps_another_base_the_same_way(tmp_path: Path) -> None:
    convert([SEED], tmp_path / "out", base_iri="https://example.org/cskg/id/")
    build_site(tmp_path / "out", tmp_path / "site", base="https://example.org/cskg/")
    assert (tmp_path / "site" / "id" / FIRST / "index.ttl").exists()
    assert not (tmp_path / "site" / "id" / FIRST / "fiche").exists()  # a part of the action
    assert (
        b"<https://example.org/cskg/id/" + FIRST.encode() + b"/fiche>"
        in (tmp_path / "site" / "id" / FIRST / "index.nt").read_bytes()
    )
    assert (tmp_path / "site" / "def" / "index.html").exists()
    assert (tmp_path / "site" / "vocab" / "statut" / "en-cours" / "index.html").exists()
    sitemap = (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>https://example.org/cskg/id/{FIRST}</loc>" in sitemap


def test_cli_site_writes_the_site_and_says_where(converted: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(app, ["site", "--data", str(converted), "-o", str(tmp_path / "s")])
    assert done.exit_code == 0, done.output
    assert "site :" in done.output and (tmp_path / "s" / "sitemap.xml").exists()
    bad = runner.invoke(app, ["site", "--data", str(tmp_path / "none"), "-o", str(tmp_path / "t")])
    assert bad.exit_code == 2 and "erreur :" in bad.output
    usage = runner.invoke(app, ["site", "--data", str(converted), "--base-iri", "ftp://x"])
    assert usage.exit_code == 2 and "--base-iri" in usage.output


def test_cli_site_reads_the_store_given_and_reuses_it(converted: Path, tmp_path: Path) -> None:
    """``cskg site --store DIR`` (the store of ``cskg serve --store``): loaded by the first
    build, reused by the next, each told on stderr; the site is the one read in memory."""
    from tests.test_site_bytes import tree_digest

    runner = CliRunner()
    store = tmp_path / "magasin"
    told = []
    for name in ("a", "b"):
        done = runner.invoke(app, ["site", "--data", str(converted), "-o", str(tmp_path / name),
                                   "--store", str(store), "--jobs", "2"])  # fmt: skip
        assert done.exit_code == 0, done.output
        told.append(done.stderr)
    assert f"magasin sur disque {store} : chargé" in told[0]
    assert f"magasin sur disque {store} : réutilisé" in told[1]
    build_site(converted, tmp_path / "memoire", writers=[])
    for name in ("a", "b"):
        for own in ("sparql", "redirections"):  # cskg site's own writers
            shutil.rmtree(tmp_path / name / own)
        assert tree_digest(tmp_path / name) == tree_digest(tmp_path / "memoire")
    bad = runner.invoke(app, ["site", "--data", str(converted), "-o", str(tmp_path / "c"),
                              "--store", str(converted / "actions.ttl")])  # fmt: skip
    assert bad.exit_code == 2 and "erreur :" in bad.output


BROKEN_WORKER = """
import os, signal, sys
from converter import cli, disk_store
from converter.errors import InputError
from converter.site import build

disk_store.IN_MEMORY_LIMIT = 0  # the store on disk beside the data, as large data are read
parent = os.getpid()
if sys.argv[1] == "store":  # each worker opens its own handle of the store: here it cannot
    real = disk_store.DataStore.reopened

    def reopened(self):
        if os.getpid() != parent and build._SHARED is not None:
            raise InputError("magasin illisible (essai)", path=str(self.location))
        return real(self)

    disk_store.DataStore.reopened = reopened
else:  # a worker killed by the system (out of memory, say)

    def killed(chosen):
        os.kill(os.getpid(), signal.SIGKILL)

    # sent to the workers by name, as the function it replaces
    killed.__module__, killed.__qualname__ = build.__name__, "_write_resources"
    build._write_resources = killed
sys.argv = ["cskg", *sys.argv[2:]]
cli.main()
"""


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        ("store", "magasin illisible (essai)"),
        ("killed", "un processus de travail s'est arrêté brutalement"),
    ],
)
def test_a_worker_that_fails_is_told_in_french_and_the_previous_site_kept(
    converted: Path, tmp_path: Path, failure: str, told: str
) -> None:
    """A worker of the build that cannot open its store (its folder removed meanwhile, say)
    or is killed: one French line and exit status 2, no traceback (the pool's initializer
    printed one for the store, BrokenProcessPool another), the previous site as it was."""
    data = tmp_path / "data"
    shutil.copytree(converted, data, symlinks=True)
    site = tmp_path / "site"
    build_site(data, site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    command = [sys.executable, "-c", BROKEN_WORKER, failure, "site", "--data", str(data)]
    done = subprocess.run(
        [*command, "-o", str(site), "--jobs", "2"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr
    assert told in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("erreur :") == 1, done.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_release_ontology_page_is_the_site_page_on_its_own(tmp_path: Path) -> None:
    """The release's ontologie.html: the same terms and labels, CSS inline, links absolute."""
    path = tmp_path / "ontologie.html"
    path.write_bytes(ontology_document())
    tree = parse(path)
    headings = {
        a.attrib["id"]: text(a.find("h3")) for a in tree.iterfind(".//article[@class='terme']")
    }  # type: ignore[arg-type]
    assert headings["Funder"] == "financeur" and headings["partnerRole"] == "partenaire"
    assert "actionaction" not in text(tree) and tree.find(".//style") is not None
    for element in tree.iter():
        link = element.attrib.get("href", "")
        assert not link or link.startswith(("#", "http://", "https://")), link


def test_territory_with_a_population_shows_actions_per_10000_inhabitants(
    converted: Path, tmp_path: Path
) -> None:
    """When the graph holds cskg:population (issue 16 adds them): Sarthe's 2 actions for a
    population given here, 566,412 → 2 × 10,000 / 566,412 = 0.035."""
    data = tmp_path / "data"
    data.mkdir()
    graph = (converted / "actions.ttl").read_text(encoding="utf-8")
    population = (
        "<http://id.insee.fr/geo/departement/72> <https://w3id.org/cskg/def#population> "
        '"566412"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    (data / "actions.ttl").write_text(graph + population, encoding="utf-8")
    build_site(data, tmp_path / "site")
    page = parse(tmp_path / "site" / "geo" / "departement" / "72" / "index.html")
    section = page.find(".//section[@aria-labelledby='territoire']")
    assert section is not None
    assert "Population 566 412 habitants" in words(section)  # a narrow no-break space
    assert "Actions pour 10 000 habitants 0,04" in words(section)
    more = section.find(".//p/a")
    assert more is not None and more.attrib["href"] == (
        "../../../actions/index.html#departement=http%3A%2F%2Fid.insee.fr%2Fgeo%2Fdepartement%2F72"
    )


def test_cskg_site_writes_the_sparql_page_and_the_redirect_rules(
    converted: Path, tmp_path: Path
) -> None:
    """The serve part's files in the static export: the SPARQL page querying the endpoint
    given, nginx's rules, and with --public-url the .htaccess to submit to w3id.org."""
    site = tmp_path / "site"
    runner = CliRunner()
    done = runner.invoke(app, ["site", "--data", str(converted), "-o", str(site),
                               "--endpoint", "https://sparql.example.org/cskg/query",
                               "--public-url", "https://example.org/cskg-site/"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "https://sparql.example.org/cskg/query" in (site / "sparql" / "index.html").read_text(
        "utf-8"
    ) + "".join(p.read_text("utf-8") for p in (site / "sparql").glob("*.js"))
    assert (site / "redirections" / "nginx.conf").exists()
    assert "example.org/cskg-site" in (site / "redirections" / "w3id.htaccess").read_text("utf-8")
    bad = runner.invoke(app, ["site", "--data", str(converted), "-o", str(tmp_path / "b"),
                              "--public-url", "pas-une-url"])  # fmt: skip
    assert bad.exit_code == 2 and "--public-url" in bad.output


def test_an_organisation_page_tells_its_class_from_its_nature(site: Path) -> None:
    """rdf:type and dct:type were both labelled « type » on the page of the CAF du Lot (the
    fiche of line 74 cites « la CAF 46 »): one row says the class, the other the nature."""
    tree = parse(site / "id" / "organisation" / "caf" / "46" / "index.html")
    found = words(tree)
    assert "classe organisation" in found and "nature Caisse d'allocations familiales" in found
