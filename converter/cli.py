"""The ``cskg`` command: parses options, calls one library function, prints with rich.

Only this module prints, catches ``CskgError`` and chooses exit statuses (see the README).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import typer.rich_utils
from rich.console import Console

from converter import __version__
from converter.errors import CskgError
from converter.files import write_atomically
from converter.model import Diagnostic, ParseResult
from converter.reader import read_inputs
from converter.tabular import write_csv, write_jsonl

# Exit statuses, documented in the README.
EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
SHOWN_DIAGNOSTICS = 40

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

typer.rich_utils.OPTIONS_PANEL_TITLE = "Options"
typer.rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
typer.rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
typer.rich_utils.ERRORS_PANEL_TITLE = "Erreur"
typer.rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
typer.rich_utils.DEFAULT_STRING = "[défaut : {}]"

app = typer.Typer(
    help="cskg : des fiches d'actions des centres sociaux aux données ouvertes liées.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        out.print(f"cskg {__version__}")
        raise typer.Exit()


@app.callback()
def cskg(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version."),
    ] = False,
) -> None:
    """cskg : des fiches d'actions des centres sociaux aux données ouvertes liées."""


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a ``CskgError`` into one line on stderr and its exit status."""
    try:
        yield
    except CskgError as error:
        err.print(f"erreur : {error}", markup=False)
        raise typer.Exit(error.exit_code) from None


def _print_diagnostics(kind: str, diagnostics: list[Diagnostic], report: str) -> None:
    for diagnostic in diagnostics[:SHOWN_DIAGNOSTICS]:
        err.print(f"{kind} : {diagnostic}", markup=False)
    if len(diagnostics) > SHOWN_DIAGNOSTICS:
        err.print(
            f"… et {len(diagnostics) - SHOWN_DIAGNOSTICS} autres, voir {report}", markup=False
        )


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def parse_report(result: ParseResult) -> dict[str, object]:
    """What ``cskg parse`` writes to ``parse-report.json``."""
    return {
        "fiches_found": result.fiches_found,
        "parsed": len(result.records),
        "rejected": [d.as_dict() for d in result.rejected],
        "warnings": [d.as_dict() for d in result.warnings],
    }


@app.command()
def parse(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Fiches au format texte, ou tables .csv / .jsonl déjà produites par cskg.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Dossier où écrire les résultats.")
    ] = Path("output"),
) -> None:
    """Lit des fiches et écrit actions.jsonl, actions.csv et parse-report.json.

    Statut de sortie : 0 toutes les fiches lues, 1 des fiches rejetées, 2 entrée illisible.
    """
    with _reported():
        result = read_inputs(files)
        report = output / "parse-report.json"
        write_jsonl(result.records, output / "actions.jsonl")
        write_csv(result.records, output / "actions.csv")
        write_atomically(report, _json_bytes(parse_report(result)))
    _print_diagnostics("avertissement", result.warnings, str(report))
    _print_diagnostics("rejet", result.rejected, str(report))
    parsed, rejected = len(result.records), len(result.rejected)
    out.print(
        f"{result.fiches_found} fiche(s) trouvée(s) : {parsed} lue(s), {rejected} rejetée(s), "
        f"{len(result.warnings)} avertissement(s)",
        markup=False,
    )
    out.print(
        f"écrit : {output / 'actions.jsonl'}, {output / 'actions.csv'}, {report}", markup=False
    )
    if result.fiches_found != parsed + rejected:  # the reader's promise; never expected to break
        raise typer.Exit(EXIT_INTERNAL)
    raise typer.Exit(EXIT_REJECTED if rejected else EXIT_OK)


def main() -> None:
    """Entry point of the ``cskg`` script: no traceback ever reaches the user."""
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the one place that may catch everything
        err.print(
            f"erreur interne ({type(error).__name__} : {error}) ; merci de la signaler",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
