"""The Morph-KGC mapping of benchmarks/compare.py stays true to what cskg writes (issue 17).

Morph-KGC is not installed here: these tests read the mapping as RDF and run its functions
(benchmarks/morph_kgc/udfs.py) the way Morph-KGC loads them, so that a renamed CSV column, a
renamed property or a change to cskg's slugs fails here rather than silently in the benchmark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from converter.tabular import CSV_COLUMNS, join_items, split_items
from converter.text import slug
from converter.vocab import CSKG, SCHEMES, VOCAB

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "benchmarks" / "morph_kgc" / "mapping.rml.ttl"
UDFS = ROOT / "benchmarks" / "morph_kgc" / "udfs.py"
RML = "http://w3id.org/rml/"
FUNCTIONS = "https://w3id.org/cskg/morph-kgc/function#"

# What Morph-KGC puts before the file it runs (morph_kgc/fnml/fnml_executer.py, 2.10.0).
UDF_DECORATOR = """
udf_dict = {}
def udf(fun_id, **params):
    def wrapper(funct):
        udf_dict[fun_id] = {}
        udf_dict[fun_id]['function'] = funct
        udf_dict[fun_id]['parameters'] = params
        return funct
    return wrapper
"""


@pytest.fixture(scope="module")
def mapping() -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(MAPPING), format=ox.RdfFormat.TURTLE)  # raises if not Turtle
    return store


@pytest.fixture(scope="module")
def udfs() -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(UDF_DECORATOR + UDFS.read_text(encoding="utf-8"), namespace)  # as Morph-KGC does
    return namespace


def objects(store: ox.Store, predicate: str) -> list[str]:
    return [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None)]


def test_mapping_names_only_columns_that_actions_csv_has(mapping: ox.Store) -> None:
    references = objects(mapping, RML + "reference")
    templates = objects(mapping, RML + "template")
    named = set(references) | {n for t in templates for n in re.findall(r"{([^}]+)}", t)}
    assert {"title", "structure", "departement", "themes", "publics", "funding"} <= named
    assert named - set(CSV_COLUMNS) == set()


def test_mapping_uses_only_properties_and_classes_the_ontology_declares(
    mapping: ox.Store,
) -> None:
    ontology = ox.Store()
    ontology.bulk_load(path=str(ROOT / "ontology" / "cskg.ttl"), format=ox.RdfFormat.TURTLE)
    declared = {q.subject.value for q in ontology if isinstance(q.subject, ox.NamedNode)}
    used = set(objects(mapping, RML + "predicate")) | set(objects(mapping, RML + "class"))
    ours = {iri for iri in used if iri.startswith(CSKG)}
    assert len(ours) >= 15
    assert ours - declared == set()


def test_mapping_calls_only_functions_that_udfs_defines_with_their_parameters(
    mapping: ox.Store, udfs: dict[str, Any]
) -> None:
    defined = udfs["udf_dict"]
    calls = list(mapping.quads_for_pattern(None, ox.NamedNode(RML + "function"), None))
    assert len(calls) >= 8
    for call in calls:
        function = defined[call.object.value]  # KeyError: a function udfs.py lacks
        inputs = mapping.quads_for_pattern(call.subject, ox.NamedNode(RML + "input"), None)
        parameters = {
            q.object.value
            for i in inputs
            for q in mapping.quads_for_pattern(i.object, ox.NamedNode(RML + "parameter"), None)
        }
        assert parameters <= set(function["parameters"].values()), call.object.value


def test_mapping_names_only_schemes_the_vocabularies_have(mapping: ox.Store) -> None:
    schemes = {
        q.object.value
        for q in mapping.quads_for_pattern(None, ox.NamedNode(RML + "parameter"), None)
        if q.object.value == FUNCTIONS + "scheme"
        for q in mapping.quads_for_pattern(q.subject, ox.NamedNode(RML + "inputValue"), None)
    }
    assert schemes == {"statut", "dimension", "thematique", "initiateur", "public",
                       "echelle-territoriale"}  # fmt: skip
    assert schemes <= set(SCHEMES)


def call(udfs: dict[str, Any], name: str) -> Callable[..., Any]:
    function: Callable[..., Any] = udfs["udf_dict"][FUNCTIONS + name]["function"]
    return function


@given(st.text())
@example("Accompagnement à la scolarité des enfants et des parents du quartier des Œillets, " * 2)
@example("Conseil dʼusagers 💡")
def test_udfs_slug_is_cskgs_slug(udfs: dict[str, Any], text: str) -> None:
    assert udfs["slug"](text) == slug(text)


@given(st.lists(st.text(min_size=1)))
def test_udfs_split_cells_as_cskg_writes_them(udfs: dict[str, Any], items: list[str]) -> None:
    cell = join_items(items)
    assert udfs["split_items"](cell) == list(split_items(cell))


def test_udfs_mint_the_iris_cskg_mints(
    udfs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's first action, read from converter/mapping.py's rules by hand."""
    monkeypatch.setenv(
        "CSKG_COG_DEPARTEMENTS", str(ROOT / "data" / "cog" / "v_departement_2026.csv")
    )
    base = "https://w3id.org/cskg/id/"
    assert (
        call(udfs, "structure")(structure="MJC LUPSAULT", departement="Charente")
        == f"{base}structure/16/mjc-lupsault"
    )
    action = call(udfs, "action")
    assert (
        action(title="Fête accompagnement n°1", structure="MJC LUPSAULT", departement="Charente")
        == f"{base}action/16/mjc-lupsault/fete-accompagnement-n-1"
    )
    assert action(
        title="Café", structure="CS", departement="Département imaginaire", below="fiche"
    ) == (f"{base}action/departement-imaginaire/cs/cafe/fiche")
    assert call(udfs, "departement")(departement="Val-d'Oise") == (
        "http://id.insee.fr/geo/departement/95"
    )
    assert call(udfs, "concepts")(cell="Solidarité | Vie de quartier", scheme="thematique") == [
        f"{VOCAB}thematique/solidarite",
        f"{VOCAB}thematique/vie-de-quartier",
    ]
    budget = call(udfs, "budgetIri")
    assert budget(title="A", structure="B", departement="Ain", funding="Budget global : 900 €")
    assert budget(title="A", structure="B", departement="Ain", funding="CAF : 900 €") is None
