"""The ``cskg`` command: parses options, calls one library function, prints with rich.

Only this module (and ``usage``, for the command line's own texts) prints, catches
``CskgError`` and chooses exit statuses (see the README).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
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
from converter.answer_cache import AnswerCache
from converter.convert import Parsed
from converter.convert import convert as run_conversion
from converter.convert import parse as run_parse
from converter.disk_store import prepare_store, query_store
from converter.endpoint import free_port, port_is_free, serve_files, served_files
from converter.errors import CskgError, InputError, NothingConverted, UsageError
from converter.files import fingerprint
from converter.model import Diagnostic
from converter.outputs import REPORT_NAME, DataChoice, choose_data
from converter.outputs import graph_file as graph_file_of
from converter.paths import COG_DIR, SHAPES_FILE
from converter.publish import Endpoint
from converter.publish import publish as run_publish
from converter.query import (
    Resolver,
    absent_values,
    bind,
    kept,
    library,
    load_query,
    parse_parameters,
    results_bytes,
    run_local,
    run_remote,
    solutions,
)
from converter.release import example_values, load_config
from converter.release import release as run_release
from converter.remote import DEFAULT_GRAPH, check_endpoint_url, credentials_for
from converter.serialise import compact_iri
from converter.site.aside import build_aside
from converter.site.build import SiteBuild, build_site
from converter.site.layout import DEFAULT_SITE_BASE
from converter.site.server import Site, cached_site, start_front, write_serving_files
from converter.site.sparql import DEFAULT_ENDPOINT as SPARQL_ENDPOINT
from converter.site.sparql import sparql_page
from converter.territory import Cog, describe_cog, describe_territory, load_cog
from converter.usage import FrenchCommand, FrenchGroup
from converter.validation import ShaclResult, ValidationReport, parse_rdf, validate_graph
from converter.vocab import CSKG, DEFAULT_BASE_IRI

# Exit statuses, documented in the README.
EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
WORKER_DIED = (
    "un processus de travail s'est arrêté brutalement (tué par le système : mémoire épuisée ?) ; "
    "rien n'a été remplacé ; --jobs 1 demande moins de mémoire"
)
EXIT_INTERRUPTED = 130  # Ctrl-C before cskg serve serves (128 + SIGINT, as shells say)
EXIT_NOTHING = NothingConverted.exit_code  # no fiche became an action: nothing replaced
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
    cls=FrenchGroup,
    help="cskg : des fiches d'actions des centres sociaux aux données ouvertes liées.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # help paragraphs reflow to the terminal's width
    context_settings={"help_option_names": ["-h", "--help"]},
)
command = functools.partial(app.command, cls=FrenchCommand)


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
    except BrokenProcessPool:  # a worker killed (by the system, out of memory, say)
        err.print(f"erreur : {WORKER_DIED}", markup=False)
        raise typer.Exit(EXIT_UNUSABLE) from None


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


@contextmanager
def _refusals() -> Iterator[None]:
    """No fiche became an action: what the reader found, why, and exit status 4."""
    try:
        yield
    except NothingConverted as refused:
        report = str(refused.report)
        _print_diagnostics("avertissement", refused.parsed.warnings, report)
        _print_diagnostics("rejet", refused.parsed.rejected, report)
        err.print(f"erreur : {refused}", markup=False)
        raise typer.Exit(EXIT_NOTHING) from None


def _reading(what: DataChoice) -> None:
    """Say which output a command reads: nobody queries another folder's graph unknowingly."""
    err.print(f"données : {what.folder} ({what.why})", markup=False)


# The COG tables, as convert and territory read them.
CogOption = Annotated[
    Path,
    typer.Option(
        "--cog",
        metavar="DOSSIER",
        show_default=False,
        help="Dossier des tables du COG (v_region_AAAA.csv…) ; défaut : le COG 2026 fourni.",
    ),
]
SiteBaseOption = Annotated[
    str,
    typer.Option(
        "--base-iri",
        metavar="IRI",
        help="IRI de base des pages : la ressource d'IRI « base + chemin » a sa page au chemin "
        "« chemin », dans DOSSIER/chemin/ pour cskg site, à http://127.0.0.1:PORT/chemin pour "
        "cskg serve (l'ontologie et les vocabulaires, toujours sous https://w3id.org/cskg/, "
        "de même).",
    ),
]


@command()
def parse(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FICHIER",
            help="Fiches au format texte, ou tables .csv / .jsonl déjà produites par cskg.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", metavar="DOSSIER", help="Dossier où écrire les résultats."),
    ] = Path("output"),
) -> None:
    """Lit des fiches et écrit actions.jsonl, actions.csv et parse-report.json.

    Statut de sortie : 0 toutes les fiches lues ; 1 des fiches rejetées ; 2 entrée illisible
    ou mauvais usage ; 4 aucune fiche lue (rien n'est remplacé, refused-report.json dit
    pourquoi).
    """
    with _reported(), _refusals():
        parsed, written = run_parse(files, output)
    _print_parse_summary(parsed, str(written[-1]))
    out.print("écrit : " + ", ".join(str(p) for p in written), markup=False)
    found = parsed.found
    if found.fiches_found != parsed.records + len(found.rejected):
        raise typer.Exit(EXIT_INTERNAL)  # the reader's promise; never expected to break
    raise typer.Exit(EXIT_REJECTED if found.rejected else EXIT_OK)


def _print_parse_summary(parsed: Parsed, report: str) -> None:
    found = parsed.found
    _print_diagnostics("avertissement", found.warnings, report)
    _print_diagnostics("rejet", found.rejected, report)
    out.print(
        f"{found.fiches_found} fiche(s) trouvée(s) : {parsed.records} lue(s), "
        f"{len(found.rejected)} rejetée(s), {len(found.warnings)} avertissement(s)",
        markup=False,
    )


@command()
def convert(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="FICHIER",
            help="Fiches au format texte, ou tables .csv / .jsonl produites par cskg parse.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="DOSSIER", help="Dossier où écrire le graphe et le rapport."
        ),
    ] = Path("output"),
    base_iri: Annotated[
        str,
        typer.Option(
            "--base-iri",
            metavar="IRI",
            help="Préfixe des IRI des actions, structures, organisations.",
        ),
    ] = DEFAULT_BASE_IRI,
    cog: CogOption = COG_DIR,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            metavar="N",
            show_default=False,
            help="Processus de validation, au moins 1 ; défaut : un par cœur.",
        ),
    ] = os.cpu_count() or 1,
    validator: Annotated[
        str,
        typer.Option(
            "--validator",
            metavar="rapide|pyshacl",
            help="Validateur SHACL : rapide (compilé) ou pyshacl.",
        ),
    ] = "rapide",
) -> None:
    """Convertit des fiches en graphe RDF validé : actions.ttl, .nt, .jsonld et report.json.

    Les fiches passent par lots (mémoire bornée), validés en parallèle sur --jobs processus.
    Les quatre fichiers sont remplacés ensemble, ou pas du tout.

    Statut de sortie : 0 graphe conforme ; 1 violations SHACL ou fiches rejetées ; 2 entrée
    illisible ou mauvais usage ; 4 aucune fiche convertie (la sortie précédente est gardée,
    refused-report.json dit pourquoi).
    """
    with _reported(), _refusals(), _progress("fiches converties") as advance:
        done = run_conversion(
            inputs,
            output,
            base_iri=base_iri,
            cog_dir=cog,
            jobs=jobs,
            validator=validator,
            progress=advance,
        )
    report = str(output / REPORT_NAME)
    _print_diagnostics("avertissement", done.parsed.warnings + done.graph.warnings, report)
    _print_diagnostics("rejet", done.parsed.rejected, report)
    for result in done.validation.violations[:SHOWN_DIAGNOSTICS]:
        err.print(
            f"violation SHACL ({result.constraint}) : {result.focus} {result.path} : "
            f"{result.message}",
            markup=False,
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
    if graph.organisation_types:
        by_type = sorted(graph.organisation_types.items(), key=lambda item: (-item[1], item[0]))
        out.print(
            "organisations par type : " + ", ".join(f"{kind} {n}" for kind, n in by_type),
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
            fiche = graph.value(node, rdflib.DCTERMS.source)
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
            severity = "violation" if result.severity == "Violation" else "avertissement"
            out.print(
                f"  {severity} ({result.constraint}) : {focus}{result.path} : "
                f"{result.message}{value}",
                markup=False,
            )
    _print_verdict(report)


@command()
def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FICHIER",
            help="Fichiers RDF (Turtle, N-Triples, JSON-LD) à valider.",
            show_default=False,
        ),
    ],
    shapes: Annotated[
        Path,
        typer.Option(
            "--shapes",
            metavar="FICHIER",
            show_default=False,
            help="Formes SHACL à appliquer ; défaut : shapes/cskg.shapes.ttl.",
        ),
    ] = SHAPES_FILE,
) -> None:
    """Valide des fichiers RDF avec les formes SHACL, ontologie et vocabulaires chargés.

    Le rapport est groupé par action, avec son titre et sa ligne dans la fiche source, et dit
    quelle contrainte chaque résultat enfreint.

    Statut de sortie : 0 conforme ; 1 violations ; 2 fichier illisible ou mauvais usage.
    """
    with _reported():
        graph = rdflib.Graph()
        for path in files:
            graph += parse_rdf(path)
        report = validate_graph(graph, shapes=parse_rdf(shapes))
    _print_validation(graph, report)
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_REJECTED)


@command()
def territory(
    labels: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="DÉPARTEMENT",
            help="Départements à résoudre, en nom ou en code.",
            show_default=False,
        ),
    ] = None,
    cog: CogOption = COG_DIR,
) -> None:
    """Affiche le COG utilisé (année, contenu) et décrit des territoires : départements
    (nom ou code), communes (code INSEE à cinq caractères), EPCI (SIREN à neuf chiffres),
    avec leur population, leurs codes postaux et leur EPCI quand le COG les a.

    Statut de sortie : 0 tout est résolu ; 1 un nom n'est pas résolu ; 2 COG illisible ou
    mauvais usage.
    """
    with _reported():
        index = load_cog(cog)
    out.print(describe_cog(index), markup=False)
    unresolved = 0
    for label in labels or []:
        found = describe_territory(index, label)
        unresolved += found is None
        out.print(found or f"« {label} » : inconnu ou ambigu ({_near(index, label)})", markup=False)
    raise typer.Exit(EXIT_REJECTED if unresolved else EXIT_OK)


def _near(index: Cog, label: str) -> str:
    near = ", ".join(index.resolve_departement(label).candidates) or "aucun nom proche"
    return f"proches : {near}"


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


def _print_table(results: ox.QuerySolutions | ox.QueryBoolean) -> None:
    if isinstance(results, ox.QueryBoolean):
        out.print("oui" if bool(results) else "non")
        return
    names = [v.value for v in results.variables]
    # cells fold onto several lines rather than being cut: an IRI is read whole
    table = Table(highlight=False)
    for name in names:
        table.add_column(name, overflow="fold")
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


def _say(message: str) -> None:
    """A note of a long step on stderr (standard output stays the answer)."""
    err.print(message, markup=False)


def _empty(results: ox.QuerySolutions | ox.QueryBoolean) -> bool:
    return isinstance(results, ox.QuerySolutions) and next(iter(results), None) is None


@command()
def query(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="REQUÊTE",
            help="Nom d'une requête de la bibliothèque, fichier .rq, ou - pour l'entrée standard.",
            show_default=False,
        ),
    ] = None,
    list_queries: Annotated[
        bool,
        typer.Option("--list", help="Liste les requêtes de la bibliothèque et leurs paramètres."),
    ] = False,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            metavar="CHEMIN",
            show_default=False,
            help="Dossier de sortie ou fichier RDF à interroger ; défaut : la sortie du dernier "
            "cskg convert lancé depuis ce dossier, sinon ./output.",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            metavar="DOSSIER",
            show_default=False,
            help="Dossier d'un magasin sur disque (celui de cskg serve --store convient) : "
            "chargé la première fois, réutilisé tant que les données n'ont pas changé ; sans "
            "cette option, des données d'un seul --data (ou la sortie par défaut) de plus de "
            "128 Mio sont gardées dans DONNÉES/.cskg-store/, les autres chargées en mémoire.",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", metavar="URL", help="URL d'un point d'accès SPARQL à interroger."
        ),
    ] = None,
    graph: Annotated[
        str,
        typer.Option(
            "--graph",
            metavar="IRI",
            help="Graphe nommé interrogé sur le point d'accès (celui que cskg publish "
            'remplit) ; "" pour le graphe par défaut du serveur.',
        ),
    ] = DEFAULT_GRAPH,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", metavar="NOM=VALEUR", help="Valeur d'un paramètre de la requête."),
    ] = None,
    fmt: Annotated[
        ResultFormat, typer.Option("--format", help="Sortie : table, csv, tsv ou json.")
    ] = ResultFormat.table,
) -> None:
    """Lance une requête SPARQL de la bibliothèque (ou un fichier .rq), en local ou à distance.

    Les paramètres sont liés comme des termes RDF, jamais collés tels quels dans la requête ;
    départements (nom ou code), libellés et noms sont lus comme le fait cskg convert, sans
    tenir compte de la casse ni des accents.

    Statut de sortie : 0 réussite ; 2 requête, paramètre, données ou point d'accès
    inutilisables.
    """
    with _reported():
        if list_queries:
            _print_library()
            raise typer.Exit(EXIT_OK)
        if name is None:
            raise UsageError("nommez une requête (cskg query --list les montre toutes)")
        chosen = load_query(name)
        values = parse_parameters(param or [])
        if endpoint and store is not None:
            raise UsageError("--store interroge des données locales : pas avec --endpoint")
        if endpoint:
            url = check_endpoint_url(endpoint)
            credentials = credentials_for(url)

            def run(text: str) -> ox.QuerySolutions | ox.QueryBoolean:
                return run_remote(text, url, graph=graph or None, credentials=credentials)

            err.print(f"données : {url}, graphe {graph or 'par défaut'}", markup=False)
        else:
            if data:
                chosen_data = list(data)
            else:
                choice = choose_data(None)
                _reading(choice)
                chosen_data = [choice.folder]
            graphs = [graph_file_of(path) for path in chosen_data]
            local, where = query_store(chosen_data, graphs, store=store, announce=_say)
            if where:
                err.print(where, markup=False)

            def run(text: str) -> ox.QuerySolutions | ox.QueryBoolean:
                return run_local(text, local)

        def select(text: str) -> list[dict[str, str]]:
            return solutions(run(text))

        resolver = Resolver(select)
        text = bind(chosen, values, resolver=resolver)
        results = kept(run(text))
        notes = list(resolver.notes)
        if _empty(results()):
            notes += absent_values(chosen, values, select)
            if endpoint and not select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"):
                notes.append(
                    f"le graphe {graph or 'par défaut'} est vide sur ce point d'accès : "
                    "publiez d'abord (cskg publish) ou choisissez --graph"
                )
    for note in notes:
        err.print(f"avertissement : {note}", markup=False)
    if fmt is ResultFormat.table:
        _print_table(results())
    else:
        sys.stdout.buffer.write(results_bytes(results(), fmt.value))
        sys.stdout.buffer.flush()
    raise typer.Exit(EXIT_OK)


def _print_library() -> None:
    for item in library():
        out.print(f"{item.name} : {item.question}", markup=False)
        for p in item.parameters.values():
            out.print(
                f"    --param {p.name}=…  {p.meaning} ; {p.help_fr} (défaut : {p.default})",
                markup=False,
            )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


DATA_HELP = (
    "Dossier de sortie (ou fichier RDF) ; défaut : la sortie du dernier cskg convert lancé "
    "depuis ce dossier, sinon ./output."
)


@command()
def serve(
    data: Annotated[
        Path | None,
        typer.Option("--data", metavar="CHEMIN", show_default=False, help=DATA_HELP),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            metavar="DOSSIER",
            help="Dossier d'un magasin persistant (réutilisé s'il est à jour, servi en "
            "lecture seule, lisible aussi par cskg query --store) ; sans cette option, les "
            "données sont chargées en mémoire.",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="Port d'écoute sur 127.0.0.1 (1 à 65535).")
    ] = 7878,
    site: Annotated[
        Path | None,
        typer.Option(
            "--site",
            metavar="DOSSIER",
            show_default=False,
            help="Dossier d'un site déjà écrit par cskg site, servi tel quel ; sans cette "
            "option, le site des données est écrit dans DONNÉES/.cskg-serve/ et réutilisé tant "
            "qu'elles n'ont pas changé.",
        ),
    ] = None,
    base_iri: SiteBaseOption = DEFAULT_SITE_BASE,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            metavar="N",
            help="Processus qui écrivent le site quand il doit l'être (même résultat).",
        ),
    ] = 2,
) -> None:
    """Sert le site des données (une page par IRI, en HTML, Turtle, JSON-LD et N-Triples par
    négociation de contenu), l'éditeur SPARQL et le point d'accès SPARQL /query (lecture seule).

    Chaque IRI https://w3id.org/cskg/<chemin> répond à http://127.0.0.1:PORT/<chemin> : une
    chose (id/…, vocab/…) par une redirection 303 vers le document choisi par l'en-tête
    Accept, un document (def, listes) directement ; <chemin>.ttl, .jsonld, .nt donnent un
    format précis. Le point d'accès tourne en mémoire par défaut (chargement à chaque
    démarrage, requêtes rapides) ; avec --store, le magasin est réutilisé tel quel quand les
    fichiers n'ont pas changé. Ctrl-C (ou SIGTERM) arrête le serveur proprement.

    Statut de sortie : 0 arrêt normal ; 2 données, port ou serveur inutilisables, ou mauvais
    usage ; 130 interrompu (Ctrl-C) avant de servir.
    """
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop, as Ctrl-C
    signal.signal(signal.SIGHUP, _interrupt)  # its terminal closed: the site's build stops too
    start = time.perf_counter()
    try:
        with _reported():
            if not 1 <= port <= 65535:
                raise UsageError(f"--port : un port va de 1 à 65535, pas {port}")
            if not port_is_free("127.0.0.1", port):
                raise UsageError(f"le port {port} de 127.0.0.1 est déjà pris : choisissez --port")
            if jobs < 1:
                raise UsageError(f"--jobs : au moins 1, pas {jobs}")
            if site is not None and not site.is_dir():
                raise InputError("dossier du site introuvable", path=str(site))
            choice = choose_data(data)
            _reading(choice)
            files = served_files(choice.folder)
            # the store of --store loaded here, before the site's build reads it from its own
            # process: once, told as loaded, and a Ctrl-C during the load is this process's,
            # which removes what the load wrote
            loaded = store is not None and not prepare_store(store, files, announce=_say)
            if site is None:
                folder = choice.folder if choice.folder.is_dir() else choice.folder.parent
                site, site_reused = cached_site(
                    folder / ".cskg-serve",
                    files,
                    lambda into: build_aside(
                        choice.folder, into, base=base_iri, jobs=jobs, store=store
                    ),
                    key=base_iri,
                )
                out.print(f"site {'réutilisé' if site_reused else 'écrit'} : {site}", markup=False)
            server, reused = serve_files(files, store=store, port=free_port(), announce=_say)
            reused = reused and not loaded
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot cut this short
        err.print(
            "interrompu : rien n'est servi, et le site en cours d'écriture est effacé "
            "(il sera écrit au prochain lancement)",
            markup=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    front = None
    try:  # from here on, Ctrl-C or SIGTERM at any moment stops the servers cleanly
        front = start_front(
            Site(site, sparql_page),
            upstream=(server.host, server.port),
            port=port,
            answers=AnswerCache(),  # a repeated query does not run again on these data
            data_fingerprint=fingerprint(files),
        )
        if store is None:
            seconds = time.perf_counter() - start
            where = f"en mémoire : {len(files)} fichiers en {seconds:.1f} s"
        else:
            where = f"{store} ({len(files)} fichiers)"
        out.print(f"magasin {'réutilisé' if reused else 'chargé'} {where}", markup=False)
        base = f"http://127.0.0.1:{port}"
        out.print(f"site : {base}/", markup=False)
        out.print(f"point d'accès SPARQL : {base}/query", markup=False)
        out.print(f"éditeur SPARQL : {base}/sparql/", markup=False)
        out.print("Ctrl-C pour arrêter", markup=False)
        server.process.wait()
        err.print("erreur : le serveur SPARQL s'est arrêté", markup=False)
        raise typer.Exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        pass
    finally:
        if front is not None:
            front.shutdown()
            front.server_close()
        server.stop()
    out.print("serveur arrêté", markup=False)
    raise typer.Exit(EXIT_OK)


@command()
def publish(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="URL du point d'accès SPARQL (requêtes).",
            show_default=False,
        ),
    ],
    graph: Annotated[
        str,
        typer.Option(
            "--graph",
            metavar="IRI",
            help="IRI du graphe nommé à remplacer (celui que cskg query --endpoint lit).",
        ),
    ] = DEFAULT_GRAPH,
    data: Annotated[
        Path | None,
        typer.Option("--data", metavar="CHEMIN", show_default=False, help=DATA_HELP),
    ] = None,
    update_url: Annotated[
        str | None,
        typer.Option(
            "--update", metavar="URL", help="URL de mise à jour SPARQL, si elle n'est pas devinée."
        ),
    ] = None,
    store_url: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            metavar="URL",
            help='URL du Graph Store HTTP, si elle n\'est pas devinée ; "" : le serveur '
            "n'en a pas (chargement par lots SPARQL Update).",
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", metavar="SECONDES", help="Délai d'attente par requête."),
    ] = 60,
) -> None:
    """Publie la sortie (avec ontologie et vocabulaires) dans un graphe nommé, remplacé d'un coup.

    Identifiants : variables CSKG_ENDPOINT_USER et CSKG_ENDPOINT_PASSWORD, ou ~/.netrc ;
    envoyés en Basic, ou en Digest au serveur qui le demande (Virtuoso : /sparql-auth).

    Statut de sortie : 0 publié et vérifié ; 2 données, point d'accès ou publication en échec
    (le graphe publié garde alors sa version précédente), ou mauvais usage.
    """
    with _reported():
        if timeout <= 0:
            raise UsageError(f"--timeout : un délai positif en secondes, pas {timeout:g}")
        if update_url is not None:
            check_endpoint_url(update_url, option="--update")
        if store_url:  # "" : no Graph Store, SPARQL Update batches
            check_endpoint_url(store_url, option="--graph-store")
        target = Endpoint.from_url(endpoint, update=update_url, store=store_url, timeout=timeout)
        choice = choose_data(data)
        _reading(choice)
        done = run_publish(choice.folder, target, graph)
    method = "Graph Store HTTP" if done.method == "graph-store" else "SPARQL Update par lots"
    out.print(
        f"publié : {done.triples} triplets dans <{done.graph}> ({method}, "
        f"{done.retries} nouvel(s) essai(s)), compte vérifié sur le serveur",
        markup=False,
    )
    raise typer.Exit(EXIT_OK)


@command()
def release(
    output: Annotated[
        Path,
        typer.Option("-o", "--output", metavar="DOSSIER", help="Dossier de la publication."),
    ] = Path("output") / "release",
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DOSSIER",
            show_default=False,
            help="Dossier de sortie de cskg convert ; défaut : celle du dernier cskg convert "
            "lancé depuis ce dossier, sinon ./output.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", metavar="FICHIER", help="Fichier de configuration (défaut : release.toml)."
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", metavar="URL", help="URL où les fichiers seront téléchargeables."
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", metavar="URL", help="URL du point d'accès SPARQL (ajoute un DataService)."
        ),
    ] = None,
    licence: Annotated[
        str | None, typer.Option("--licence", metavar="IRI", help="IRI de la licence.")
    ] = None,
    issued: Annotated[
        str | None,
        typer.Option("--issued", metavar="DATE", help="Date de publication AAAA-MM-JJ, ou today."),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            metavar="DOSSIER",
            help="Publication précédente : écrit changements.md et .csv.",
        ),
    ] = None,
    release_version: Annotated[
        str | None,
        typer.Option(
            "--release-version", metavar="VERSION", help="Numéro de version (dcat:version)."
        ),
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
        choice = choose_data(data)
        _reading(choice)
        done = run_release(choice.folder, output, settings, previous, announce=_say)
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


@command()
def site(
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", metavar="DOSSIER", help="Dossier du site (remplacé d'un coup)."
        ),
    ] = Path("output") / "site",
    data: Annotated[
        Path | None,
        typer.Option("--data", metavar="CHEMIN", show_default=False, help=DATA_HELP),
    ] = None,
    base_iri: SiteBaseOption = DEFAULT_SITE_BASE,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", metavar="N", help="Processus qui écrivent les pages (même résultat)."
        ),
    ] = 2,
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="Point d'accès SPARQL qu'interroge la page sparql/ du site (défaut : /query "
            "du même serveur, comme cskg serve).",
        ),
    ] = SPARQL_ENDPOINT,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            metavar="URL",
            show_default=False,
            help="Adresse où le site sera publié : avec une --base-iri de w3id.org, écrit "
            "aussi redirections/w3id.htaccess, les règles à proposer à w3id.org.",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            metavar="DOSSIER",
            show_default=False,
            help="Dossier d'un magasin sur disque (celui de cskg serve --store ou de cskg "
            "query --store convient) : chargé la première fois, réutilisé tant que les données "
            "n'ont pas changé ; sans cette option, des données de plus de 128 Mio sont lues "
            "depuis DONNÉES/.cskg-store/, les autres chargées en mémoire.",
        ),
    ] = None,
) -> None:
    """Écrit le site statique : une page et sa description en Turtle, JSON-LD et N-Triples
    pour chaque IRI du graphe, l'accueil (chiffres, cartes, graphiques), la liste des actions
    avec facettes et recherche (sans serveur), la page SPARQL, un plan du site (sitemap.xml)
    et les règles de redirection (redirections/nginx.conf, et w3id.htaccess avec --public-url).

    Le site est écrit à côté puis mis en place d'un coup : une construction qui échoue laisse
    le site précédent intact. Statut de sortie : 0 site écrit ; 2 données ou dossier
    inutilisables, ou mauvais usage.
    """
    start = time.perf_counter()
    with _reported():
        choice = choose_data(data)
        _reading(choice)
        if public_url is not None:
            check_endpoint_url(public_url, option="--public-url")
        if not endpoint.startswith("/"):  # a path of the same server, or an absolute URL
            check_endpoint_url(endpoint)

        def serving(folder: Path, build: SiteBuild) -> int:
            written = write_serving_files(
                folder, base=build.base, publish_url=public_url, endpoint=endpoint
            )
            return len(written)

        done = build_site(
            choice.folder,
            output,
            base=base_iri,
            jobs=jobs,
            writers=[serving],
            store_path=store,
            announce=_say,
        )
    seconds = time.perf_counter() - start
    out.print(
        f"site : {output} ({len(done.documents)} ressources, {done.files} fichiers) en "
        f"{seconds:.1f} s ; ouvrez {output / 'index.html'}",
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
