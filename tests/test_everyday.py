"""Everyday trust (issue 12): a slip loses nothing, messages are in clear French, each command
says which data it read, and the command line's own texts are French too."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converter.cli import app
from converter.outputs import choose_data
from tests.conftest import ROOT, SEED, fiche

runner = CliRunner()
OUTPUTS = ("actions.ttl", "actions.nt", "actions.jsonld", "report.json")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


# --- point 1: an input with no fiche, or only rejected ones, never replaces the output ---


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("empty.txt", "", "aucune fiche trouvée"),
        ("README.md", (ROOT / "README.md").read_text(encoding="utf-8"), "aucune fiche trouvée"),
        (
            "rejected.txt",
            "Actions\n\n- Structure organisatrice\n- CS - Lot\n"
            "Actions\nSans structure\n- Structure organisatrice\n\n- Statut de l'action\n- En cours\n",
            "les 2 fiche(s) trouvée(s) sont toutes rejetées",
        ),
    ],
)
def test_convert_with_nothing_to_convert_exits_4_and_keeps_the_previous_output(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(SEED), "-o", str(out)]).exit_code == 0
    before = _snapshot(out)
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["convert", str(bad), "-o", str(out)])
    assert result.exit_code == 4, result.output
    assert said in result.stderr and "la sortie précédente est gardée" in result.stderr
    assert "SHACL : conforme" not in result.stdout
    assert _snapshot(out) == before, "the previous output is untouched"
    refused = json.loads((out / "refused-report.json").read_text(encoding="utf-8"))
    assert refused["actions"] == 0 and refused["fiches_found"] == text.count("Actions\n")


def test_parse_with_nothing_to_read_exits_4_and_keeps_the_previous_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["parse", str(SEED), "-o", str(out)]).exit_code == 0
    before = (out / "actions.csv").read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["parse", str(empty), "-o", str(out)])
    assert result.exit_code == 4 and "aucune fiche trouvée" in result.stderr
    assert (out / "actions.csv").read_bytes() == before


# --- point 3: the last convert is remembered per working folder, and commands say what they read


def test_the_last_output_is_remembered_per_working_folder(tmp_path: Path) -> None:
    here, elsewhere = tmp_path / "projet-a", tmp_path / "projet-b"
    here.mkdir()
    elsewhere.mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(elsewhere)
        assert runner.invoke(app, ["convert", str(SEED), "-o", "sortie-b"]).exit_code == 0
        os.chdir(here)
        choice = choose_data(None)
        assert choice.folder == here / "output" and "par défaut" in choice.why
        result = runner.invoke(app, ["query", "actions-par-statut"])
        assert result.exit_code == 2
        assert f"données : {here / 'output'} (dossier par défaut ./output)" in result.stderr
        os.chdir(elsewhere)
        result = runner.invoke(app, ["query", "actions-par-statut"])
        assert result.exit_code == 0, result.output
        assert f"données : {elsewhere / 'sortie-b'} (dernier cskg convert" in result.stderr
    finally:
        os.chdir(cwd)


# --- points 5 and 6: bad usage exits 2 with a French message; help in French ---


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conver"], "commande inconnue « conver » ; vouliez-vous dire convert ?"),
        (["convert"], "argument manquant : FICHIER"),
        (
            ["query", "x", "--format", "xml"],
            "--format : valeur « xml » inconnue ; valeurs possibles",
        ),
        (["serve", "--port", "abc"], "--port : nombre entier attendu"),
        (["serve", "--port", "80000"], "--port : un port va de 1 à 65535, pas 80000"),
        (["convert", str(SEED), "--jobs", "0"], "--jobs : au moins 1 processus"),
        (
            ["convert", str(SEED), "--outpt", "x"],
            "option inconnue : --outpt ; vouliez-vous dire --output ?",
        ),
        (["query", "--data"], "l'option --data attend une valeur"),
        (["query", "a", "b"], "argument(s) en trop : b"),
        (["publish"], "option obligatoire manquante : --endpoint"),
        (
            ["query", "actions-par-statut", "--endpoint", "notaurl"],
            "--endpoint : URL http(s) attendue",
        ),
        (
            ["publish", "--endpoint", "http://127.0.0.1:1/query", "--update", "ftp://x"],
            "--update : URL http(s) attendue",
        ),
        (
            ["publish", "--endpoint", "http://127.0.0.1:1/query", "--timeout", "0"],
            "--timeout : un délai positif",
        ),
    ],
)
def test_bad_usage_exits_2_with_a_french_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert "erreur interne" not in result.output and "Traceback" not in result.output
    for english in ("Usage:", "Try '", "Error", "Missing", "Invalid value", "No such"):
        assert english not in result.output, english


COMMANDS = ["parse", "convert", "validate", "territory", "query", "serve", "publish", "release"]


@pytest.mark.parametrize(
    "command", [[], *[[c] for c in COMMANDS]], ids=lambda c: c[0] if c else "cskg"
)
def test_help_is_french_plain_and_wraps_cleanly(command: list[str]) -> None:
    result = runner.invoke(
        app, [*command, "--help"], env={"COLUMNS": "80"}, terminal_width=80, prog_name="cskg"
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Utilisation : cskg" in text and "Affiche cette aide et s'arrête." in text
    for english in (
        "Show this message",
        "Usage:",
        "[default",
        "[required",
        "Commands",
        "Arguments:",
    ):
        assert english not in text, english
    for python_type in re.findall(r"<[a-z]+[^>]*>", text):  # <bool>, <list[Path]>, <int range>
        raise AssertionError(f"type Python affiché : {python_type}")
    assert "x>=" not in text and str(ROOT) not in text, "no range syntax, no absolute path"
    assert all(len(line) <= 80 for line in text.splitlines())
    if command:  # each paragraph of the description reflows: no line ends a sentence midway
        assert "Statut de sortie : 0" in text


# --- points 7 and 8: no Python or library text, the right diagnosis ---


def test_a_folder_given_as_a_file_is_said_in_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "Errno" not in result.stderr and "Error" not in result.stderr
    assert "format RDF inconnu" in result.stderr or "dossier" in result.stderr


def test_broken_turtle_names_the_file_and_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}:3: Turtle invalide" in result.stderr, result.stderr
    assert "BadSyntax" not in result.stderr


def test_an_ill_typed_amount_is_one_result_naming_its_constraint_and_no_traceback(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(SEED), "-o", str(folder)]).exit_code == 0
    text = (folder / "actions.ttl").read_text(encoding="utf-8")
    amount = re.search(r'schema:value "?([0-9.]+)"?(\^\^xsd:decimal)?', text)
    assert amount is not None
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        text.replace(amount.group(0), 'schema:value "30 500 €"^^xsd:decimal', 1), encoding="utf-8"
    )
    # a real process: rdflib's log goes to the real stderr
    result = subprocess.run(
        [sys.executable, "-m", "converter", "validate", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Failed to convert" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if "30 500 €" in line]
    # two constraints broken, each said once: the datatype, and the minimum it cannot be read for
    assert len(lines) == 2, lines
    assert "violation (type de donnée)" in lines[0] or "violation (type de donnée)" in lines[1]
    assert any("violation (valeur minimale)" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nothere.rq"], "nothere.rq: fichier de requête introuvable"),
        (["query", "actions-par-theme"], "vouliez-vous dire actions-par-thematique"),
        (["serve", "--data", "/nope"], "/nope: fichier ou dossier introuvable"),
        (
            ["query", "actions-par-statut", "--data", "/nope"],
            "/nope: fichier ou dossier introuvable",
        ),
    ],
)
def test_the_diagnosis_is_the_right_one(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert (
        "format RDF inconnu" not in result.stderr
        and "requête inconnue « nothere" not in result.stderr
    )


def test_query_reads_an_output_folder_as_serve_does(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(SEED), "-o", str(folder)]).exit_code == 0
    result = runner.invoke(app, ["query", "actions-par-statut", "--data", str(folder)])
    assert result.exit_code == 0, result.output
    assert "En cours" in result.stdout


def test_a_query_from_standard_input_and_json_ending_with_a_newline(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(SEED), "-o", str(folder)]).exit_code == 0
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/cskg/def#Action> }"
    result = runner.invoke(
        app, ["query", "-", "--data", str(folder), "--format", "json"], input=query
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("}\n")
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "25"


def test_tables_do_not_cut_iris(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    assert runner.invoke(app, ["convert", str(SEED), "-o", str(folder)]).exit_code == 0
    result = runner.invoke(
        app, ["query", "structures-principales", "--data", str(folder)], terminal_width=60
    )
    assert result.exit_code == 0
    assert "…" not in result.stdout


def test_list_shows_each_parameter_with_its_type_and_meaning() -> None:
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    assert (
        "--param departement=…  département, par son nom ou son code INSEE ; département, nom "
        'ou code INSEE (défaut : "46")' in result.stdout
    )
    assert "--param annee=…  nombre entier" in result.stdout


def test_a_fiche_fixture_still_converts(tmp_path: Path) -> None:
    dump = tmp_path / "f.txt"
    dump.write_text(fiche(), encoding="utf-8")
    assert runner.invoke(app, ["convert", str(dump), "-o", str(tmp_path / "o")]).exit_code == 0


def test_the_readme_exit_status_table_lists_every_status_the_program_uses() -> None:
    from converter import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit statuses (all commands)", 1)[1].split("\n\n", 2)[1]
    listed = {int(line.split("|")[1]) for line in table.splitlines() if line[2:3].isdigit()}
    used = {cli.EXIT_OK, cli.EXIT_REJECTED, cli.EXIT_UNUSABLE, cli.EXIT_INTERNAL, cli.EXIT_NOTHING}
    assert listed == used == {0, 1, 2, 3, 4}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["convert", str(SEED), "-o", "{file}/sortie"],
            "écriture impossible (un élément du chemin n'est pas un dossier)",
        ),
        (
            ["release", "--config", "{folder}"],
            "configuration illisible (c'est un dossier, pas un fichier)",
        ),
        (
            ["release", "--config", "{folder}/absent.toml"],
            "configuration illisible (fichier ou dossier introuvable)",
        ),
    ],
)
def test_system_errors_are_said_in_french(tmp_path: Path, args: list[str], message: str) -> None:
    """Issue 12, point 7: no « [Errno 21] Is a directory », no « Not a directory »."""
    file = tmp_path / "fichier.txt"
    file.write_text("x", encoding="utf-8")
    filled = [a.format(file=file, folder=tmp_path) for a in args]
    result = runner.invoke(app, filled)
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert "Errno" not in result.stderr and "directory" not in result.stderr
