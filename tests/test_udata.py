"""The release as data.gouv.fr harvests it: udata's own DCAT harvester, run offline.

``tests/consumers/udata_harvest.py`` runs in ``.venv-udata`` (made by ``make test``): udata's
``DcatBackend`` reads ``catalog.ttl`` served at its URL (no other URL answers, no socket but
loopback), ``dataset_from_rdf`` / ``resource_from_rdf`` fill a mongomock database, and the
script prints what udata stored. Expected values come from the fiches and the outlines, by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.convert import convert
from converter.release import load_config, release
from tests.conftest import ROOT, SEED
from tests.consumers import run_consumer

BASE = "https://example.org/cskg/"


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    converted = tmp_path_factory.mktemp("converted")
    convert([SEED], converted)
    folder = tmp_path_factory.mktemp("release")
    release(converted, folder, load_config(ROOT / "release.toml", issued="2026-11-25"))
    return folder


@pytest.fixture(scope="module")
def harvested(released: Path) -> dict[str, object]:
    result: dict[str, object] = run_consumer(
        ".venv-udata",
        "requirements.txt",
        "udata_harvest.py",
        str(released / "catalog.ttl"),
        BASE + "catalog.ttl",
        str(ROOT / "tests" / "consumers" / "licences.json"),
    )
    return result


def _dataset(harvested: dict[str, object]) -> dict[str, object]:
    (dataset,) = harvested["datasets"]  # type: ignore[misc]
    assert isinstance(dataset, dict)
    return dataset


def test_udata_harvests_the_release_as_done(harvested: dict[str, object]) -> None:
    assert harvested["network_refused"] is True  # udata read the graph, fetched nothing
    assert harvested["status"] == "done", harvested
    assert harvested["items"] == [
        {"errors": [], "remote_id": BASE + "#jeu-de-donnees", "status": "done"}
    ]


def test_udata_shows_the_dataset_metadata(harvested: dict[str, object]) -> None:
    dataset = _dataset(harvested)
    assert dataset["identifier"] == BASE + "#jeu-de-donnees"
    assert dataset["title"] == "Actions des centres sociaux"
    assert str(dataset["description"]).startswith("Les actions menées par des centres sociaux")
    # the 14 themes of the fiches, slugified by udata, and the EU data theme's label
    tags = dataset["tags"]
    assert isinstance(tags, list) and len(tags) == 15
    assert {"parentalite", "solidarite", "developpement-durable", "population-et-societe"} <= set(
        tags
    )
    assert dataset["license"] == "lov2"  # Licence Ouverte / Open Licence version 2.0
    assert dataset["frequency"] == "irregular"
    # the start years the fiches state: 2013 the earliest, 2021 the latest (CAFE SOLIDAIRE)
    assert dataset["temporal"] == ["2013-01-01", "2021-12-31"]
    assert str(dataset["issued"]).startswith("2026-11-25")
    assert dataset["remote_url"] == BASE
    contacts = dataset["contact_points"]
    assert isinstance(contacts, list)
    assert {
        "email": "donnees@example.org",
        "name": "Équipe données ouvertes (exemple)",
        "role": "contact",
    } in contacts


def test_udata_shows_the_spatial_coverage(harvested: dict[str, object]) -> None:
    spatial = _dataset(harvested)["spatial"]
    assert isinstance(spatial, dict) and spatial["type"] == "MultiPolygon"
    points = [p for polygon in spatial["coordinates"] for ring in polygon for p in ring]
    # Guadeloupe (971) is covered: west of -61°; Nord (59) too: its northern tip, Bray-Dunes,
    # is France's northernmost point, 51.09° N. No bounding-box rectangle is drawn: no point
    # lies at the corner (west of Guadeloupe, north of Nord).
    assert min(p[0] for p in points) < -61
    assert max(p[1] for p in points) == pytest.approx(51.09, abs=0.01)
    assert not any(p[0] < -61 and p[1] > 50 for p in points)


def test_udata_makes_one_resource_per_distribution(
    harvested: dict[str, object], released: Path
) -> None:
    resources = _dataset(harvested)["resources"]
    assert isinstance(resources, list)
    files = {
        p.relative_to(released).as_posix(): p.stat().st_size
        for p in released.rglob("*")
        if p.is_file() and not p.name.startswith("catalog.")
    }
    assert {r["url"].removeprefix(BASE): r["filesize"] for r in resources} == files
    by_name = {r["url"].removeprefix(BASE): r for r in resources}
    assert (by_name["actions.csv"]["format"], by_name["actions.csv"]["mime"]) == ("csv", "text/csv")
    assert by_name["actions.ttl"]["mime"] == "text/turtle"
    assert by_name["actions.ttl"]["format"] == "rdf_turtle"
    for resource in resources:
        assert resource["identifier"].startswith(BASE + "#distribution-")
        assert resource["title"] and resource["mime"] and resource["format"]
        # udata knows only the http://spdx.org algorithm IRIs and would reject an xsd:hexBinary
        # value (bytes in rdflib); the catalogue follows DCAT-AP (README: « Sommes de contrôle »)
        assert resource["checksum"] is None
