"""The release configuration: ``release.toml``, then the command-line options."""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from converter.errors import InputError, UsageError, reason

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
    landing_page: str = ""  # the dataset's page; empty: base_url
    frequency: str = "IRREG"  # code of the EU frequency authority (udata reads it)
    issued: str = ""  # a date (AAAA-MM-JJ), "today", or empty: no date
    modified: str = ""  # a date, "today", or empty: the issued date
    version: str = ""  # dcat:version; empty: none

    def resolved(self) -> ReleaseConfig:
        """With ``today`` made a date (the only use of the clock) and every value checked.

        :raises UsageError: a malformed date, base URL, IRI or frequency code.
        """
        dates = {}
        for name in ("issued", "modified"):
            value = getattr(self, name)
            if value == "today":
                value = datetime.date.today().isoformat()
            if value:
                try:
                    datetime.date.fromisoformat(value)
                except ValueError:
                    raise UsageError(
                        f"{name} : date invalide « {value} » (attendu AAAA-MM-JJ ou today)"
                    ) from None
            dates[name] = value
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        for name, value in (
            ("base_url", base),
            ("licence", self.licence),
            ("endpoint", self.endpoint),
            ("landing_page", self.landing_page),
        ):
            if value and not value.startswith(("http://", "https://")):
                raise UsageError(f"{name} : URL http(s) attendue, pas « {value} »")
        if not re.fullmatch(r"[A-Z0-9_]+", self.frequency):
            raise UsageError(
                f"frequency : code de fréquence européen attendu (IRREG, ANNUAL, MONTHLY…), "
                f"pas « {self.frequency} »"
            )
        return replace(self, base_url=base, **dates)


# Values of the bundled release.toml that a real publication must change.
EXAMPLE_MARKS = ("example.org", "example.com", "(exemple)")


def example_values(config: ReleaseConfig) -> list[str]:
    """The keys that still hold the example's values, each named for the publisher to fix."""
    return [
        f.name
        for f in fields(config)
        if any(mark in str(getattr(config, f.name)) for mark in EXAMPLE_MARKS)
    ]


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
            raise InputError(
                f"configuration illisible ({reason(error)})", path=str(source)
            ) from None
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
