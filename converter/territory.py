"""INSEE territories from the Code officiel géographique (COG), offline.

A département written in a fiche ("Sarthe", "Val-d'Oise", "72", "2A") resolves to exactly one
INSEE code, or to none with the closest candidates: an unknown label is never guessed.
Territory IRIs follow the code-based pattern ``http://id.insee.fr/geo/departement/72``: INSEE's
current IRIs are opaque UUIDs that cannot be computed offline, while the code (``igeo:codeINSEE``)
stays the join key with INSEE's own graph. EPCI follow the same pattern with their SIREN
(``http://id.insee.fr/geo/intercommunalite/200023414``), minted by cskg: INSEE publishes only
UUID IRIs for them.

The territory pack (``decoupage-*-AAAA.csv``, trimmed from Etalab's découpage administratif,
optional in a folder given with ``--cog``) adds each commune's SIREN, population, postcodes and
EPCI, the EPCI themselves, and the arrondissements municipaux' postcodes and populations.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from converter.errors import InputError, reason
from converter.index_cache import cached
from converter.paths import COG_DIR
from converter.text import fold
from converter.vocab import INSEE_GEO

T = TypeVar("T")


def _hashed_by_code(cls: type[T]) -> type[T]:
    """Territories hash by their code alone, which equal territories share: the generated hash
    of every field (a commune's département, région, EPCI…) made each lookup a dozen hashes."""
    cls.__hash__ = _code_hash  # type: ignore[method-assign,assignment]
    return cls


def _code_hash(territory: Any) -> int:
    return hash(territory.code)


@_hashed_by_code
@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}region/{self.code}"


@_hashed_by_code
@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: Region

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}departement/{self.code}"


@_hashed_by_code
@dataclass(frozen=True)
class Arrondissement:
    """What lies directly under a département in INSEE's geography, between it and its
    communes (the COG gives its code, ``ARR``, with each commune)."""

    code: str
    departement: Departement

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}arrondissement/{self.code}"


@_hashed_by_code
@dataclass(frozen=True)
class Epci:
    """An établissement public de coopération intercommunale à fiscalité propre; ``code`` is
    its SIREN, ``nature`` the DGCL's CC, CA, CU, METRO or MET69."""

    code: str
    name: str
    nature: str

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}intercommunalite/{self.code}"


@_hashed_by_code
@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: Departement
    arrondissement: Arrondissement | None = None
    siren: str = ""
    population: int | None = None
    postcodes: tuple[str, ...] = ()
    epci: Epci | None = None

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}commune/{self.code}"


@_hashed_by_code
@dataclass(frozen=True)
class ArrondissementMunicipal:
    """One of the 45 arrondissements of Paris, Lyon and Marseille (COG ``ARM``)."""

    code: str
    name: str
    commune: Commune
    population: int | None = None
    postcodes: tuple[str, ...] = ()

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}arrondissementMunicipal/{self.code}"


@dataclass(frozen=True)
class _Name:
    """A commune name as words, and the current commune it designates."""

    words: tuple[str, ...]
    label: str  # as the COG writes it
    commune: Commune
    kind: str  # COM, COMD (commune déléguée) or COMA (commune associée)


@dataclass(frozen=True)
class CommuneMatch:
    """The commune a structure name contains, or why there is none.

    ``commune`` is set only when exactly one current commune matches; ``evidence`` is the
    matched text of the name; ``candidates`` are every current commune matched; ``note`` says
    in French what was decided and why.
    """

    commune: Commune | None
    evidence: str = ""
    candidates: tuple[Commune, ...] = ()
    note: str = ""


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
    communes: dict[str, Commune] = field(default_factory=dict)
    arrondissements_municipaux: dict[str, ArrondissementMunicipal] = field(default_factory=dict)
    epcis: dict[str, Epci] = field(default_factory=dict)
    # populations of the départements, régions and EPCI: sums over their communes (pack only)
    populations: dict[str, int] = field(default_factory=dict)
    # current communes by postcode (pack only)
    by_postcode: dict[str, list[Commune]] = field(default_factory=dict)
    # per département, the EPCI with a member commune in it, by SIREN (pack only)
    epcis_in: dict[str, dict[str, Epci]] = field(default_factory=dict)
    # what reading lines of text found, for readers that meet the same lines again
    cache: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)
    # per département, commune names (current, déléguées, associées) by their first word
    names: dict[str, dict[str, list[_Name]]] = field(default_factory=dict)
    # per département, former commune names (mergers since 1943) by first word
    former: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = field(default_factory=dict)

    def members(self, epci: Epci) -> list[Commune]:
        """The communes of ``epci``, by code."""
        return [c for c in self.communes.values() if c.epci == epci]

    def population(self, territory: Commune | Departement | Region | Epci) -> int | None:
        """The population of a territory: the commune's own, or the sum over its communes."""
        if isinstance(territory, Commune):
            return territory.population
        return self.populations.get(territory.iri)

    def find_commune(self, structure: str, departement: Departement) -> CommuneMatch:
        """The commune named inside ``structure``, searched in ``departement`` only.

        Whole words, ignoring case, accents, hyphens and "St"/"Saint". A match inside a longer
        match is dropped ("Louis" inside "Saint-Louis"). A commune déléguée or associée stands
        for its commune nouvelle, as the COG says. Linked only when exactly one current commune
        matches.

        >>> cog = load_cog()
        >>> match = cog.find_commune("CS HENRI MARTEL DECHY", cog.departements["59"])
        >>> match.commune.code, match.evidence
        ('59170', 'DECHY')
        """
        spans = [(m.start(), m.end()) for m in _WORD.finditer(structure)]
        words = [_word_key(structure[a:b]) for a, b in spans]
        found: list[tuple[int, int, _Name]] = []
        for start, word in enumerate(words):
            for name in self.names.get(departement.code, {}).get(word, []):
                end = start + len(name.words)
                if tuple(words[start:end]) == name.words:
                    found.append((start, end, name))
        kept = [
            (a, b, n)
            for a, b, n in found
            if not any(c <= a and b <= d and (c, d) != (a, b) for c, d, _ in found)
        ]
        current = tuple(dict.fromkeys(n.commune for _, _, n in kept))
        evidence = "; ".join(
            dict.fromkeys(structure[spans[a][0] : spans[b - 1][1]] for a, b, _ in kept)
        )
        if len(current) == 1:
            via = [n for _, _, n in kept if n.kind != "COM"]
            note = f"commune reconnue dans le nom : « {evidence} »"
            if via:
                note += (
                    f" (« {via[0].label} » est commune déléguée ou associée de {current[0].name})"
                )
            return CommuneMatch(current[0], evidence, current, note)
        if current:
            names = ", ".join(f"{c.name} ({c.code})" for c in current)
            return CommuneMatch(
                None, evidence, current, f"plusieurs communes dans le nom : {names}"
            )
        former = self._former(words, departement)
        if former:
            return CommuneMatch(None, former[0], (), former[1])
        return CommuneMatch(None, note="aucun nom de commune du département dans le nom")

    def _former(self, words: list[str], departement: Departement) -> tuple[str, str] | None:
        for start, word in enumerate(words):
            for name_words, note in self.former.get(departement.code, {}).get(word, []):
                if tuple(words[start : start + len(name_words)]) == name_words:
                    return " ".join(name_words), note
        return None

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


def describe_cog(cog: Cog) -> str:
    """One line: the edition and what it holds (in French, for ``cskg territory``)."""
    regions = {d.region for d in cog.departements.values()}
    text = (
        f"COG {cog.year} ({cog.folder}) : {len(regions)} régions, "
        f"{len(cog.departements)} départements, {len(cog.communes)} communes"
    )
    if cog.epcis:
        text += (
            f", {len(cog.arrondissements_municipaux)} arrondissements municipaux, "
            f"{len(cog.epcis)} EPCI ; populations, codes postaux et SIREN (découpage "
            "administratif)"
        )
    return text


def _population_text(population: int | None) -> str:
    if population is None:
        return ""
    return ", " + f"{population:,}".replace(",", "\u202f") + " habitants"


def describe_territory(cog: Cog, label: str) -> str | None:
    """A département (name or code), a commune (INSEE code) or an EPCI (SIREN) in French, or
    None when ``label`` names none of them.

    >>> print(describe_territory(load_cog(), "46"))
    « 46 » : département 46 Lot, région 76 Occitanie, 176\u202f473 habitants
    """
    code = label.strip().upper()
    if code in cog.communes:
        c = cog.communes[code]
        text = f"« {label} » : commune {c.code} {c.name}{_population_text(c.population)}"
        if c.postcodes:
            text += f", code(s) postal(aux) {' '.join(c.postcodes)}"
        if c.siren:
            text += f", SIREN {c.siren}"
        text += f", département {c.departement.code} {c.departement.name}"
        if c.epci is not None:
            text += f", EPCI {c.epci.code} {c.epci.name}"
        return text
    if code in cog.arrondissements_municipaux:
        a = cog.arrondissements_municipaux[code]
        return (
            f"« {label} » : arrondissement municipal {a.code} {a.name}"
            f"{_population_text(a.population)}, code(s) postal(aux) {' '.join(a.postcodes)}, "
            f"commune {a.commune.code} {a.commune.name}"
        )
    if code in cog.epcis:
        e = cog.epcis[code]
        members = cog.members(e)
        return (
            f"« {label} » : EPCI {e.code} {e.name} ({e.nature})"
            f"{_population_text(cog.population(e))}, {len(members)} communes : "
            + ", ".join(f"{c.code} {c.name}" for c in members)
        )
    departement = cog.resolve_departement(label).departement
    if departement is None:
        return None
    region = departement.region
    return (
        f"« {label} » : département {departement.code} {departement.name}, "
        f"région {region.code} {region.name}{_population_text(cog.population(departement))}"
    )


def _name_key(name: str) -> str:
    """Fold a name, reading "St"/"Ste" as "Saint"/"Sainte"."""
    return "".join(_word_key(w) for w in _WORD.findall(name))


# A word: letters and digits (hyphens, apostrophes and spaces separate words).
_WORD = re.compile(r"[^\W_]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _word_key(word: str) -> str:
    key = fold(word.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE"))
    return _ABBREVIATIONS.get(key, key)


def _words(name: str) -> tuple[str, ...]:
    return tuple(_word_key(w) for w in _WORD.findall(name))


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return list(csv.DictReader(stream))
    except FileNotFoundError:
        raise InputError("table du COG introuvable", path=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"table du COG illisible ({reason(error)})", path=str(path)) from None


@functools.cache
def load_cog(folder: Path = COG_DIR) -> Cog:
    """Load the régions and départements tables ``v_region_YYYY.csv``, ``v_departement_YYYY.csv``
    (with the communes, the territory pack and the former names), from the user's cache when
    the same tables were indexed by the same code before (``index_cache``).

    :raises InputError: the folder holds no such tables, or they lack INSEE's columns.
    """
    cog = cached("cog", folder.glob("*.csv"), lambda: build_cog(folder), Cog)
    cog.folder = folder  # the same tables may sit in another folder
    return cog


def build_cog(folder: Path) -> Cog:
    """The index ``load_cog`` reads from the COG tables in ``folder``.

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
        pack = _load_pack(cog, folder, year)
        _load_communes(cog, _rows(folder / f"v_commune_{year}.csv"), pack)
        if pack:
            _sum_populations(cog)
        movements = folder / "mouvements-communes.csv"
        if movements.exists():
            _load_former_names(cog, _rows(movements))
    except (KeyError, ValueError) as error:
        raise InputError(f"table du COG mal formée ({error})", path=str(folder)) from None
    return cog


def _add_name(cog: Cog, name: _Name) -> None:
    if name.words:
        by_word = cog.names.setdefault(name.commune.departement.code, {})
        by_word.setdefault(name.words[0], []).append(name)


def _load_pack(cog: Cog, folder: Path, year: str) -> dict[tuple[str, str], dict[str, str]]:
    """The pack's rows by (TYPECOM, code), and its EPCI into ``cog``; empty without a pack."""
    communes, epcis = (folder / f"decoupage-{n}-{year}.csv" for n in ("communes", "epci"))
    if not communes.exists():
        return {}
    for row in _rows(epcis):
        cog.epcis[row["EPCI"]] = Epci(row["EPCI"], row["NOM"], row["NATURE"])
    return {(row["TYPECOM"], row["COM"]): row for row in _rows(communes)}


def _population(row: dict[str, str]) -> int | None:
    return int(row["POPULATION"]) if row.get("POPULATION") else None


def _load_communes(
    cog: Cog, rows: list[dict[str, str]], pack: dict[tuple[str, str], dict[str, str]]
) -> None:
    """Index current communes (TYPECOM COM) by code, then every name by département."""
    for row in rows:
        if row["TYPECOM"] == "COM":
            departement = cog.departements[row["DEP"]]
            arrondissement = Arrondissement(row["ARR"], departement) if row.get("ARR") else None
            more = pack.get(("COM", row["COM"]), {})
            commune = Commune(
                row["COM"],
                row["LIBELLE"],
                departement,
                arrondissement,
                more.get("SIREN", ""),
                _population(more),
                tuple(more.get("CODES_POSTAUX", "").split()),
                cog.epcis[more["EPCI"]] if more.get("EPCI") else None,
            )
            cog.communes[commune.code] = commune
            for postcode in commune.postcodes:
                cog.by_postcode.setdefault(postcode, []).append(commune)
            if commune.epci is not None:
                cog.epcis_in.setdefault(departement.code, {})[commune.epci.code] = commune.epci
            _add_name(cog, _Name(_words(commune.name), commune.name, commune, "COM"))
    for row in rows:
        if row["TYPECOM"] == "ARM" and row["COMPARENT"] in cog.communes:
            more = pack.get(("ARM", row["COM"]), {})
            cog.arrondissements_municipaux[row["COM"]] = ArrondissementMunicipal(
                row["COM"],
                row["LIBELLE"],
                cog.communes[row["COMPARENT"]],
                _population(more),
                tuple(more.get("CODES_POSTAUX", "").split()),
            )
    for row in rows:  # déléguées and associées share or point to their commune's code
        parent = cog.communes.get(row["COMPARENT"])
        if row["TYPECOM"] in ("COMD", "COMA") and parent is not None:
            if _words(row["LIBELLE"]) != _words(parent.name):
                _add_name(
                    cog, _Name(_words(row["LIBELLE"]), row["LIBELLE"], parent, row["TYPECOM"])
                )


def _sum_populations(cog: Cog) -> None:
    """Départements, régions and EPCI have the sum of their communes' populations: one vintage
    for every level, so that ratios across levels compare."""
    for commune in cog.communes.values():
        if commune.population is None:
            continue
        territories: list[Departement | Region | Epci] = [
            commune.departement,
            commune.departement.region,
        ]
        if commune.epci is not None:
            territories.append(commune.epci)
        for territory in territories:
            cog.populations[territory.iri] = (
                cog.populations.get(territory.iri, 0) + commune.population
            )


def _load_former_names(cog: Cog, rows: list[dict[str, str]]) -> None:
    """Names of communes merged away since 1943 (MOD 31 to 34), for notes only: never linked."""
    current = {(c.departement.code, _words(c.name)) for c in cog.communes.values()}
    for row in rows:
        if row["MOD"] not in ("31", "32", "33", "34") or row["COM_AV"] == row["COM_AP"]:
            continue
        successor = cog.communes.get(row["COM_AP"])
        departement = successor.departement.code if successor else row["COM_AV"][:2]
        words = _words(row["LIBELLE_AV"])
        if not words or (departement, words) in current:
            continue
        into = f"{successor.name} ({successor.code})" if successor else f"code {row['COM_AP']}"
        note = (
            f"« {row['LIBELLE_AV']} » est une ancienne commune, fusionnée le {row['DATE_EFF']} "
            f"dans {into} : pas de lien, la commune actuelle n'est pas nommée"
        )
        by_word = cog.former.setdefault(departement, {})
        by_word.setdefault(words[0], []).append((words, note))
