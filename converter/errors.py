"""Typed errors of cskg: each carries where it happened and the exit status it maps to.

Library code raises them and never prints; only ``cli.py`` turns them into one line on stderr
and an exit status (see the README's table of exit codes).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from converter.model import ParseResult


class CskgError(Exception):
    """Base of every error a user may see; ``exit_code`` is what ``cskg`` exits with."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path + (f":{self.line}" if self.line is not None else "") + ": "
        what = f"{self.field} : " if self.field else ""
        return f"{where}{what}{self.message}"


class InputError(CskgError):
    """An input file cannot be read at all (missing, binary, undecodable, malformed table)."""


def missing_output(path: object) -> InputError:
    """A file that ``cskg convert`` writes is absent: the error says how to get it."""
    return InputError("fichier introuvable (lancez d'abord cskg convert)", path=str(path))


class UsageError(CskgError):
    """The command was called with options that cannot work together."""


class OutputError(CskgError):
    """An output file or folder cannot be written."""


class NothingConverted(CskgError):
    """No fiche became an action (none found, or every one rejected): nothing is replaced.

    ``parsed`` holds what the reader found (rejections, warnings), ``report`` the file that
    says so; exit status 4, so that scripts can tell it from rejections among good fiches.
    """

    exit_code = 4

    def __init__(self, parsed: ParseResult, report: Path) -> None:
        found = parsed.fiches_found
        what = (
            "aucune fiche trouvée (une fiche commence par une ligne « Actions » suivie de son "
            "titre)"
            if not found
            else f"les {found} fiche(s) trouvée(s) sont toutes rejetées"
        )
        super().__init__(
            f"{what} : rien n'est écrit, la sortie précédente est gardée (rapport : {report})"
        )
        self.parsed = parsed
        self.report = report


class RemoteError(CskgError):
    """A SPARQL endpoint cannot be reached, refuses the request or answers with an error."""
