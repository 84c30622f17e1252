"""The ``cskg`` command as users run it: exit statuses, messages, files written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer.core
import typer.main
from typer.testing import CliRunner

from converter.cli import app
from tests.conftest import ROOT, SEED, fiche

runner = CliRunner()


def test_parse_seed_reports_25_found_25_parsed_0_rejected(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(SEED), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "25 fiche(s) trouvée(s) : 25 lue(s), 0 rejetée(s)" in result.stdout
    lines = (tmp_path / "actions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 25
    report = json.loads((tmp_path / "parse-report.json").read_text(encoding="utf-8"))
    assert report == {"fiches_found": 25, "parsed": 25, "rejected": [], "warnings": []}
    assert (tmp_path / "actions.csv").read_text(encoding="utf-8").count("\n") > 25


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        runner.invoke(app, ["parse", str(SEED), "-o", str(tmp_path / name)])
    for output in ("actions.jsonl", "actions.csv", "parse-report.json"):
        assert (tmp_path / "a" / output).read_bytes() == (tmp_path / "b" / output).read_bytes()


def test_rejected_fiche_exits_1_and_names_file_and_line(tmp_path: Path) -> None:
    dump = tmp_path / "f.txt"
    dump.write_text(
        fiche() + "Actions\n\n- Structure organisatrice\n- CS - Lot\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["parse", str(dump), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{dump}:8: Titre : fiche sans titre rejetée" in result.stderr
    assert "2 fiche(s) trouvée(s) : 1 lue(s), 1 rejetée(s)" in result.stdout
    report = json.loads((tmp_path / "out" / "parse-report.json").read_text(encoding="utf-8"))
    assert report["rejected"][0]["line"] == 8 and report["fiches_found"] == 2


def test_missing_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path / "absent.txt"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"erreur : {tmp_path / 'absent.txt'}: fichier introuvable"
    assert not (tmp_path / "o").exists()


def test_bad_usage_exits_2() -> None:
    assert runner.invoke(app, ["parse"]).exit_code == 2
    assert runner.invoke(app, ["nope"]).exit_code == 2


def test_real_script_never_shows_a_traceback(tmp_path: Path) -> None:
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01binary")
    script = Path(sys.executable).with_name("cskg")
    done = subprocess.run(
        [str(script), "parse", str(binary), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "fichier binaire" in done.stderr


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("cskg ")


def test_every_command_has_help_and_is_in_the_readme() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in group.commands.items():
        assert command.help, name
        assert f"cskg {name}" in readme, name
