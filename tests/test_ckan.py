"""The release as CKAN reads it: ckanext-dcat's RDF parser with its DCAT-AP 3 profile, offline.

``tests/consumers/ckan_parse.py`` runs in ``.venv-ckan`` (made by ``make test``); no CKAN site
is needed for the parser. Expected values come from the fiches and the files, by hand.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.consumers import run_consumer
from tests.test_udata import BASE, released

__all__ = ["released"]


@pytest.fixture(scope="module")
def parsed(released: Path) -> dict[str, object]:
    (dataset,) = run_consumer(
        ".venv-ckan", "requirements-ckan.txt", "ckan_parse.py", str(released / "catalog.ttl")
    )
    assert isinstance(dataset, dict)
    return dataset


def _extras(dataset: dict[str, object]) -> dict[str, str]:
    extras = dataset["extras"]
    assert isinstance(extras, list)
    return {e["key"]: e["value"] for e in extras}


def test_ckan_reads_the_dataset(parsed: dict[str, object]) -> None:
    assert parsed["title"] == "Actions des centres sociaux"  # the @fr title on a French site
    extras = _extras(parsed)
    assert extras["identifier"] == BASE + "#jeu-de-donnees"
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2013-01-01", "2021-12-31")
    assert extras["frequency"].endswith("/frequency/IRREG")
    assert extras["contact_email"] == "donnees@example.org"
    tags = {t["name"] for t in parsed["tags"]}  # type: ignore[attr-defined]
    # ckanext-dcat splits keywords at commas: « Emploi, économie » makes two tags
    assert {"Parentalité", "Solidarité", "Emploi", "économie"} <= tags


def test_ckan_reads_the_spatial_coverage(parsed: dict[str, object]) -> None:
    extras = _extras(parsed)
    assert extras["spatial_uri"] == BASE + "#couverture-spatiale"
    geometry = json.loads(extras["spatial"])
    assert geometry["type"] == "MultiPolygon"
    points = [p for polygon in geometry["coordinates"] for ring in polygon for p in ring]
    assert min(p[0] for p in points) < -61  # Guadeloupe
    assert max(p[1] for p in points) == pytest.approx(51.09, abs=0.01)  # Nord, Bray-Dunes
    # the centroid of the whole coverage (17 metropolitan départements and Guadeloupe) lies in
    # metropolitan France, not in the first département listed (Aude)
    x, y = json.loads(extras["spatial_centroid"])["coordinates"]
    assert -5 < x < 8.3 and 42 < y < 51.1 and not (abs(x - 2.4) < 0.3 and abs(y - 43.1) < 0.3)


def test_ckan_makes_one_resource_per_file_with_its_checksum(
    parsed: dict[str, object], released: Path
) -> None:
    resources = parsed["resources"]
    assert isinstance(resources, list)
    files = sorted(
        p.relative_to(released).as_posix()
        for p in released.rglob("*")
        if p.is_file() and not p.name.startswith("catalog.")
    )
    assert sorted(r["url"].removeprefix(BASE) for r in resources) == files
    for resource in resources:
        data = (released / resource["url"].removeprefix(BASE)).read_bytes()
        assert resource["size"] == len(data)
        assert resource["hash"] == hashlib.sha256(data).hexdigest()
        assert resource["hash_algorithm"].endswith("#checksumAlgorithm_sha256")
        assert resource["mimetype"].startswith("https://www.iana.org/assignments/media-types/")
        assert resource["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
