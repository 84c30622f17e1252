"""``cskg release``: writes the release folder from the output of ``cskg convert``."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from converter.disk_store import Announce, query_store, silent
from converter.errors import missing_output
from converter.files import copy_atomically, json_bytes, write_atomically
from converter.outputs import graph_file
from converter.paths import ONTOLOGY_FILE, QUERIES_DIR, VOCABULARY_DIR
from converter.query import bind, load_query
from converter.release.catalogue import (
    CATALOG_PREFIXES,
    CHANGE_FILES,
    README_FILE,
    RELEASE_FILES,
    CatalogueCheck,
    CatalogueError,
    Coverage,
    Distributed,
    ascii_turtle,
    catalogue,
    check_catalogue,
)
from converter.release.changes import (
    Changes,
    changes_csv,
    changes_markdown,
    compare,
    next_version,
    read_previous,
)
from converter.release.config import ReleaseConfig
from converter.release.docs import dictionary_html, ontology_html, readme_markdown
from converter.release.geo import coverage
from converter.release.participations import PARTICIPATIONS, participation_rows
from converter.release.tables import (
    CSV_COLUMNS,
    action_rows,
    csvw_metadata,
    french_label,
    table_schema,
    write_table,
)
from converter.release.void import void_graph
from converter.serialise import FORMATS, jsonld_bytes, turtle_bytes
from converter.vocab import CSKG, IGEO


@dataclass
class Release:
    folder: Path
    written: list[Path]
    check: CatalogueCheck
    notes: list[str] = field(default_factory=list)  # warnings for the publisher, in French
    changes: Changes | None = None


def release(
    data: Path,
    folder: Path,
    config: ReleaseConfig,
    previous: Path | None = None,
    *,
    announce: Announce = silent,
) -> Release:
    """Write the release folder from the convert output in ``data``, compared with the
    release in ``previous`` when given. The graph is read as ``cskg query`` reads it: in
    memory up to 128 MiB, else from the store on disk beside it (``announce`` is told of its
    load, and of the store used); the tables are written a few thousand rows at a time and
    read back from their files, so that memory does not hold them (what actions share, the
    list of their IRIs, the database's links and the VoID counts do stay: 817 MiB at 100,000
    actions).

    :raises InputError: the output of ``cskg convert`` or the previous release is missing or
        unreadable.
    :raises CatalogueError: the catalogue does not conform to DCAT-AP (it is then not written).
    """
    # XlsxWriter and sqlite-utils are imported here, not at every start of the cskg command
    from converter.release.database import write_database
    from converter.release.spreadsheet import write_workbook

    before = read_previous(previous) if previous is not None else None
    config = replace(config, version=next_version(config.version, before, config.issued))
    graph = graph_file(data)
    store, note = query_store([data], [graph], announce=announce)
    if note:
        announce(note)
    written: list[Path] = []

    def write(name: str, content: bytes) -> None:
        write_atomically(folder / name, content)
        written.append(folder / name)

    def copy(source: Path, name: str) -> None:
        try:
            copy_atomically(source, folder / name)
        except FileNotFoundError:
            raise missing_output(source) from None
        written.append(folder / name)

    for name in (f"actions{f.suffix}" for f in FORMATS.values()):
        copy(data / name, name)
    rows = write_table(folder / "actions.csv", action_rows(store))
    written.append(folder / "actions.csv")
    history = None
    extra: list[Distributed] = []
    if before is not None:
        names = [c.name for c in CSV_COLUMNS]
        history = compare(before, (dict(zip(names, row, strict=True)) for row in rows))
        write("changements.md", changes_markdown(history, config.version))
        write("changements.csv", changes_csv(history))
        extra = list(CHANGE_FILES)
    else:  # a changelog left by an earlier run into this folder would describe another release
        for stale in CHANGE_FILES:
            (folder / stale.name).unlink(missing_ok=True)
    write("actions.csv-metadata.json", json_bytes(csvw_metadata(config)))
    write("actions.schema.json", json_bytes(table_schema(config, rows)))
    participations = write_table(
        folder / "participations.csv", participation_rows(store), PARTICIPATIONS
    )
    written.append(folder / "participations.csv")
    write("participations.csv-metadata.json", json_bytes(csvw_metadata(config, PARTICIPATIONS)))
    write(
        "participations.schema.json",
        json_bytes(table_schema(config, participations, PARTICIPATIONS)),
    )
    cut = write_workbook(
        folder / "actions.xlsx",
        rows,
        config.title_fr,
        config.modified or config.issued,
        participations,
    )
    written.append(folder / "actions.xlsx")
    write_database(folder / "actions.db", store, rows, participations)
    written.append(folder / "actions.db")
    copy(ONTOLOGY_FILE, "cskg.ttl")
    vocabularies = sorted(VOCABULARY_DIR.glob("*.ttl"))
    for path in vocabularies:
        copy(path, f"vocabulaires/{path.name}")
    write("ontologie.html", ontology_html())
    write("dictionnaire.html", dictionary_html(store, rows, participations))
    dataset = config.base_url + "#jeu-de-donnees"
    try:
        described = void_graph(store, data / "actions.nt", dataset, config)
    except OSError:
        raise missing_output(data / "actions.nt") from None
    write("void.ttl", turtle_bytes(described, prefixes=CATALOG_PREFIXES))
    files = (
        list(RELEASE_FILES)
        + extra
        + [
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
    )
    write("requetes.zip", queries_zip())
    covered = coverage_of(store)
    write("LISEZMOI.md", readme_markdown(config, rows, covered, [p.name for p in written]))
    files.append(README_FILE)
    triples = catalogue(config, folder, files, covered, history)
    check = check_catalogue(triples)
    if check.violations:
        raise CatalogueError(
            "catalogue non conforme à DCAT-AP, non écrit : " + " ; ".join(check.violations)
        )
    write("catalog.ttl", ascii_turtle(turtle_bytes(triples, prefixes=CATALOG_PREFIXES)))
    write("catalog.jsonld", jsonld_bytes(triples, prefixes=CATALOG_PREFIXES))
    notes = [f"cellule coupée à 32 767 caractères dans actions.xlsx : {c}" for c in cut]
    return Release(folder, written, check, notes, history)


def queries_zip() -> bytes:
    """The SPARQL query library in one zip, dated 1980-01-01 so that same queries, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(QUERIES_DIR.glob("*.rq")):
            entry = zipfile.ZipInfo(f"requetes/{path.name}", date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def coverage_of(store: ox.Store) -> Coverage:
    """The départements of the organising structures (INSEE IRIs and outlines), the period of
    the start years and the themes, as the catalogue describes them (their properties are
    the data's alone: the ontology and the vocabularies never use them)."""
    places = sorted(
        {
            q.object.value
            for q in store.quads_for_pattern(None, ox.NamedNode(CSKG + "departement"), None)
            if isinstance(q.object, ox.NamedNode)
        }
    )
    codes = {}
    for place in places:
        found = store.quads_for_pattern(ox.NamedNode(place), ox.NamedNode(IGEO + "codeINSEE"), None)
        code = next((q.object for q in found if isinstance(q.object, ox.Literal)), None)
        codes[place] = code.value if code else place.rsplit("/", 1)[-1]
    shapes, whole = coverage(sorted(codes.values()))
    themes = store.quads_for_pattern(None, ox.NamedNode(CSKG + "theme"), None)
    keywords = sorted({french_label(store, node) for node in {q.object for q in themes}})
    return Coverage(codes, shapes, whole, start_years(store), keywords)


def start_years(store: ox.Store) -> list[int]:
    """Start years the fiches state, whatever the status (library query
    ``actions-commencees-avant``, the one place where that rule is written)."""
    query = bind(load_query("actions-commencees-avant"), {"statut": "*", "annee": "10000"})
    results = store.query(query)
    assert isinstance(results, ox.QuerySolutions)
    return sorted({int(getattr(s["debut"], "value", 0)) for s in results})
