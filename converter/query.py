"""The SPARQL query library (``queries/*.rq``), run on local files or on a remote endpoint.

A query declares its parameters in its opening comment block, one per line::

    #   ?departement  texte  "46"  code INSEE du département / INSEE code of the département

and holds one ``VALUES ?departement { "46" }`` block with the default. Binding a parameter
replaces that block's content with an RDF term written by ``sparql_term``, the one place where
user text becomes SPARQL: values never reach the query text unescaped.
"""

from __future__ import annotations

import functools
import re
import urllib.error
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from converter.errors import InputError, RemoteError, UsageError, missing_output
from converter.paths import ONTOLOGY_FILE, QUERIES_DIR
from converter.vocab import vocabulary_files

PARAMETER_LINE = re.compile(
    r'^#\s+\?(?P<name>\w+)\s+(?P<kind>texte|entier|iri|libelle|titre-ou-iri)\s+(?P<default>"[^"]*"|\S+)\s+(?P<help>.+)$'
)
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # texte, entier, iri, libelle or titre-ou-iri
    default: str  # as written in the query, a SPARQL term
    help: str


@dataclass(frozen=True)
class LibraryQuery:
    name: str
    path: Path
    question: str  # in French
    question_en: str
    parameters: dict[str, Parameter]
    text: str


def sparql_term(kind: str, value: str) -> str:
    r"""``value`` written as SPARQL for a ``VALUES`` block of ``kind``: the one escaping function.

    ``texte`` is a string literal, ``entier`` an integer, ``iri`` an IRI. ``libelle`` is a
    label in each form the graph may hold it: the string, and the string tagged ``@fr``;
    ``titre-ou-iri`` adds the IRI when the value is an absolute IRI. Each form is a term the
    query finds through the store's index, where comparing ``STR()`` would scan every value.

    >>> sparql_term("texte", 'a "b"} ; DROP ALL ; {\\')
    '"a \\"b\\"} ; DROP ALL ; {\\\\"'
    >>> sparql_term("entier", "2018"), sparql_term("iri", "https://example.org/a")
    ('2018', '<https://example.org/a>')
    >>> print(sparql_term("libelle", "Fête"))
    "Fête" "Fête"@fr
    >>> print(sparql_term("titre-ou-iri", "https://example.org/a"))
    "https://example.org/a" "https://example.org/a"@fr <https://example.org/a>

    :raises UsageError: the value is not of its kind.
    """
    if kind == "entier":
        if not re.fullmatch(r"[+-]?[0-9]{1,30}", value.strip()):
            raise UsageError(f"entier attendu (30 chiffres au plus), pas « {value[:40]} »")
        return str(int(value))
    if kind == "iri":
        if not _is_absolute_iri(value):
            raise UsageError(f"IRI absolue attendue, pas « {value} »")
        return f"<{value}>"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("texte invalide (caractère non codable)") from None
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if kind == "texte":
        return f'"{escaped}"'
    forms = [f'"{escaped}"', f'"{escaped}"@fr']
    if kind == "titre-ou-iri" and _is_absolute_iri(value):
        forms.append(f"<{value}>")
    return " ".join(forms)


def _is_absolute_iri(value: str) -> bool:
    return bool(_ABSOLUTE_IRI.fullmatch(value)) and not _IRI_FORBIDDEN.search(value)


def _read(path: Path) -> LibraryQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"requête illisible ({error})", path=str(path)) from None
    comments = [line for line in text.splitlines() if line.startswith("#")]
    questions = [
        line.split(":", 1)[1].strip() for line in comments if line.startswith("# Question")
    ]
    parameters = {}
    for line in comments:
        match = PARAMETER_LINE.match(line)
        if match:
            parameter = Parameter(**match.groupdict())
            parameters[parameter.name] = parameter
    return LibraryQuery(
        name=path.stem,
        path=path,
        question=questions[0] if questions else "",
        question_en=questions[1] if len(questions) > 1 else "",
        parameters=parameters,
        text=text,
    )


@functools.cache
def library(folder: Path = QUERIES_DIR) -> list[LibraryQuery]:
    """Every query of the library, by name."""
    return [_read(path) for path in sorted(folder.glob("*.rq"))]


def load_query(name_or_path: str) -> LibraryQuery:
    """A library query by name, or any ``.rq`` file.

    :raises UsageError: no such query (the message lists the library).
    """
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return _read(path)
    for query in library():
        if query.name == name_or_path:
            return query
    names = ", ".join(q.name for q in library())
    raise UsageError(f"requête inconnue « {name_or_path} » ; requêtes : {names}")


def bind(query: LibraryQuery, values: Mapping[str, str]) -> str:
    """The query text with each given parameter's ``VALUES`` block set to the given value.

    :raises UsageError: unknown parameter, value of the wrong kind, or no VALUES block for it.
    """
    text = query.text
    for name, value in values.items():
        parameter = query.parameters.get(name)
        if parameter is None:
            known = ", ".join(query.parameters) or "aucun"
            raise UsageError(
                f"paramètre inconnu « {name} » pour {query.name} ; paramètres : {known}"
            )
        block = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}")
        found = list(block.finditer(text))
        if len(found) != 1:
            raise UsageError(f"{query.path} : il faut un seul bloc VALUES ?{name} {{ … }}")
        term = sparql_term(parameter.kind, value)
        start, end = found[0].span()
        text = f"{text[:start]}VALUES ?{name} {{ {term} }}{text[end:]}"
    return text


def parse_parameters(pairs: Iterable[str]) -> dict[str, str]:
    """``name=value`` pairs from the command line.

    :raises UsageError: a pair without "=".
    """
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"paramètre attendu sous la forme nom=valeur, pas « {pair} »")
        values[name.strip().lstrip("?")] = value
    return values


@contextmanager
def reading_rdf(path: Path) -> Iterator[ox.RdfFormat]:
    """The RDF format of ``path``, named by its suffix; reading errors in the block name the file.

    :raises InputError: the suffix is unknown, or the file is missing or is not valid RDF.
    """
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"format RDF inconnu ({', '.join(RDF_SUFFIXES)})", path=str(path))
    try:
        yield fmt
    except FileNotFoundError:
        raise missing_output(path) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(f"RDF illisible ({error})", path=str(path)) from None


def local_store(data: Iterable[Path]) -> ox.Store:
    """An in-memory store with ``data``, the ontology and the vocabularies.

    :raises InputError: a file is missing or is not valid RDF.
    """
    store = ox.Store()
    for path in (*data, ONTOLOGY_FILE, *vocabulary_files()):
        with reading_rdf(path) as fmt:
            store.bulk_load(path=str(path), format=fmt)
    return store


def run_local(text: str, store: ox.Store) -> ox.QuerySolutions | ox.QueryBoolean:
    """:raises UsageError: the query is not valid SPARQL, or is not a SELECT or ASK query."""
    try:
        results = store.query(text)
    except SyntaxError as error:
        raise UsageError(f"requête SPARQL invalide ({error})") from None
    if isinstance(results, ox.QueryTriples):
        raise UsageError("seules les requêtes SELECT et ASK sont prises en charge")
    return results


def run_remote(
    text: str,
    endpoint: str,
    *,
    graph: str | None = None,
    credentials: tuple[str, str] | None = None,
    timeout: float = 60,
) -> ox.QuerySolutions | ox.QueryBoolean:
    """Run ``text`` on a SPARQL 1.1 endpoint through SPARQLWrapper (JSON results).

    :raises RemoteError: the endpoint cannot be reached or answers with an error.
    """
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper import SPARQLExceptions as errors

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    if graph:
        client.addDefaultGraph(graph)
    if credentials:
        client.setCredentials(*credentials)
    try:
        response = client.query().response
        data = response.read()
    except errors.Unauthorized:
        raise RemoteError("accès refusé (401) : vérifiez les identifiants", path=endpoint) from None
    except errors.EndPointNotFound:
        raise RemoteError("point d'accès introuvable (404)", path=endpoint) from None
    except errors.QueryBadFormed as error:
        raise RemoteError(
            f"requête refusée par le serveur (400) : {_first_line(error)}", path=endpoint
        ) from None
    except errors.SPARQLWrapperException as error:
        raise RemoteError(f"erreur du serveur : {_first_line(error)}", path=endpoint) from None
    except urllib.error.HTTPError as error:
        raise RemoteError(f"erreur HTTP {error.code} ({error.reason})", path=endpoint) from None
    except (urllib.error.URLError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise RemoteError(f"serveur injoignable ({reason})", path=endpoint) from None
    except TimeoutError:
        raise RemoteError(f"pas de réponse en {timeout:g} s", path=endpoint) from None
    try:
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as error:
        raise RemoteError(f"réponse illisible ({error})", path=endpoint) from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def results_bytes(results: ox.QuerySolutions | ox.QueryBoolean, fmt: str) -> bytes:
    """``results`` in the SPARQL 1.1 results format ``fmt`` (csv, tsv or json)."""
    data = results.serialize(format=RESULT_FORMATS[fmt])
    assert data is not None
    return data
