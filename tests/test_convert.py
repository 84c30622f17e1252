"""``cskg convert`` on the seed: 25 actions, conforming, every format the same graph, stable bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic
from typer.testing import CliRunner

from converter.cli import app
from converter.convert import Conversion, convert
from tests.conftest import SEED, fiche

runner = CliRunner()
CSKG = rdflib.Namespace("https://w3id.org/cskg/def#")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Conversion, Path]:
    folder = tmp_path_factory.mktemp("convert")
    return convert([SEED], folder), folder


def _graph(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format={".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}[path.suffix])
    return graph


def test_seed_converts_to_25_actions_with_no_violation(converted: tuple[Conversion, Path]) -> None:
    done, folder = converted
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["fiches_found"] == 25 and report["actions"] == 25
    assert report["rejected"] == [] and report["duplicates"] == 0
    assert report["shacl"]["conforms"] is True and report["shacl"]["violations"] == 0
    assert report["structures"] == 23  # LA SOURCE and VILLE PLURIELLE organise two actions each
    assert report["triples"] == len(_graph(folder / "actions.nt"))
    assert all({"file", "line", "message"} <= set(w) for w in report["warnings"])
    assert done.ok


def test_every_format_parses_back_to_the_same_graph(converted: tuple[Conversion, Path]) -> None:
    _, folder = converted
    turtle = _graph(folder / "actions.ttl")
    for other in ("actions.nt", "actions.jsonld"):
        graph = _graph(folder / other)
        if to_isomorphic(graph) != to_isomorphic(turtle):
            _, left, right = graph_diff(turtle, graph)
            pytest.fail(f"{other} differs: {sorted(left)[:3]} / {sorted(right)[:3]}")
    for name, fmt in (
        ("actions.ttl", ox.RdfFormat.TURTLE),
        ("actions.jsonld", ox.RdfFormat.JSON_LD),
    ):
        assert len(list(ox.parse(path=str(folder / name), format=fmt))) == len(turtle)


def test_turtle_declares_prefixes_and_has_one_block_per_subject(
    converted: tuple[Conversion, Path],
) -> None:
    _, folder = converted
    text = (folder / "actions.ttl").read_text(encoding="utf-8")
    assert text.startswith("@prefix cskg: <https://w3id.org/cskg/def#> .\n")
    blocks = [line for line in text.splitlines() if line and not line.startswith(("\t", "@prefix"))]
    subjects = [line.split(" ", 1)[0] for line in blocks]
    assert len(subjects) == len(set(subjects)) == len(set(_graph(folder / "actions.nt").subjects()))


def test_rerun_gives_byte_identical_files(
    converted: tuple[Conversion, Path], tmp_path: Path
) -> None:
    _, folder = converted
    convert([SEED], tmp_path)
    for name in ("actions.ttl", "actions.nt", "actions.jsonld", "report.json"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_two_bienvenue_fiches_are_two_actions_of_two_structures(
    converted: tuple[Conversion, Path],
) -> None:
    _, folder = converted
    graph = _graph(folder / "actions.ttl")
    actions = [
        a
        for a, title in graph.subject_objects(rdflib.DCTERMS.title)
        if str(title).startswith("Bienvenue !")
    ]
    assert len(set(actions)) == 2
    assert len({graph.value(a, CSKG.organiser) for a in actions}) == 2


def test_same_fiche_twice_gives_one_action_and_a_warning(tmp_path: Path) -> None:
    dump = tmp_path / "a.txt"
    text = fiche(title="Café des parents", body="- Public\n- familles\n")
    dump.write_text(text + text, encoding="utf-8")
    done = convert([dump], tmp_path / "out")
    assert done.parsed.fiches_found == 2 and done.graph.actions == 1 and done.graph.duplicates == 1
    (warning,) = [w for w in done.graph.warnings if "double" in w.message]
    assert (warning.file, warning.line) == (str(dump), 10)


def test_same_title_and_structure_but_other_content_gets_a_distinct_iri(tmp_path: Path) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text(
        fiche(title="Café", body="- Public\n- familles\n")
        + fiche(title="Café", body="- Public\n- Adultes\n"),
        encoding="utf-8",
    )
    done = convert([dump], tmp_path / "out")
    assert done.graph.actions == 2
    graph = _graph(tmp_path / "out" / "actions.nt")
    iris = sorted(str(s) for s in graph.subjects(rdflib.DCTERMS.title, None))
    assert iris[1] == iris[0] + "-2"


def test_base_iri_prefixes_every_data_iri(tmp_path: Path) -> None:
    convert([SEED], tmp_path, base_iri="https://example.org/cs/")
    subjects = {str(s) for s in _graph(tmp_path / "actions.nt").subjects(rdflib.RDF.type, None)}
    data = {s for s in subjects if "id.insee.fr" not in s}
    assert data and all(s.startswith("https://example.org/cs/") for s in data)


def test_cli_convert_prints_counts_and_exits_0(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(SEED), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "25 fiche(s) trouvée(s) : 25 action(s), 0 rejetée(s)" in result.stdout
    assert "SHACL : conforme (0 violation(s)" in result.stdout


def test_cli_convert_bad_base_iri_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["convert", str(SEED), "-o", str(tmp_path / "o"), "--base-iri", "pas une iri"]
    )
    assert result.exit_code == 2
    assert "IRI de base" in result.stderr
    assert not (tmp_path / "o").exists()


def test_cli_convert_exits_1_on_violations(tmp_path: Path) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text(fiche(organiser="CENTRE SANS DEPARTEMENT"), encoding="utf-8")
    result = runner.invoke(app, ["convert", str(dump), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "Structure sans département" in result.stderr
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert report["shacl"]["conforms"] is False and report["shacl"]["violations"] == 1


def test_cli_convert_exits_1_on_rejected_fiches_and_reports_them(tmp_path: Path) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text(
        fiche() + "Actions\n\n- Structure organisatrice\n- CS - Lot\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["convert", str(dump), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    assert report["fiches_found"] == 2 and report["actions"] == 1
    (rejected,) = report["rejected"]
    assert (
        rejected["file"] == str(dump)
        and rejected["line"] == 8
        and "sans titre" in rejected["reason"]
    )


def test_cli_validate_groups_results_by_action(tmp_path: Path) -> None:
    runner.invoke(app, ["convert", str(SEED), "-o", str(tmp_path)])
    ok = runner.invoke(app, ["validate", str(tmp_path / "actions.ttl")])
    assert ok.exit_code == 0 and "SHACL : conforme" in ok.stdout
    broken = tmp_path / "broken.ttl"
    text = (tmp_path / "actions.ttl").read_text(encoding="utf-8")
    broken.write_text(text.replace('dct:title "COOP MONS"@fr ;', ""), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    assert (
        "violation (nombre minimal) : http://purl.org/dc/terms/title : "
        "Une action a exactement un titre" in result.stdout
    )
    assert f"{SEED}:636)" in result.stdout


def test_cli_validate_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <x> . :a :b", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2 and "bad.ttl:1: Turtle invalide, colonne 11" in result.stderr


def test_unknown_departement_is_kept_unlinked_with_candidates_and_a_shacl_warning(
    tmp_path: Path,
) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text(fiche(organiser="CENTRE SOCIAL X - Sartre"), encoding="utf-8")
    done = convert([dump], tmp_path / "out")
    (warning,) = [w for w in done.graph.warnings if "Sartre" in w.message]
    assert (warning.file, warning.line) == (str(dump), 3) and "Sarthe" in warning.message
    assert done.validation.conforms
    assert "WrittenDepartement-linked" in [
        r.shape.rsplit("#", 1)[1] for r in done.validation.warnings
    ]
    graph = _graph(tmp_path / "out" / "actions.ttl")
    (structure,) = graph.subjects(CSKG.departementLabel, rdflib.Literal("Sartre"))
    assert graph.value(structure, CSKG.departement) is None
    assert str(structure).endswith("/structure/sartre/centre-social-x")


def test_cli_validate_lists_a_shared_node_apart_not_under_one_action(tmp_path: Path) -> None:
    """Review of issue 3: the partner two actions share belongs to none of them alone (the
    Préfecture of the Lot, partner of both fiches « Bienvenue » of the Lot)."""
    runner.invoke(app, ["convert", str(SEED), "-o", str(tmp_path)])
    broken = tmp_path / "broken.ttl"
    text = (tmp_path / "actions.ttl").read_text(encoding="utf-8")
    label = '\tskos:prefLabel "Prefecture (Lot)"@en , "Préfecture (Lot)"@fr ;\n'
    node = "<https://w3id.org/cskg/id/organisation/prefecture/46> a org:Organization ;\n"
    before, _, after = text.partition(node)
    block, end, rest = after.partition(" .\n")
    assert label in block
    broken.write_text(before + node + block.replace(label, "") + end + rest, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    index = lines.index("Hors action ou partagé entre plusieurs actions")
    assert (
        "organisation/prefecture/46 : http://www.w3.org/2004/02/skos/core#prefLabel"
        in lines[index + 1]
    )
    assert not any(line.startswith("Action ") for line in lines)


def test_messages_keep_colon_words_as_written(tmp_path: Path) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text("Note :x: :warning:\n" + fiche(), encoding="utf-8")
    result = runner.invoke(app, ["parse", str(dump), "-o", str(tmp_path / "o")])
    assert "« Note :x: :warning: »" in result.stderr


def test_pyshacl_validator_reports_what_the_compiled_one_reports_through_convert(
    tmp_path: Path,
) -> None:
    dump = tmp_path / "a.txt"
    dump.write_text(
        SEED.read_text(encoding="utf-8") + fiche(organiser="CENTRE SOCIAL X - Sartre"),
        encoding="utf-8",
    )
    fast = convert([dump], tmp_path / "fast", jobs=2)
    reference = convert([dump], tmp_path / "pyshacl", jobs=1, validator="pyshacl")
    assert fast.validation.results == reference.validation.results
    assert reference.validation.warnings  # the unlinked département: the comparison has results
    for name in ("actions.ttl", "actions.nt", "actions.jsonld", "report.json"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "pyshacl" / name).read_bytes()
