"""The ``cskg`` command: parses options, calls one library function, prints with rich.

Only this module prints, catches ``CskgError`` and chooses exit statuses (see the README).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import rdflib
import typer
import typer.rich_utils
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from converter import __version__
from converter.convert import GRAPH_NAME, last_output
from converter.convert import convert as run_conversion
from converter.convert import parse as run_parse
from converter.endpoint import serve_files, served_files
from converter.errors import CskgError, UsageError
from converter.model import Diagnostic
from converter.paths import COG_DIR, SHAPES_FILE
from converter.publish import DEFAULT_GRAPH, Endpoint
from converter.publish import publish as run_publish
from converter.query import (
    bind,
    library,
    load_query,
    local_store,
    parse_parameters,
    results_bytes,
    run_local,
    run_remote,
)
from converter.release import example_values, load_config
from converter.release import release as run_release
from converter.serialise import compact_iri
from converter.territory import load_cog
from converter.validation import ShaclResult, ValidationReport, parse_rdf, validate_graph
from converter.vocab import CSKG, DEFAULT_BASE_IRI

# Exit statuses, documented in the README.
EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
SHOWN_DIAGNOSTICS = 40
CSKG_ACTION = rdflib.URIRef(CSKG + "Action")
CSKG_FILE = rdflib.URIRef(CSKG + "sourceFile")
CSKG_LINE = rdflib.URIRef(CSKG + "firstLine")

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

typer.rich_utils.OPTIONS_PANEL_TITLE = "Options"
typer.rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
typer.rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
typer.rich_utils.ERRORS_PANEL_TITLE = "Erreur"
typer.rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
typer.rich_utils.DEFAULT_STRING = "[défaut : {}]"

app = typer.Typer(
    help="cskg : des fiches d'actions des centres sociaux aux données ouvertes liées.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        out.print(f"cskg {__version__}")
        raise typer.Exit()


@app.callback()
def cskg(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version."),
    ] = False,
) -> None:
    """cskg : des fiches d'actions des centres sociaux aux données ouvertes liées."""


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a ``CskgError`` into one line on stderr and its exit status."""
    try:
        yield
    except CskgError as error:
        err.print(f"erreur : {error}", markup=False)
        raise typer.Exit(error.exit_code) from None


@contextmanager
def _progress(what: str) -> Iterator[Callable[[int], None]]:
    """A progress line on the terminal (stderr) for long runs; nothing when it is not one."""
    if not err.is_terminal:
        yield lambda _: None
        return
    with Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.completed}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done: bar.update(task, completed=done)


def _print_diagnostics(kind: str, diagnostics: list[Diagnostic], report: str) -> None:
    for diagnostic in diagnostics[:SHOWN_DIAGNOSTICS]:
        err.print(f"{kind} : {diagnostic}", markup=False)
    if len(diagnostics) > SHOWN_DIAGNOSTICS:
        err.print(
            f"… et {len(diagnostics) - SHOWN_DIAGNOSTICS} autres, voir {report}", markup=False
        )


@app.command()
def parse(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Fiches au format texte, ou tables .csv / .jsonl déjà produites par cskg.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Dossier où écrire les résultats.")
    ] = Path("output"),
) -> None:
    """Lit des fiches et écrit actions.jsonl, actions.csv et parse-report.json.

    Statut de sortie : 0 toutes les fiches lues, 1 des fiches rejetées, 2 entrée illisible.
    """
    with _reported():
        result, written = run_parse(files, output)
    report = written[-1]
    _print_diagnostics("avertissement", result.warnings, str(report))
    _print_diagnostics("rejet", result.rejected, str(report))
    parsed, rejected = len(result.records), len(result.rejected)
    out.print(
        f"{result.fiches_found} fiche(s) trouvée(s) : {parsed} lue(s), {rejected} rejetée(s), "
        f"{len(result.warnings)} avertissement(s)",
        markup=False,
    )
    out.print("écrit : " + ", ".join(str(p) for p in written), markup=False)
    if result.fiches_found != parsed + rejected:  # the reader's promise; never expected to break
        raise typer.Exit(EXIT_INTERNAL)
    raise typer.Exit(EXIT_REJECTED if rejected else EXIT_OK)


@app.command()
def convert(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="Fiches au format texte, ou tables .csv / .jsonl produites par cskg parse.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Dossier où écrire le graphe et le rapport.")
    ] = Path("output"),
    base_iri: Annotated[
        str,
        typer.Option("--base-iri", help="Préfixe des IRI des actions, structures, organisations."),
    ] = DEFAULT_BASE_IRI,
    cog: Annotated[
        Path, typer.Option("--cog", help="Dossier des tables du COG (v_region_AAAA.csv…).")
    ] = COG_DIR,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, help="Processus de validation (défaut : les cœurs)."),
    ] = os.cpu_count() or 1,
    validator: Annotated[
        str,
        typer.Option(
            "--validator", help="Validateur SHACL : rapide (compilé, par défaut) ou pyshacl."
        ),
    ] = "rapide",
) -> None:
    """Convertit des fiches en graphe RDF validé : actions.ttl, .nt, .jsonld et report.json.

    Les fiches passent par lots (mémoire bornée), validés en parallèle sur --jobs processus.
    Statut de sortie : 0 graphe conforme, 1 violations SHACL ou fiches rejetées, 2 entrée
    illisible ou mauvais usage.
    """
    with _reported(), _progress("fiches converties") as advance:
        done = run_conversion(
            inputs,
            output,
            base_iri=base_iri,
            cog_dir=cog,
            jobs=jobs,
            validator=validator,
            progress=advance,
        )
    report = str(output / "report.json")
    _print_diagnostics("avertissement", done.parsed.warnings + done.graph.warnings, report)
    _print_diagnostics("rejet", done.parsed.rejected, report)
    for result in done.validation.violations[:SHOWN_DIAGNOSTICS]:
        err.print(
            f"violation SHACL : {result.focus} {result.path} : {result.message}", markup=False
        )
    graph, validation = done.graph, done.validation
    out.print(
        f"{done.parsed.fiches_found} fiche(s) trouvée(s) : {graph.actions} action(s), "
        f"{len(done.parsed.rejected)} rejetée(s), {graph.duplicates} en double",
        markup=False,
    )
    out.print(
        f"{graph.structures} structure(s), {graph.organisations} organisation(s) partenaires "
        f"ou financeurs, {graph.unreviewed_concepts} concept(s) à revoir, "
        f"{graph.triple_count} triplets",
        markup=False,
    )
    out.print(
        f"structures liées : {graph.linked('departement')}/{graph.structures} à un département, "
        f"{graph.linked('region')}/{graph.structures} à une région, "
        f"{graph.linked('commune')}/{graph.structures} à une commune (COG {done.cog_year})",
        markup=False,
    )
    _print_verdict(validation)
    out.print("écrit : " + ", ".join(str(p) for p in done.written), markup=False)
    raise typer.Exit(EXIT_OK if done.ok else EXIT_REJECTED)


def _owners(graph: rdflib.Graph) -> dict[rdflib.term.Node, set[rdflib.term.Node]]:
    """The actions each node belongs to (the action itself, its fiche, budget, structure…)."""
    owners: dict[rdflib.term.Node, set[rdflib.term.Node]] = {
        a: {a} for a in graph.subjects(rdflib.RDF.type, CSKG_ACTION)
    }
    for _ in range(3):  # action -> structure -> département -> région
        for s, _p, o in graph:
            if s in owners and isinstance(o, rdflib.URIRef):
                owners.setdefault(o, set()).update(owners[s])
    return owners


def _print_verdict(report: ValidationReport) -> None:
    verdict = "conforme" if report.conforms else "NON conforme"
    out.print(
        f"SHACL : {verdict} ({len(report.violations)} violation(s), "
        f"{len(report.warnings)} avertissement(s))",
        markup=False,
    )


def _print_validation(graph: rdflib.Graph, report: ValidationReport) -> None:
    owners = _owners(graph)
    groups: dict[str, list[ShaclResult]] = {}
    for result in report.results:
        actions = owners.get(rdflib.URIRef(result.focus), set())
        # a node shared by several actions (a partner, a département) is listed on its own
        key = str(next(iter(actions))) if len(actions) == 1 else ""
        groups.setdefault(key, []).append(result)
    for name, results in sorted(groups.items()):
        if name:
            node = rdflib.URIRef(name)
            fiche = graph.value(node, rdflib.PROV.wasDerivedFrom)
            where = ""
            if fiche is not None:
                where = f" ({graph.value(fiche, CSKG_FILE)}:{graph.value(fiche, CSKG_LINE)})"
            title = graph.value(node, rdflib.DCTERMS.title)
            named = f"« {title} »" if title is not None else "sans titre"
            out.print(f"Action {named}{where}", markup=False)
            out.print(f"  {name}", markup=False)
        else:
            out.print("Hors action ou partagé entre plusieurs actions", markup=False)
        for result in results:
            focus = "" if result.focus == name else f"{result.focus} : "
            value = f" [{result.value}]" if result.value else ""
            out.print(
                f"  {result.severity} : {focus}{result.path} : {result.message}{value}",
                markup=False,
            )
    _print_verdict(report)


@app.command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Fichiers RDF (Turtle, N-Triples, JSON-LD) à valider.", show_default=False
        ),
    ],
    shapes: Annotated[
        Path, typer.Option("--shapes", help="Formes SHACL à appliquer.")
    ] = SHAPES_FILE,
) -> None:
    """Valide des fichiers RDF avec les formes SHACL, ontologie et vocabulaires chargés.

    Le rapport est groupé par action, avec son titre et sa ligne dans la fiche source.
    Statut de sortie : 0 conforme, 1 violations, 2 fichier illisible.
    """
    with _reported():
        graph = rdflib.Graph()
        for path in files:
            graph += parse_rdf(path)
        report = validate_graph(graph, shapes=parse_rdf(shapes))
    _print_validation(graph, report)
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_REJECTED)


@app.command()
def territory(
    labels: Annotated[
        list[str] | None,
        typer.Argument(help="Départements à résoudre, en nom ou en code.", show_default=False),
    ] = None,
    cog: Annotated[
        Path, typer.Option("--cog", help="Dossier des tables du COG (v_region_AAAA.csv…).")
    ] = COG_DIR,
) -> None:
    """Affiche le COG utilisé (année, contenu) et résout des noms de départements.

    Statut de sortie : 0 tout est résolu, 1 un nom n'est pas résolu, 2 COG illisible.
    """
    with _reported():
        index = load_cog(cog)
    regions = {d.region for d in index.departements.values()}
    out.print(
        f"COG {index.year} ({index.folder}) : {len(regions)} régions, "
        f"{len(index.departements)} départements, {len(index.communes)} communes",
        markup=False,
    )
    unresolved = 0
    for label in labels or []:
        resolution = index.resolve_departement(label)
        found = resolution.departement
        if found is not None:
            out.print(
                f"« {label} » : département {found.code} {found.name}, "
                f"région {found.region.code} {found.region.name}",
                markup=False,
            )
            continue
        unresolved += 1
        near = ", ".join(resolution.candidates) or "aucun nom proche"
        out.print(f"« {label} » : inconnu ou ambigu (proches : {near})", markup=False)
    raise typer.Exit(EXIT_REJECTED if unresolved else EXIT_OK)


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


def _credentials() -> tuple[str, str] | None:
    """From CSKG_ENDPOINT_USER / CSKG_ENDPOINT_PASSWORD, else None (never from options)."""
    user, password = os.environ.get("CSKG_ENDPOINT_USER"), os.environ.get("CSKG_ENDPOINT_PASSWORD")
    return (user, password or "") if user else None


def _print_table(results: ox.QuerySolutions | ox.QueryBoolean) -> None:
    if isinstance(results, ox.QueryBoolean):
        out.print("oui" if bool(results) else "non")
        return
    names = [v.value for v in results.variables]
    table = Table(*names, show_lines=False, highlight=False)
    rows = 0
    for solution in results:
        cells = []
        for name in names:
            term = solution[name]
            if term is None:
                cells.append("")
            elif isinstance(term, ox.NamedNode):
                cells.append(compact_iri(term.value))
            else:
                cells.append(term.value)
        table.add_row(*(Text(c) for c in cells))
        rows += 1
    out.print(table)
    out.print(f"{rows} ligne(s)", markup=False)


@app.command()
def query(
    name: Annotated[
        str | None,
        typer.Argument(
            help="Nom d'une requête de la bibliothèque, ou fichier .rq.", show_default=False
        ),
    ] = None,
    list_queries: Annotated[
        bool, typer.Option("--list", help="Liste les requêtes de la bibliothèque et leur question.")
    ] = False,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data", help="Fichier RDF à interroger (défaut : sortie du dernier convert)."
        ),
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="URL d'un point d'accès SPARQL à interroger.")
    ] = None,
    graph: Annotated[
        str | None, typer.Option("--graph", help="Graphe nommé à interroger sur le point d'accès.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="Valeur d'un paramètre : nom=valeur.")
    ] = None,
    fmt: Annotated[
        ResultFormat, typer.Option("--format", help="Sortie : table, csv, tsv ou json.")
    ] = ResultFormat.table,
) -> None:
    """Lance une requête SPARQL de la bibliothèque (ou un fichier .rq), en local ou à distance.

    Les paramètres sont liés comme des termes RDF, jamais collés tels quels dans la requête.
    Statut de sortie : 0 réussite, 2 requête, paramètre, données ou point d'accès inutilisables.
    """
    with _reported():
        if list_queries:
            for item in library():
                params = ", ".join(f"{p.name}={p.default}" for p in item.parameters.values())
                out.print(
                    f"{item.name} : {item.question}" + (f" [{params}]" if params else ""),
                    markup=False,
                )
            raise typer.Exit(EXIT_OK)
        if name is None:
            raise UsageError("nommez une requête (cskg query --list les montre toutes)")
        chosen = load_query(name)
        text = bind(chosen, parse_parameters(param or []))
        if endpoint:
            results = run_remote(text, endpoint, graph=graph, credentials=_credentials())
        else:
            files = data or [last_output() / GRAPH_NAME]
            results = run_local(text, local_store(files))
    if fmt is ResultFormat.table:
        _print_table(results)
    else:
        sys.stdout.buffer.write(results_bytes(results, fmt.value))
        sys.stdout.buffer.flush()
    raise typer.Exit(EXIT_OK)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@app.command()
def serve(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Dossier (ou fichier .ttl) de la sortie à servir (défaut : dernier convert).",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Dossier d'un magasin persistant (réutilisé s'il est à jour) ; "
            "sans cette option, les données sont chargées en mémoire.",
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port d'écoute sur 127.0.0.1.")] = 7878,
) -> None:
    """Sert la sortie, l'ontologie et les vocabulaires sur un point d'accès SPARQL local.

    En mémoire par défaut (chargement à chaque démarrage, requêtes rapides) ; avec --store,
    le magasin est réutilisé tel quel quand les fichiers n'ont pas changé. Ctrl-C (ou SIGTERM)
    arrête le serveur proprement. Statut de sortie : 0 arrêt normal, 2 données, port ou serveur
    inutilisables.
    """
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop, as Ctrl-C
    start = time.perf_counter()
    try:
        with _reported():
            files = served_files(data or last_output())
            server, reused = serve_files(files, store=store, port=port)
    except KeyboardInterrupt:
        out.print("chargement interrompu, serveur arrêté", markup=False)
        raise typer.Exit(EXIT_OK) from None
    if store is None:
        seconds = time.perf_counter() - start
        where = f"en mémoire : {len(files)} fichiers en {seconds:.1f} s"
    else:
        where = f"{store} ({len(files)} fichiers)"
    out.print(f"magasin {'réutilisé' if reused else 'chargé'} {where}", markup=False)
    out.print(f"point d'accès SPARQL : {server.query_url}", markup=False)
    out.print(f"page de requêtes : {server.base}/", markup=False)
    out.print("Ctrl-C pour arrêter", markup=False)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    out.print("serveur arrêté", markup=False)
    raise typer.Exit(EXIT_OK)


@app.command()
def publish(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint", help="URL du point d'accès SPARQL (requêtes).", show_default=False
        ),
    ],
    graph: Annotated[
        str, typer.Option("--graph", help="IRI du graphe nommé à remplacer.")
    ] = DEFAULT_GRAPH,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Dossier de la sortie à publier (défaut : dernier convert)."),
    ] = None,
    update_url: Annotated[
        str | None,
        typer.Option("--update", help="URL de mise à jour SPARQL, si elle n'est pas devinée."),
    ] = None,
    store_url: Annotated[
        str | None,
        typer.Option("--graph-store", help="URL du Graph Store HTTP, si elle n'est pas devinée."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Délai d'attente par requête, en secondes.")
    ] = 60,
) -> None:
    """Publie la sortie (avec ontologie et vocabulaires) dans un graphe nommé, remplacé d'un coup.

    Identifiants : variables CSKG_ENDPOINT_USER et CSKG_ENDPOINT_PASSWORD, ou ~/.netrc.
    Statut de sortie : 0 publié et vérifié, 2 données, point d'accès ou publication en échec
    (le graphe publié garde alors sa version précédente).
    """
    with _reported():
        target = Endpoint.from_url(endpoint, update=update_url, store=store_url, timeout=timeout)
        done = run_publish(data or last_output(), target, graph)
    method = "Graph Store HTTP" if done.method == "graph-store" else "SPARQL Update par lots"
    out.print(
        f"publié : {done.triples} triplets dans <{done.graph}> ({method}, "
        f"{done.retries} nouvel(s) essai(s)), compte vérifié sur le serveur",
        markup=False,
    )
    raise typer.Exit(EXIT_OK)


@app.command()
def release(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Dossier de la publication.")
    ] = Path("output") / "release",
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Sortie de cskg convert à publier (défaut : dernier convert)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Fichier de configuration (défaut : release.toml)."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="URL où les fichiers seront téléchargeables.")
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="URL du point d'accès SPARQL (ajoute un DataService)."),
    ] = None,
    licence: Annotated[str | None, typer.Option("--licence", help="IRI de la licence.")] = None,
    issued: Annotated[
        str | None, typer.Option("--issued", help="Date de publication AAAA-MM-JJ, ou today.")
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Publication précédente : écrit changements.md et .csv."),
    ] = None,
    release_version: Annotated[
        str | None,
        typer.Option("--release-version", help="Numéro de version (dcat:version)."),
    ] = None,
) -> None:
    """Prépare un dossier de publication : données, CSV, Excel, SQLite, catalogue DCAT-AP, VoID,
    documentation.

    Le catalogue est validé avec les formes officielles DCAT-AP 3.0.1 et n'est pas écrit s'il
    n'est pas conforme. Statut de sortie : 0 publication écrite, 2 entrée, configuration ou
    catalogue inutilisables.
    """
    with _reported():
        settings = load_config(
            config,
            base_url=base_url,
            endpoint=endpoint,
            licence=licence,
            issued=issued,
            version=release_version,
        )
        done = run_release(data or last_output(), output, settings, previous)
    for key in example_values(settings):
        err.print(
            f"avertissement : « {key} » garde la valeur de l'exemple "
            f"(« {getattr(settings, key)} ») : à changer dans release.toml avant de publier",
            markup=False,
        )
    for warning in done.check.warnings[:SHOWN_DIAGNOSTICS]:
        err.print(f"avertissement DCAT-AP : {warning}", markup=False)
    for note in done.notes:
        err.print(f"avertissement : {note}", markup=False)
    if done.changes is not None:
        out.print(done.changes.summary(), markup=False)
    out.print(
        f"publication : {output} ({len(done.written)} fichiers), catalogue conforme à "
        f"DCAT-AP 3.0.1 (0 violation, {len(done.check.warnings)} avertissement(s))",
        markup=False,
    )
    raise typer.Exit(EXIT_OK)


def main() -> None:
    """Entry point of the ``cskg`` script: no traceback ever reaches the user."""
    try:
        app()
    except Exception as error:  # noqa: BLE001 - the one place that may catch everything
        err.print(
            f"erreur interne ({type(error).__name__} : {error}) ; merci de la signaler",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
