"""The release configuration: ``release.toml``, then the command-line options."""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from converter.errors import InputError, UsageError

CONFIG_FILE = Path("release.toml")


@dataclass(frozen=True)
class ReleaseConfig:
    """Who publishes, where, under which licence: ``release.toml``, then command-line options."""

    title_fr: str = "Actions des centres sociaux"
    title_en: str = "Actions of French social centres"
    description_fr: str = ""
    description_en: str = ""
    publisher: str = "Éditeur des données"
    publisher_iri: str = ""
    publisher_type: str = "NonProfitOrganisation"  # ADMS publisher type
    contact_name: str = ""
    contact_email: str = ""
    base_url: str = "https://example.org/cskg/"
    licence: str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    licence_title: str = "Licence Ouverte / Open Licence 2.0"
    endpoint: str = ""
    issued: str = ""  # a date (AAAA-MM-JJ), "today", or empty: no date

    def resolved(self) -> ReleaseConfig:
        """With ``issued = "today"`` made a date (the only use of the clock) and checked.

        :raises UsageError: a malformed date, base URL or IRI.
        """
        issued = self.issued
        if issued == "today":
            issued = datetime.date.today().isoformat()
        if issued:
            try:
                datetime.date.fromisoformat(issued)
            except ValueError:
                raise UsageError(
                    f"date invalide « {issued} » (attendu AAAA-MM-JJ ou today)"
                ) from None
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        for name, value in (
            ("base_url", base),
            ("licence", self.licence),
            ("endpoint", self.endpoint),
        ):
            if value and not value.startswith(("http://", "https://")):
                raise UsageError(f"{name} : URL http(s) attendue, pas « {value} »")
        return replace(self, issued=issued, base_url=base)


def load_config(path: Path | None = None, **options: str | None) -> ReleaseConfig:
    """The configuration file (default ``release.toml``), overridden by non-empty options.

    :raises InputError: the file cannot be read or is not valid TOML.
    :raises UsageError: an unknown key.
    """
    values: dict[str, str] = {}
    source = path or CONFIG_FILE
    if path is not None or source.exists():
        try:
            loaded = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"configuration illisible ({error})", path=str(source)) from None
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"TOML invalide ({error})", path=str(source)) from None
        for section in loaded.values():
            values.update(section if isinstance(section, dict) else {})
    values.update({k: v for k, v in options.items() if v})
    known = {f.name for f in fields(ReleaseConfig)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise UsageError(f"clé(s) inconnue(s) dans la configuration : {', '.join(unknown)}")
    return ReleaseConfig(**{k: str(v) for k, v in values.items()}).resolved()
