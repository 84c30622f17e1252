"""Write N realistic fiches in the dump's text format (benchmarks and scale tests).

    python benchmarks/generate.py 10000 --seed 1 -o /tmp/fiches.txt [--broken 0.01]

Field lengths, list sizes, vocabulary values and their frequencies, budgets and accents are drawn
from the bundled example (its 25 real fiches): texts are made of the example's own lines, list
values follow the example's frequencies. Structures are named after real communes of their
département (COG), and partners come from a shared pool, so structures, partners and concepts are
shared across actions as in real data. With ``--broken`` a share of fiches is damaged on purpose
(no title, no organiser, unknown département, an unknown theme, no département, a fiche given
twice), each kind in turn.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converter.model import FIELDS, Kind, Record, Source  # noqa: E402
from converter.reader import read_text, render  # noqa: E402
from converter.territory import load_cog  # noqa: E402

SEED = ROOT / "data" / "actions_centres_sociaux.txt"
KINDS_OF_STRUCTURE = (
    "CENTRE SOCIAL",
    "Centre social",
    "MAISON DE QUARTIER",
    "Espace de vie sociale",
    "MJC",
)
PARTNER_KINDS = (
    "CAF",
    "Mairie de",
    "Conseil départemental",
    "Association",
    "Mission locale de",
    "CCAS de",
)
TITLE_WORDS = (
    "Atelier", "Café", "Fête", "Accompagnement", "Projet", "Espace", "Réseau", "Chantier",
    "Parentalité", "Jeunesse", "Numérique", "Jardin", "Solidarité", "Été", "Rencontres",
)  # fmt: skip


class Generator:
    def __init__(self, seed: int, count: int) -> None:
        self.random = random.Random(seed)
        self.examples = read_text(SEED).records
        cog = load_cog()
        communes_by_dep: dict[str, list[str]] = {}
        for commune in cog.communes.values():
            communes_by_dep.setdefault(commune.departement.code, []).append(commune.name)
        departements = sorted(cog.departements.values(), key=lambda d: d.code)
        structures = []
        for _ in range(max(5, count // 4)):  # about four actions per structure
            dep = self.random.choice(departements)
            commune = self.random.choice(sorted(communes_by_dep[dep.code]))
            kind = self.random.choice(KINDS_OF_STRUCTURE)
            structures.append((f"{kind} {commune.upper()}", dep.name))
        self.structures = structures
        self.partners = ["Préfecture"] + [
            f"{self.random.choice(PARTNER_KINDS)} {self.random.choice(departements).name}"
            for _ in range(max(10, count // 50))
        ]
        self.lines = {
            f.name: [line for r in self.examples for line in getattr(r, f.name).split("\n") if line]
            for f in FIELDS
            if f.kind is Kind.TEXT
        }

    def _list(self, name: str) -> tuple[str, ...]:
        """A list shaped like the example's: a size and values drawn from its distribution."""
        sizes = [len(getattr(r, name)) for r in self.examples]
        pool = [value for r in self.examples for value in getattr(r, name)]
        if not pool:
            return ()
        chosen = [self.random.choice(pool) for _ in range(self.random.choice(sizes))]
        return tuple(dict.fromkeys(chosen))

    def _text(self, name: str) -> str:
        """A text as long as one of the example's, made of its lines."""
        model = getattr(self.random.choice(self.examples), name)
        count = len(model.split("\n")) if model else 0
        return "\n".join(self.random.choice(self.lines[name]) for _ in range(count))

    def record(self, index: int) -> Record:
        model = self.random.choice(self.examples)
        structure, departement = self.random.choice(self.structures)
        title = (
            f"{self.random.choice(TITLE_WORDS)} {self.random.choice(TITLE_WORDS).lower()} n°{index}"
        )
        values = {f.name: self._text(f.name) for f in FIELDS if f.kind is Kind.TEXT}
        values |= {f.name: self._list(f.name) for f in FIELDS if f.kind is Kind.LIST}
        partners = ["Préfecture"] + self.random.sample(self.partners, self.random.randint(0, 3))
        values |= {
            "status": model.status,
            "dimension": model.dimension,
            "partners": tuple(dict.fromkeys(partners)),
            "end_reason": values["end_reason"] if model.status == "Terminée" else "",
            "funding": self.random.choice(
                [model.funding, f"Budget global : {self.random.randint(5, 400) * 100} €"]
            ),
            "staffing": self.random.choice([model.staffing, str(self.random.randint(1, 40))]),
        }
        return Record(title=title, structure=structure, departement=departement, **values)

    def broken(self, record: Record, index: int, previous: Record) -> Record:
        kind = index % 6
        if kind == 0:
            return replace(record, title="")
        if kind == 1:
            return replace(record, structure="", departement="")
        if kind == 2:
            return replace(record, departement="Département imaginaire")
        if kind == 3:
            return replace(record, themes=(*record.themes, "Thème jamais vu"))
        if kind == 4:  # no « - Département »: a structure without département (a violation)
            return replace(record, structure=record.structure.replace("-", " "), departement="")
        return previous  # the same fiche twice


def fiches(count: int, seed: int, broken: float = 0.0) -> Iterator[Record]:
    generator = Generator(seed, count)
    every = round(1 / broken) if broken else 0
    previous = generator.record(0)
    for index in range(1, count + 1):
        record = generator.record(index)
        if every and index % every == 0:
            record = generator.broken(record, index // every, previous)
        previous = record
        yield replace(record, source=Source("", 0, 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of fiches")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--broken", type=float, default=0.0, help="share of damaged fiches, e.g. 0.01"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    options = parser.parse_args()
    stream = options.output.open("w", encoding="utf-8") if options.output else sys.stdout
    try:
        stream.write("Les actions des centres sociaux\n")
        for record in fiches(options.count, options.seed, options.broken):
            stream.write(render([record], banner=False))
    finally:
        if options.output:
            stream.close()


if __name__ == "__main__":
    main()
