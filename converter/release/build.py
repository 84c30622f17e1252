"""``cskg release``: writes the release folder from the output of ``cskg convert``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from converter.errors import missing_output
from converter.files import json_bytes, write_atomically
from converter.paths import ONTOLOGY_FILE, VOCABULARY_DIR
from converter.query import bind, load_query, local_store
from converter.release.catalogue import (
    CATALOG_PREFIXES,
    RELEASE_FILES,
    CatalogueCheck,
    CatalogueError,
    Distributed,
    catalogue,
    check_catalogue,
)
from converter.release.config import ReleaseConfig
from converter.release.docs import dictionary_html, ontology_html
from converter.release.tables import _french_label, csv_bytes, csv_rows, csvw_metadata
from converter.release.void import void_graph
from converter.serialise import jsonld_bytes, turtle_bytes
from converter.vocab import CSKG


@dataclass
class Release:
    folder: Path
    written: list[Path]
    check: CatalogueCheck


def release(data: Path, folder: Path, config: ReleaseConfig) -> Release:
    """Write the release folder from the convert output in ``data``.

    :raises InputError: the output of ``cskg convert`` is missing or unreadable.
    :raises CatalogueError: the catalogue does not conform to DCAT-AP (it is then not written).
    """
    graph_file = data / "actions.ttl"
    store = local_store([graph_file])
    written: list[Path] = []

    def write(name: str, content: bytes) -> None:
        write_atomically(folder / name, content)
        written.append(folder / name)

    for name in ("actions.ttl", "actions.nt", "actions.jsonld"):
        try:
            write(name, (data / name).read_bytes())
        except FileNotFoundError:
            raise missing_output(data / name) from None
    rows = csv_rows(store)
    write("actions.csv", csv_bytes(rows))
    write("actions.csv-metadata.json", json_bytes(csvw_metadata(config)))
    write("cskg.ttl", ONTOLOGY_FILE.read_bytes())
    vocabularies = sorted(VOCABULARY_DIR.glob("*.ttl"))
    for path in vocabularies:
        write(f"vocabulaires/{path.name}", path.read_bytes())
    write("ontologie.html", ontology_html())
    write("dictionnaire.html", dictionary_html(store, rows))
    data_triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in ox.parse(path=str(graph_file), format=ox.RdfFormat.TURTLE)
    ]
    dataset = config.base_url + "#jeu-de-donnees"
    write(
        "void.ttl",
        turtle_bytes(void_graph(store, data_triples, dataset, config), prefixes=CATALOG_PREFIXES),
    )
    files = list(RELEASE_FILES) + [
        Distributed(
            f"vocabulaires/{p.name}",
            "text/turtle",
            "RDF_TURTLE",
            f"Vocabulaire SKOS : {p.stem}",
            "Concepts, libellés français et anglais, variantes et définitions.",
            rdf=True,
        )
        for p in vocabularies
    ]
    spatial = sorted(
        {
            t.object.value
            for t in data_triples
            if t.predicate.value == CSKG + "departement" and isinstance(t.object, ox.NamedNode)
        }
    )
    keywords = sorted(
        {
            _french_label(store, t.object)
            for t in data_triples
            if t.predicate.value == CSKG + "theme"
        }
    )
    years = start_years(store)
    triples = catalogue(config, folder, files, spatial, years, keywords)
    check = check_catalogue(triples)
    if check.violations:
        raise CatalogueError(
            "catalogue non conforme à DCAT-AP, non écrit : " + " ; ".join(check.violations)
        )
    write("catalog.ttl", turtle_bytes(triples, prefixes=CATALOG_PREFIXES))
    write("catalog.jsonld", jsonld_bytes(triples, prefixes=CATALOG_PREFIXES))
    return Release(folder, written, check)


def start_years(store: ox.Store) -> list[int]:
    """Start years the fiches state, whatever the status (library query
    ``actions-commencees-avant``, the one place where that rule is written)."""
    query = bind(load_query("actions-commencees-avant"), {"statut": "*", "annee": "10000"})
    results = store.query(query)
    assert isinstance(results, ox.QuerySolutions)
    return sorted({int(getattr(s["debut"], "value", 0)) for s in results})
