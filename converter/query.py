"""The SPARQL query library (``queries/*.rq``), run on local files or on a remote endpoint.

A query declares its parameters in its opening comment block, one per line::

    #   ?departement  texte  "46"  code INSEE du département / INSEE code of the département

and holds one ``VALUES ?departement { "46" }`` block with the default. Binding a parameter
replaces that block's content with an RDF term written by ``sparql_term``, the one place where
user text becomes SPARQL: values never reach the query text unescaped.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from converter.errors import InputError, RemoteError, UsageError, reason
from converter.paths import ONTOLOGY_FILE, QUERIES_DIR
from converter.remote import auth_scheme
from converter.serialise import reading_rdf
from converter.territory import load_cog
from converter.text import fold
from converter.vocab import ORG, SKOS, VOCAB, vocabulary_files

PARAMETER_LINE = re.compile(
    r'^#\s+\?(?P<name>\w+)\s+(?P<kind>texte|entier|iri|libelle|titre-ou-iri|departement|concept:[a-z-]+)\s+(?P<default>"[^"]*"|\S+)\s+(?P<help>.+)$'
)
# What each kind of parameter takes, for ``cskg query --list``.
KINDS = {
    "texte": "texte exact",
    "entier": "nombre entier",
    "iri": "IRI absolue",
    "libelle": "nom d'organisation, sans tenir compte de la casse ni des accents",
    "titre-ou-iri": "titre exact ou IRI",
    "departement": "département, par son nom ou son code INSEE",
    "concept": "libellé du vocabulaire, sans tenir compte de la casse ni des accents",
}
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # texte, entier, iri, libelle, titre-ou-iri, departement or concept:<scheme>
    default: str  # as written in the query, a SPARQL term
    help: str

    @property
    def meaning(self) -> str:
        """What the parameter takes, in French (``--list``)."""
        kind, _, scheme = self.kind.partition(":")
        return KINDS[kind] + (f" « {scheme} »" if scheme else "")

    @property
    def help_fr(self) -> str:
        return self.help.split(" / ")[0]


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
    if kind == "texte" or kind == "departement" or kind.startswith("concept:"):
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
    except UnicodeDecodeError:
        raise InputError("requête illisible (pas en UTF-8)", path=str(path)) from None
    except OSError as error:
        raise InputError(f"requête illisible ({reason(error)})", path=str(path)) from None
    return _parse(path.stem, path, text)


def _parse(name: str, path: Path, text: str) -> LibraryQuery:
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
        name=name,
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
    """A library query by name, any ``.rq`` file, or ``-`` for standard input.

    :raises InputError: a file that does not exist or cannot be read.
    :raises UsageError: no query of that name (the message suggests the closest names).
    """
    if name_or_path == "-":
        text = sys.stdin.read()
        return _parse("entrée standard", Path("-"), text)
    path = Path(name_or_path)
    if path.suffix == ".rq" or "/" in name_or_path or path.exists():
        if path.is_dir():
            raise InputError("c'est un dossier, pas une requête .rq", path=str(path))
        if not path.exists():
            raise InputError("fichier de requête introuvable", path=str(path))
        return _read(path)
    names = [q.name for q in library()]
    for query in library():
        if query.name == name_or_path:
            return query
    close = difflib.get_close_matches(name_or_path, names, n=3, cutoff=0.6)
    hint = f"vouliez-vous dire {' ou '.join(close)} ?" if close else "cskg query --list les montre"
    raise UsageError(f"requête inconnue « {name_or_path} » ; {hint}")


Select = Callable[[str], list[dict[str, str]]]


def solutions(results: ox.QuerySolutions | ox.QueryBoolean) -> list[dict[str, str]]:
    """The rows of a SELECT result, each value as its lexical form or IRI."""
    if isinstance(results, ox.QueryBoolean):
        return []
    names = [v.value for v in results.variables]
    return [{n: term.value for n in names if (term := row[n]) is not None} for row in results]


@dataclass
class Resolver:
    """Reads parameter values as the converter reads fiches: a département by its name or
    code (COG), a vocabulary label or an organisation name ignoring case and accents, looked
    up in the data queried (``select`` runs a SELECT on it); ``notes`` collects what the user
    should be told (a value that matches nothing, with the closest ones)."""

    select: Select
    notes: list[str] = field(default_factory=list)

    def term(self, parameter: Parameter, value: str) -> str:
        """The SPARQL term(s) for ``value``, every one written by ``sparql_term``.

        :raises UsageError: a département that the COG does not know.
        """
        kind = parameter.kind
        if kind == "departement":
            return sparql_term("texte", self._departement(parameter, value))
        if kind.startswith("concept:") and value != "*":
            scheme = VOCAB + kind.partition(":")[2]
            found = self._lookup(
                f"PREFIX skos: <{SKOS}> SELECT DISTINCT ?x ?label WHERE {{ "
                f"?x skos:inScheme {sparql_term('iri', scheme)} ; "
                "skos:prefLabel|skos:altLabel ?label }",
                parameter,
                value,
            )
            return " ".join(sparql_term("iri", x) for x in found) or sparql_term(kind, value)
        if kind == "libelle":
            found = self._lookup(
                f"PREFIX skos: <{SKOS}> PREFIX org: <{ORG}> SELECT DISTINCT ?label WHERE {{ "
                "?o a org:Organization ; skos:prefLabel|skos:altLabel ?label }",
                parameter,
                value,
            )
            return " ".join(sparql_term(kind, x) for x in found) or sparql_term(kind, value)
        return sparql_term(kind, value)

    def _departement(self, parameter: Parameter, value: str) -> str:
        found = load_cog().resolve_departement(value)
        if found.departement is None:
            near = ", ".join(found.candidates) or "aucun nom proche"
            raise UsageError(
                f"--param {parameter.name} : département inconnu ou ambigu « {value} » "
                f"(proches : {near})"
            )
        return found.departement.code

    def _lookup(self, text: str, parameter: Parameter, value: str) -> list[str]:
        """The ``?x`` of the rows whose ``?label`` folds as ``value`` does, sorted."""
        rows = self.select(text)
        key = fold(value)
        found = sorted(
            {row.get("x", row["label"]) for row in rows if fold(row.get("label", "")) == key}
        )
        if not found:
            labels = sorted({row["label"] for row in rows if "label" in row})
            close: dict[str, str] = {}
            for label in difflib.get_close_matches(value, labels, n=6, cutoff=0.5):
                close.setdefault(fold(label), label)  # one spelling of each label
            near = f" ; proches : {', '.join(list(close.values())[:3])}" if close else ""
            self.notes.append(
                f"--param {parameter.name} : « {value} » ne correspond à rien dans les "
                f"données{near}"
            )
        return found


def bind(
    query: LibraryQuery, values: Mapping[str, str], *, resolver: Resolver | None = None
) -> str:
    """The query text with each given parameter's ``VALUES`` block set to the given value
    (read by ``resolver`` when there is one, else taken as written).

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
        if resolver is not None:
            term = resolver.term(parameter, value)
        else:
            term = sparql_term(parameter.kind, value)
        start, end = found[0].span()
        text = f"{text[:start]}VALUES ?{name} {{ {term} }}{text[end:]}"
    return text


RESOLVED_KINDS = ("departement", "libelle")  # and concept:<scheme>: read by ``Resolver``


def absent_values(query: LibraryQuery, values: Mapping[str, str], select: Select) -> list[str]:
    """Notes on the values given that appear nowhere in the data (asked when a query found
    nothing, so that a typo is told apart from an empty answer). Numbers, ``*`` and the kinds
    ``Resolver`` reads (it tells of those itself) are not asked about."""
    notes = []
    for name, value in values.items():
        parameter = query.parameters.get(name)
        kind = parameter.kind if parameter else "entier"
        if kind in ("entier", *RESOLVED_KINDS) or kind.startswith("concept:") or value == "*":
            continue
        term = sparql_term(kind, value)
        found = select(
            f"SELECT ?x WHERE {{ VALUES ?v {{ {term} }} {{ ?x ?p ?v }} UNION {{ ?v ?p ?x }} }} "
            "LIMIT 1"
        )
        if not found:
            notes.append(f"--param {name} : « {value} » ne figure nulle part dans les données")
    return notes


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


def local_store(data: Iterable[Path]) -> ox.Store:
    """An in-memory store with ``data``, the ontology and the vocabularies.

    Loaded in one transaction per file (``Store.load``): for an in-memory store pyoxigraph's
    ``bulk_load`` took 1.3 times as long and 6 % more memory at 100,000 actions
    (``benchmarks/RESULTS.md``).

    :raises InputError: a file is missing or is not valid RDF.
    """
    store = ox.Store()
    for path in (*data, ONTOLOGY_FILE, *vocabulary_files()):
        with reading_rdf(path) as fmt:
            store.load(path=str(path), format=fmt)
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

    The query goes as a form-encoded POST (``query=``, ``default-graph-uri=``), the form that
    SPARQL 1.1 Protocol requires every server to take (Virtuoso never answers a POST of
    ``application/sparql-query``). Credentials go as Basic, or as Digest when the endpoint
    asks it (``remote.auth_scheme``, probed once: Virtuoso's ``/sparql-auth``). SPARQLWrapper
    does Digest by installing a process-wide urllib opener; it is removed after the query so
    that no later request answers a challenge with these credentials.

    :raises RemoteError: the endpoint cannot be reached or answers with an error.
    """
    from SPARQLWrapper import DIGEST, JSON, POST, URLENCODED, SPARQLWrapper
    from SPARQLWrapper import SPARQLExceptions as errors

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setReturnFormat(JSON)
    client.setTimeout(int(timeout))
    if graph:
        client.addDefaultGraph(graph)
    digest = False
    if credentials:
        scheme, realm = auth_scheme(endpoint, timeout=timeout)
        if scheme == "digest":
            digest = True
            client.setHTTPAuth(DIGEST)
            client.setCredentials(*credentials, realm=realm)
        else:
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
    finally:
        if digest:
            urllib.request.install_opener(None)
    try:
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as error:
        raise RemoteError(f"réponse illisible ({error})", path=endpoint) from None


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def results_bytes(results: ox.QuerySolutions | ox.QueryBoolean, fmt: str) -> bytes:
    """``results`` in the SPARQL 1.1 results format ``fmt`` (csv, tsv or json), ending with a
    line end as text files do."""
    data = results.serialize(format=RESULT_FORMATS[fmt])
    assert data is not None
    return data if data.endswith(b"\n") else data + b"\n"


def kept(
    results: ox.QuerySolutions | ox.QueryBoolean,
) -> Callable[[], ox.QuerySolutions | ox.QueryBoolean]:
    """``results``, which can be read once only, made readable again and again."""
    data = results.serialize(format=ox.QueryResultsFormat.JSON)
    assert data is not None
    return lambda: ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
