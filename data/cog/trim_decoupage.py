"""Makes ``decoupage-communes-2026.csv`` and ``decoupage-epci-2026.csv`` from the JSON files of
``@etalab/decoupage-administratif`` 6.0.0 (``communes.json``, ``epci.json``).

Run once, by hand: ``python data/cog/trim_decoupage.py SOURCE_FOLDER data/cog``.
Only trimming, no editing: the current communes and arrondissements municipaux that the COG
tables of the same folder list (the overseas collectivités are left out, as there), with
their SIREN, population, postcodes and EPCI; the EPCI with their SIREN, name and nature. Rows
sorted by code, CRLF line ends, every field quoted (as INSEE writes the COG). Same input, same
bytes.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

TYPES = {"commune-actuelle": "COM", "arrondissement-municipal": "ARM"}


def main(source: Path, target: Path) -> None:
    with (target / "v_commune_2026.csv").open(encoding="utf-8", newline="") as f:
        in_cog = {(r["TYPECOM"], r["COM"]) for r in csv.DictReader(f)}
    epcis = json.loads((source / "epci.json").read_text(encoding="utf-8"))
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    communes = [
        c
        for c in json.loads((source / "communes.json").read_text(encoding="utf-8"))
        if (TYPES.get(c["type"]), c["code"]) in in_cog
    ]
    with (target / "decoupage-communes-2026.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        out.writerow(["TYPECOM", "COM", "SIREN", "POPULATION", "CODES_POSTAUX", "EPCI"])
        for c in sorted(communes, key=lambda c: (c["code"], c["type"])):
            out.writerow(
                [
                    TYPES[c["type"]],
                    c["code"],
                    c.get("siren", ""),
                    c.get("population", ""),
                    " ".join(c.get("codesPostaux", [])),
                    epci_of.get(c["code"], "") if c["type"] == "commune-actuelle" else "",
                ]
            )
    with (target / "decoupage-epci-2026.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        out.writerow(["EPCI", "NOM", "NATURE"])
        for e in sorted(epcis, key=lambda e: e["code"]):
            out.writerow([e["code"], e["nom"], e["type"]])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
