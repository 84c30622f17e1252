"""Typed errors of cskg: each carries where it happened and the exit status it maps to.

Library code raises them and never prints; only ``cli.py`` turns them into one line on stderr
and an exit status (see the README's table of exit codes).
"""

from __future__ import annotations


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


class RemoteError(CskgError):
    """A SPARQL endpoint cannot be reached, refuses the request or answers with an error."""
