"""Typed errors of cskg: each carries where it happened and the exit status it maps to.

Library code raises them and never prints; only ``cli.py`` turns them into one line on stderr
and an exit status (see the README's table of exit codes).
"""

from __future__ import annotations

import errno
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


# What the system's errors mean, said in French (their own text is English).
_ERRNO_FR = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EIO: "erreur d'entrée-sortie",
}


def reason(error: BaseException) -> str:
    """Why ``error`` happened, in French: system errors by their code, undecodable text by
    its position; other errors keep their own text.

    >>> reason(IsADirectoryError(21, "Is a directory")), reason(OSError(28, "No space left"))
    ("c'est un dossier, pas un fichier", 'plus de place sur le disque')
    >>> try:
    ...     b"caf\\xe9".decode("utf-8")
    ... except UnicodeDecodeError as error:
    ...     print(reason(error))
    pas en UTF-8 (octet 0xe9 en position 3)
    """
    if isinstance(error, UnicodeDecodeError):
        return f"pas en UTF-8 (octet 0x{error.object[error.start]:02x} en position {error.start})"
    if isinstance(error, OSError) and error.errno is not None:
        known = _ERRNO_FR.get(error.errno)
        return known or f"erreur système {errno.errorcode.get(error.errno, error.errno)}"
    return str(error)
