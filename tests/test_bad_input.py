"""The bad-input corpus (tests/data/bad/): each file says in its .md what is wrong and what must
happen; cskg convert must do exactly that, with no traceback and exact accounting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from typer.testing import CliRunner

from converter.cli import app
from converter.reader import read_text
from tests.conftest import fiche

BAD = Path(__file__).resolve().parent / "data" / "bad"
CASES = sorted(p for p in BAD.iterdir() if p.suffix != ".md")
runner = CliRunner()


def _expectation(path: Path) -> dict[str, str]:
    head = path.with_suffix(".md").read_text(encoding="utf-8").split("---", 1)[0]
    pairs = (line.split(":", 1) for line in head.strip().splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def _convert(path: Path, out: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["convert", str(path), "-o", str(out), "-j", "1"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def _check_output(out: Path, *, rdflib_ntriples: bool = True) -> rdflib.Graph:
    """Every format parses, in rdflib and in pyoxigraph, to the same graph (the output has no
    blank node: same triples means same graph). rdflib's N-Triples parser takes minutes on a
    5 MB literal, so the big cases leave it out."""
    turtle = rdflib.Graph().parse(out / "actions.ttl")
    formats = [("actions.jsonld", "json-ld")] + ([("actions.nt", "nt")] if rdflib_ntriples else [])
    for name, fmt in formats:
        other = rdflib.Graph().parse(out / name, format=fmt)
        assert rdflib.compare.isomorphic(other, turtle), name
    parsed = {
        name: {str(q) for q in ox.parse(path=str(out / name), format=fmt)}
        for name, fmt in (
            ("actions.ttl", ox.RdfFormat.TURTLE),
            ("actions.nt", ox.RdfFormat.N_TRIPLES),
            ("actions.jsonld", ox.RdfFormat.JSON_LD),
        )
    }
    assert parsed["actions.ttl"] == parsed["actions.nt"] == parsed["actions.jsonld"]
    assert len(parsed["actions.ttl"]) == len(turtle)
    return turtle


def test_every_case_has_its_expectation() -> None:
    assert len(CASES) >= 15
    for path in CASES:
        assert {"exit", "found", "rejected", "message"} <= set(_expectation(path)), path


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_bad_input_is_handled_as_its_expectation_says(path: Path, tmp_path: Path) -> None:
    expected = _expectation(path)
    out = tmp_path / "out"
    code, messages = _convert(path, out)
    assert code == int(expected["exit"]), messages
    assert "Traceback" not in messages
    assert expected["message"] in messages
    if "line" in expected:
        assert f"{path}:{expected['line']}:" in messages, messages
    if code == 2:
        assert not (out / "actions.ttl").exists()
        return
    if code == 4:  # nothing to convert: nothing written but the refusal's report
        assert not (out / "actions.ttl").exists() and not (out / "report.json").exists()
        refused = json.loads((out / "refused-report.json").read_text(encoding="utf-8"))
        assert refused["fiches_found"] == int(expected["found"]) and refused["actions"] == 0
        assert len(refused["rejected"]) == int(expected["rejected"])
        return
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["fiches_found"] == int(expected["found"])
    assert len(report["rejected"]) == int(expected["rejected"])
    assert report["fiches_found"] == report["actions"] + report["duplicates"] + len(
        report["rejected"]
    )
    graph = _check_output(out)
    titles = {str(o) for o in graph.objects(None, rdflib.DCTERMS.title)}
    for record in read_text(path).records:  # every value as written is in the graph
        assert record.title in titles
        assert (
            rdflib.Literal(record.summary, lang="fr") in set(graph.objects()) or not record.summary
        )


def test_a_5_mb_free_text_field_goes_through_whole(tmp_path: Path) -> None:
    summary = ("Une très longue phrase, accentuée — et « typographiée ». " * 90_000).strip()
    assert len(summary.encode("utf-8")) > 5_000_000
    path = tmp_path / "big.txt"
    path.write_text(fiche(body=f"- Résumé\n{summary}\n- Public\n- familles\n"), encoding="utf-8")
    code, messages = _convert(path, tmp_path / "out")
    assert code == 0, messages
    graph = _check_output(tmp_path / "out", rdflib_ntriples=False)
    assert rdflib.Literal(summary, lang="fr") in set(graph.objects())


def test_a_100000_line_field_goes_through_whole(tmp_path: Path) -> None:
    lines = [f"- point {n} : é" for n in range(100_000)]
    path = tmp_path / "long.txt"
    path.write_text(
        fiche(body="- Résumé\n" + "\n".join(lines) + "\n- Public\n- familles\n"), encoding="utf-8"
    )
    code, messages = _convert(path, tmp_path / "out")
    assert code == 0, messages
    (record,) = read_text(path).records
    assert record.summary.count("\n") == 99_999
    graph = _check_output(tmp_path / "out", rdflib_ntriples=False)
    assert rdflib.Literal(record.summary, lang="fr") in set(graph.objects())


def test_binary_input_through_the_real_script_exits_2_without_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("cskg")
    done = subprocess.run(
        [str(script), "convert", str(BAD / "binary-garbage.bin"), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("erreur : ") and "fichier binaire" in done.stderr


def test_sparql_hostile_values_are_bound_as_literals(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _convert(BAD / "sparql-hostile.txt", out)
    hostile = '"} ; DROP ALL ; {"'
    result = runner.invoke(
        app,
        [
            "query",
            "fiche-action",
            "--data",
            str(out / "actions.ttl"),
            "--param",
            f"fiche={hostile}",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "DROP ALL" in result.stdout and result.stdout.count("\n") > 5
    )  # the action, found by its title
    partner = runner.invoke(
        app,
        [
            "query",
            "partenaire-unique",
            "--data",
            str(out / "actions.ttl"),
            "--param",
            f"partenaire={hostile}",
            "--format",
            "csv",
        ],
    )
    assert partner.exit_code == 0 and partner.stdout.count("\n") == 2  # header and the one action
