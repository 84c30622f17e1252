"""INSEE territories from the Code officiel géographique (COG), offline.

A département written in a fiche ("Sarthe", "Val-d'Oise", "72", "2A") resolves to exactly one
INSEE code, or to none with the closest candidates: an unknown label is never guessed.
Territory IRIs follow the code-based pattern ``http://id.insee.fr/geo/departement/72``: INSEE's
current IRIs are opaque UUIDs that cannot be computed offline, while the code (``igeo:codeINSEE``)
stays the join key with INSEE's own graph.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from converter.errors import InputError
from converter.text import fold
from converter.vocab import COG_DIR, INSEE_GEO


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}region/{self.code}"


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: Region

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}departement/{self.code}"


@dataclass(frozen=True)
class Resolution:
    """The département a label names, or None with the closest known names."""

    departement: Departement | None
    candidates: tuple[str, ...] = ()


@dataclass
class Cog:
    """An in-memory index of one edition of the COG."""

    year: int
    folder: Path
    departements: dict[str, Departement] = field(default_factory=dict)
    by_name: dict[str, Departement] = field(default_factory=dict)

    def resolve_departement(self, label: str) -> Resolution:
        """Resolve a département written as a name or a code.

        >>> cog = load_cog()
        >>> cog.resolve_departement("val d'oise").departement.code
        '95'
        >>> cog.resolve_departement("2a").departement.name
        'Corse-du-Sud'
        >>> cog.resolve_departement("Sartre").candidates
        ('Sarthe',)
        """
        code = label.strip().upper()
        if code.isdigit() and len(code) == 1:
            code = "0" + code
        if code in self.departements:
            return Resolution(self.departements[code])
        key = _name_key(label)
        if key in self.by_name:
            return Resolution(self.by_name[key])
        containing = [k for k in self.by_name if len(key) >= 3 and key in k]
        close = difflib.get_close_matches(key, self.by_name, n=3, cutoff=0.75)
        names = dict.fromkeys(self.by_name[k].name for k in sorted(containing) + close)
        return Resolution(None, tuple(names)[:5])


def _name_key(name: str) -> str:
    """Fold a name, reading "St"/"Ste" as "Saint"/"Sainte"."""
    expanded = re.sub(r"\b[Ss]te\b\.?", "Sainte", name)
    expanded = re.sub(r"\b[Ss]t\b\.?", "Saint", expanded)
    return fold(expanded)


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.DictReader(stream))
    except FileNotFoundError:
        raise InputError("table du COG introuvable", path=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"table du COG illisible ({error})", path=str(path)) from None


@functools.cache
def load_cog(folder: Path = COG_DIR) -> Cog:
    """Load the régions and départements tables ``v_region_YYYY.csv``, ``v_departement_YYYY.csv``.

    :raises InputError: the folder holds no such tables, or they lack INSEE's columns.
    """
    tables = sorted(folder.glob("v_departement_*.csv"))
    if not tables:
        raise InputError("aucune table v_departement_AAAA.csv", path=str(folder))
    year = tables[-1].stem.rsplit("_", 1)[-1]
    try:
        regions = {
            row["REG"]: Region(row["REG"], row["LIBELLE"])
            for row in _rows(folder / f"v_region_{year}.csv")
        }
        cog = Cog(int(year), folder)
        for row in _rows(folder / f"v_departement_{year}.csv"):
            departement = Departement(row["DEP"], row["LIBELLE"], regions[row["REG"]])
            cog.departements[departement.code] = departement
            cog.by_name[_name_key(departement.name)] = departement
    except (KeyError, ValueError) as error:
        raise InputError(f"table du COG mal formée ({error})", path=str(folder)) from None
    return cog
