"""A compiled SHACL Core validator for the shapes cskg uses: the fast path of ``cskg convert``.

pyshacl validates about 9,000 triples/s on ``shapes/cskg.shapes.ttl``: too slow for the
national volumes (issue 7). This module reads the shapes once, compiles each constraint to a
Python check over an index of the data (subject -> predicate -> values), and reports results in
the same form as ``validation.validate_graph``. It implements only the constraint components
the shapes use, and refuses shapes with any other (``UnsupportedShape``): a silent gap is not an
option. Tests run both validators on the seed, on every broken-graph case of
``tests/test_shapes.py`` and on generated data, and require the same results.

Known limit: a result's value is the literal as written, where pyshacl reports rdflib's
normalised form ("+3"^^xsd:integer is "+3" here, "3" there). The mapping only writes canonical
literals, so ``cskg convert`` never meets the difference.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from converter.errors import InputError
from converter.paths import SHAPES_FILE
from converter.serialise import LANG_STRING, literal_tags, parse_nt_literal, split_ntriples
from converter.validation import ShaclResult, ValidationReport, schema_graph

Term = str  # an RDF term in N-Triples form
# The components implemented; any other in the shapes is refused.
SUPPORTED = {
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.languageIn, SH.node, SH["in"],
    SH.pattern, SH.minInclusive, SH.lessThanOrEquals, SH.equals, SH["not"], SH["or"],
    SH.hasValue, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
}  # fmt: skip
IGNORED = {SH.path, SH.name, SH.message, SH.severity, SH.description, SH.order, SH.property,
           SH.targetClass, SH.targetSubjectsOf, RDF.type, RDFS.label, RDFS.comment}  # fmt: skip
SEVERITIES = {str(SH.Violation): "Violation", str(SH.Warning): "Warning", str(SH.Info): "Info"}
LEXICAL = {
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.positiveInteger): re.compile(r"\+?0*[1-9]\d*"),
    str(XSD.nonNegativeInteger): re.compile(r"\+?\d+"),
    str(XSD.decimal): re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)"),
}
NUMERIC = {
    str(XSD.integer),
    str(XSD.decimal),
    str(XSD.positiveInteger),
    str(XSD.nonNegativeInteger),
}
TYPE, SUBCLASS = str(RDF.type), str(RDFS.subClassOf)


class UnsupportedShape(InputError):
    """The shapes use a SHACL feature this validator does not implement."""


class Data:
    """An index of a graph for validation: values by subject and predicate, classes.

    Terms are N-Triples strings ("<iri>", "_:b", "\"texte\"@fr"): Python strings hash once
    and compare fast, where library terms are rebuilt and rehashed at each access.
    Predicates are IRIs without brackets, as the compiled shapes name them.
    """

    def __init__(self, triples: Iterable[tuple[Term, str, Term]]) -> None:
        self.out: dict[Term, dict[str, list[Term]]] = {}
        self.subjects_of: dict[str, list[Term]] = {}
        self.typed: dict[Term, set[Term]] = {}  # class -> nodes declared of that class
        out, subjects_of, typed = self.out, self.subjects_of, self.typed
        for subject, predicate, obj in triples:
            values = out.get(subject)
            if values is None:
                values = out[subject] = {}
            found = values.get(predicate)
            if found is None:
                values[predicate] = [obj]
                subjects_of.setdefault(predicate, []).append(subject)
            else:
                found.append(obj)
            if predicate == TYPE:
                typed.setdefault(obj, set()).add(subject)
        self.subclasses: dict[Term, set[Term]] = {}  # class -> itself and all its subclasses
        self.direct: dict[Term, set[Term]] = {}
        for subject in self.subjects_of.get(SUBCLASS, []):
            for parent in self.values(subject, SUBCLASS):
                self.direct.setdefault(parent, set()).add(subject)

    def values(self, node: Term, predicate: str) -> list[Term]:
        return self.out.get(node, {}).get(predicate, [])

    def below(self, cls: Term) -> set[Term]:
        found = self.subclasses.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for child in self.direct.get(todo.pop(), ()):
                    if child not in found:
                        found.add(child)
                        todo.append(child)
            self.subclasses[cls] = found
        return found

    def is_instance(self, node: Term, cls: Term) -> bool:
        kinds = self.below(cls)
        return any(t in kinds for t in self.values(node, TYPE))

    def instances(self, cls: Term) -> set[Term]:
        found: set[Term] = set()
        for kind in self.below(cls):
            found |= self.typed.get(kind, set())
        return found


def read_lines(ntriples: bytes) -> Iterator[tuple[Term, str, Term]]:
    """The triples of N-Triples lines (``serialise.split_ntriples``) as ``Data`` reads them."""
    return ((s, p[1:-1], o) for s, p, o in split_ntriples(ntriples))


def from_library(triples: Iterable[ox.Triple | ox.Quad]) -> Iterator[tuple[Term, str, Term]]:
    """Library triples (or quads, graph ignored) as ``Data`` reads them."""
    for t in triples:
        yield str(t.subject), t.predicate.value, str(t.object)


def _term(node: rdflib.term.Node) -> Term:
    """A term of the shapes or the schema, in N-Triples form."""
    if isinstance(node, rdflib.URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, rdflib.Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string))))
    raise UnsupportedShape(f"valeur de forme non prise en charge : {node}")


def _text(term: Term) -> str:
    """What a result shows of a term: an IRI or a literal's lexical form, a blank node's id."""
    if term.startswith("<"):
        return term[1:-1]
    found = parse_nt_literal(term)
    return term[2:] if found is None else found[0]


def _number(term: Term) -> Decimal | None:
    found = parse_nt_literal(term)
    if found is not None and found[2] in NUMERIC:
        try:
            return Decimal(found[0])
        except InvalidOperation:
            return None
    return None


# A check takes the data, the focus node and its values; it yields (value or None) per failure.
Check = Callable[[Data, Term, list[Term]], list[Term | None]]


@dataclass
class Shape:
    """A compiled shape: checks on the focus node itself, and property shapes."""

    iri: str
    severity: str = "Violation"
    message: str = ""
    path: tuple[str, ...] = ()  # empty for a node shape
    checks: list[tuple[str, Check]] = field(default_factory=list)  # (component, check)
    properties: list[Shape] = field(default_factory=list)
    targets_class: list[str] = field(default_factory=list)
    targets_subjects_of: list[str] = field(default_factory=list)

    def values(self, data: Data, focus: Term) -> list[Term]:
        if len(self.path) == 1:  # the common case, without the set logic of longer paths
            nodes = data.values(focus, self.path[0])  # the index's own list: read only
            return nodes if len(nodes) < 2 else list(dict.fromkeys(nodes))
        nodes = [focus]
        for predicate in self.path:
            nodes = list(dict.fromkeys(v for n in nodes for v in data.values(n, predicate)))
        return nodes

    def conforms(self, data: Data, focus: Term) -> bool:
        """``failures`` is empty, decided at the first one (nested shapes ask it a lot)."""
        values = self.values(data, focus) if self.path else [focus]
        for _, check in self.checks:
            if check(data, focus, values):
                return False
        return all(prop.conforms(data, node) for prop in self.properties for node in values)

    def failures(self, data: Data, focus: Term) -> list[tuple[Shape, str, Term | None]]:
        found: list[tuple[Shape, str, Term | None]] = []
        self._failures(data, focus, found)
        return found

    def _failures(
        self, data: Data, focus: Term, found: list[tuple[Shape, str, Term | None]]
    ) -> None:
        values = self.values(data, focus) if self.path else [focus]
        for component, check in self.checks:
            for value in check(data, focus, values):
                found.append((self, component, value))
        for prop in self.properties:
            for node in values:
                prop._failures(data, node, found)


class Compiler:
    """Reads a shapes graph into ``Shape`` objects."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self.shapes: dict[rdflib.term.Node, Shape] = {}

    def path(self, node: rdflib.term.Node) -> tuple[str, ...]:
        if isinstance(node, rdflib.URIRef):
            return (str(node),)
        if (node, RDF.first, None) in self.graph:
            items = list(rdflib.collection.Collection(self.graph, node))
            if all(isinstance(i, rdflib.URIRef) for i in items):
                return tuple(str(i) for i in items)
        raise UnsupportedShape(f"chemin SHACL non pris en charge : {node}")

    def shape(self, node: rdflib.term.Node) -> Shape:
        if node in self.shapes:
            return self.shapes[node]
        g = self.graph
        messages = sorted(
            g.objects(node, SH.message), key=lambda m: (getattr(m, "language", "") != "fr", str(m))
        )
        shape = Shape(
            iri=str(node) if isinstance(node, rdflib.URIRef) else "",
            severity=SEVERITIES.get(str(g.value(node, SH.severity)), "Violation"),
            message=str(messages[0]) if messages else "",
        )
        self.shapes[node] = shape
        path = g.value(node, SH.path)
        if path is not None:
            shape.path = self.path(path)
        for predicate in set(g.predicates(node, None)):
            if predicate not in SUPPORTED | IGNORED:
                raise UnsupportedShape(f"composant SHACL non pris en charge : {predicate} ({node})")
        shape.targets_class = [str(c) for c in g.objects(node, SH.targetClass)]
        shape.targets_subjects_of = [str(p) for p in g.objects(node, SH.targetSubjectsOf)]
        shape.checks = self.checks(node, shape)
        shape.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        return shape

    def checks(self, node: rdflib.term.Node, shape: Shape) -> list[tuple[str, Check]]:
        g = self.graph
        checks: list[tuple[str, Check]] = []

        def one(predicate: rdflib.URIRef) -> rdflib.term.Node | None:
            return g.value(node, predicate)

        if (minimum := one(SH.minCount)) is not None:
            low = int(str(minimum))
            checks.append(("MinCount", lambda d, f, v: [None] if len(v) < low else []))
        if (maximum := one(SH.maxCount)) is not None:
            high = int(str(maximum))
            checks.append(("MaxCount", lambda d, f, v: [None] if len(v) > high else []))
        if (cls := one(SH["class"])) is not None:
            name = _term(cls)
            checks.append(("Class", lambda d, f, v: [x for x in v if not d.is_instance(x, name)]))
        if (datatype := one(SH.datatype)) is not None:
            checks.append(("Datatype", functools.partial(_datatype, str(datatype))))
        if (languages := one(SH.languageIn)) is not None:
            tags = [str(t).lower() for t in rdflib.collection.Collection(g, languages)]
            checks.append(("LanguageIn", functools.partial(_language_in, tags)))
        if (target := one(SH.node)) is not None:
            inner = self.shape(target)
            checks.append(("Node", lambda d, f, v: [x for x in v if not inner.conforms(d, x)]))
        if (allowed := one(SH["in"])) is not None:
            members = {_term(t) for t in rdflib.collection.Collection(g, allowed)}
            checks.append(("In", lambda d, f, v: [x for x in v if x not in members]))
        if (pattern := one(SH.pattern)) is not None:
            regex = re.compile(str(pattern))
            checks.append(("Pattern", functools.partial(_pattern, regex)))
        if (bound := one(SH.minInclusive)) is not None:
            low_value = Decimal(str(bound))
            checks.append(("MinInclusive", functools.partial(_min_inclusive, low_value)))
        if (other := one(SH.lessThanOrEquals)) is not None:
            checks.append(("LessThanOrEquals", functools.partial(_less_or_equal, str(other))))
        if (other := one(SH.equals)) is not None:
            checks.append(("Equals", functools.partial(_equals, str(other))))
        if (negated := one(SH["not"])) is not None:
            inner_not = self.shape(negated)
            checks.append(("Not", lambda d, f, v: [x for x in v if inner_not.conforms(d, x)]))
        if (alternatives := one(SH["or"])) is not None:
            either = [self.shape(s) for s in rdflib.collection.Collection(g, alternatives)]
            checks.append(
                ("Or", lambda d, f, v: [x for x in v if not any(s.conforms(d, x) for s in either)])
            )
        if (required := one(SH.hasValue)) is not None:
            wanted = _term(required)
            if shape.path or (node, SH.path, None) in g:
                checks.append(("HasValue", lambda d, f, v: [] if wanted in v else [None]))
            else:
                checks.append(("HasValue", lambda d, f, v: [] if f == wanted else [None]))
        if (qualified := one(SH.qualifiedValueShape)) is not None:
            inner_q = self.shape(qualified)
            q_min, q_max = one(SH.qualifiedMinCount), one(SH.qualifiedMaxCount)
            if q_min is not None:
                low_q = int(str(q_min))
                checks.append(
                    (
                        "QualifiedMinCount",
                        lambda d, f, v: (
                            [None] if sum(inner_q.conforms(d, x) for x in v) < low_q else []
                        ),
                    )
                )
            if q_max is not None:
                high_q = int(str(q_max))
                checks.append(
                    (
                        "QualifiedMaxCount",
                        lambda d, f, v: (
                            [None] if sum(inner_q.conforms(d, x) for x in v) > high_q else []
                        ),
                    )
                )
        return checks


def _datatype(datatype: str, data: Data, focus: Term, values: list[Term]) -> list[Term | None]:
    failed: list[Term | None] = []
    for value in values:
        found = literal_tags(value)
        if found is None:
            failed.append(value)
        elif found[0]:
            if datatype != LANG_STRING:
                failed.append(value)
        elif found[1] != datatype:
            failed.append(value)
        elif datatype in LEXICAL and not LEXICAL[datatype].fullmatch(_text(value)):
            failed.append(value)
    return failed


def _language_in(tags: list[str], data: Data, focus: Term, values: list[Term]) -> list[Term | None]:
    def matches(value: Term) -> bool:
        found = literal_tags(value)
        if found is None or not found[0]:
            return False
        language = found[0].lower()
        return any(language == tag or language.startswith(tag + "-") for tag in tags)

    return [v for v in values if not matches(v)]


def _pattern(
    regex: re.Pattern[str], data: Data, focus: Term, values: list[Term]
) -> list[Term | None]:
    return [v for v in values if v.startswith("_:") or not regex.search(_text(v))]


def _min_inclusive(
    bound: Decimal, data: Data, focus: Term, values: list[Term]
) -> list[Term | None]:
    failed: list[Term | None] = []
    for value in values:
        number = _number(value)
        if number is None or number < bound:
            failed.append(value)
    return failed


def _less_or_equal(other: str, data: Data, focus: Term, values: list[Term]) -> list[Term | None]:
    failed: list[Term | None] = []
    for value in values:
        for limit in data.values(focus, other):
            left, right = _number(value), _number(limit)
            if left is None or right is None or left > right:
                failed.append(value)
    return failed


def _equals(other: str, data: Data, focus: Term, values: list[Term]) -> list[Term | None]:
    mine, theirs = set(values), set(data.values(focus, other))
    return [*(mine - theirs), *(theirs - mine)]


@functools.cache
def compiled_shapes(path: Path = SHAPES_FILE) -> list[Shape]:
    """The node shapes that have targets, compiled.

    :raises UnsupportedShape: the shapes use a component this validator does not implement.
    """
    graph = rdflib.Graph().parse(path)
    compiler = Compiler(graph)
    roots = set(graph.subjects(SH.targetClass, None)) | set(
        graph.subjects(SH.targetSubjectsOf, None)
    )
    return [compiler.shape(node) for node in sorted(roots, key=str)]


@functools.cache
def _schema_triples() -> tuple[tuple[Term, str, Term], ...]:
    """The ontology and vocabularies as terms; triples about blank nodes (an OWL datatype
    restriction) are left out: no shape targets them, and no data node points to them."""
    return tuple(
        (_term(s), str(p), _term(o))
        for s, p, o in schema_graph()
        if not isinstance(s, rdflib.BNode) and not isinstance(o, rdflib.BNode)
    )


def validate_fast(
    triples: Iterable[ox.Triple | ox.Quad], *, shapes: list[Shape] | None = None
) -> ValidationReport:
    """Validate ``triples`` (with the ontology and vocabularies) with the compiled shapes."""
    return validate_terms(from_library(triples), shapes=shapes)


def validate_terms(
    triples: Iterable[tuple[Term, str, Term]], *, shapes: list[Shape] | None = None
) -> ValidationReport:
    """``validate_fast`` of triples already in ``Data``'s form (``read_lines``)."""
    data = Data(itertools.chain(triples, _schema_triples()))
    results: set[ShaclResult] = set()
    for shape in shapes if shapes is not None else compiled_shapes():
        focus_nodes: set[Term] = set()
        for cls in shape.targets_class:
            focus_nodes |= data.instances(f"<{cls}>")
        for predicate in shape.targets_subjects_of:
            focus_nodes |= set(data.subjects_of.get(predicate, []))
        for focus in focus_nodes:
            for source, component, value in shape.failures(data, focus):
                results.add(
                    ShaclResult(
                        focus=_text(focus),
                        path="/".join(source.path),
                        severity=source.severity,
                        message=source.message,
                        value="" if value is None else _text(value),
                        shape=source.iri,
                        component=component,
                    )
                )
    return ValidationReport(sorted(results))
