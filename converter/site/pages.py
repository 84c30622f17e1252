"""The page of one resource: what the graph says of it (every property with its French label,
literal or link), the section its kind adds (action, territory, concept, vocabulary, ontology),
its incoming links, paginated, and its machine-readable twins."""

from __future__ import annotations

import urllib.parse
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from converter.model import FIELDS, TITLE_LABEL, Kind
from converter.site.actions import ActionRow, population
from converter.site.describe import Description, part_order, parts
from converter.site.graph import OWL, RDF_TYPE, RDFS, Labels, Subject
from converter.site.html import Here, esc, link_target, row, section
from converter.site.layout import CACHED_IRIS, part_of
from converter.vocab import CSKG, DCT, IGEO, SKOS, curie

INCOMING_PER_PAGE = 100
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
CURRENT = ' aria-current="page"'
ACTION = CSKG + "Action"
CONCEPT = SKOS + "Concept"
SCHEME = SKOS + "ConceptScheme"
ONTOLOGY = OWL + "Ontology"
TERRITORY_CLASSES = tuple(
    IGEO + name
    for name in ("Commune", "Arrondissement", "Departement", "Region", "Intercommunalite")
)
SPARQL_EDITOR = "sparql/"
TERRITORY_ACTIONS_SHOWN = 100  # the list of actions (actions/) shows them all, with facets
TERRITORY_FACETS = {"departement": IGEO + "Departement", "region": IGEO + "Region"}
FIELD_PREDICATES = {f.predicate: curie(f.predicate).value for f in FIELDS}
FICHE_PREDICATES = frozenset(FIELD_PREDICATES.values()) | {DCT + "title"}
SOURCE = DCT + "source"


def incoming_file(number: int) -> str:
    """The file of page ``number`` of a resource's incoming links (1: the page itself)."""
    return "index.html" if number == 1 else f"index-liens-{number}.html"


@dataclass
class Context:
    """What every page of a build shares."""

    store: ox.Store
    labels: Labels
    base: str
    pages: set[str]  # IRIs (documents) that have a page
    actions_of: dict[str, list[ActionRow]] = field(default_factory=dict)  # by territory

    def __post_init__(self) -> None:
        self.target = lru_cache(maxsize=CACHED_IRIS)(self._target)
        self.anchor = lru_cache(maxsize=CACHED_IRIS)(self._anchor)

    def _target(self, iri: str) -> str | None:
        """The link to ``iri``'s page from the site's root, escaped, or None when it has no
        page."""
        document = iri.partition("#")[0]
        part = part_of(document, self.base)
        document = document if part is None else part[0]
        target = link_target(iri, self.base) if document in self.pages else None
        return target and esc(target)

    def _anchor(self, root: str, iri: str) -> str:
        """The link (HTML) to ``iri`` showing its label, from a page ``root`` below the
        site's root."""
        return self.link_to(root, iri, esc(self.labels.label(ox.NamedNode(iri))))

    def link_to(self, root: str, iri: str, label: str) -> str:
        """A link to ``iri`` showing ``label`` (HTML) from a page ``root`` below the site's
        root."""
        target = self.target(iri)
        if target is None:
            return f'<a href="{esc(iri)}" class="externe">{label}</a>'
        return f'<a href="{root}{target}">{label}</a>'


def sparql_link(here: Here, iri: str) -> str:
    query = f"DESCRIBE <{iri}>"
    return here.root + SPARQL_EDITOR + "?query=" + urllib.parse.quote(query, safe="")


class Renderer:
    """HTML fragments for one page (``here``)."""

    def __init__(
        self, context: Context, here: Here, own: Mapping[Subject, list[ox.Triple]] | None = None
    ) -> None:
        self.c = context
        self.here = here
        self.own = own or {}  # the page's description by subject (``Description.own``)
        self._by_predicate: dict[Subject, dict[str, list[Term]]] = {}
        self.root = here.root

    def link(self, node: Term, text: str | None = None) -> str:
        if isinstance(node, ox.NamedNode):
            if text is not None:
                return self.c.link_to(self.root, node.value, esc(text))
            return self.c.anchor(self.root, node.value)
        return esc(text or str(node))

    def literal(self, value: ox.Literal) -> str:
        lang = f' lang="{esc(value.language)}"' if value.language else ""
        css = ' class="texte"' if "\n" in value.value else ""
        return f"<span{lang}{css}>{esc(value.value)}</span>"

    def value(self, node: Term, depth: int = 0) -> str:
        if isinstance(node, ox.Literal):
            return self.literal(node)
        if isinstance(node, ox.BlankNode) and depth < 4:
            return self.table(self.triples(node), depth + 1)
        return self.link(node)

    def triples(self, subject: Subject) -> Iterable[ox.Triple | ox.Quad]:
        """What the graph says of ``subject``, in the store's order."""
        found = self.own.get(subject)
        return self.c.store.quads_for_pattern(subject, None, None) if found is None else found

    def objects(self, subject: Subject, predicate: str) -> list[Term]:
        """The objects of ``subject`` for ``predicate``, in the store's order."""
        by_predicate = self._by_predicate.get(subject)
        if by_predicate is None:
            found = self.own.get(subject)
            if found is None:
                return _objects(self.c.store, subject, predicate)
            by_predicate = self._by_predicate[subject] = defaultdict(list)
            for triple in found:
                by_predicate[triple.predicate.value].append(triple.object)
        return by_predicate.get(predicate, [])

    def values(self, nodes: list[Term]) -> str:
        if len(nodes) == 1:
            return self.value(nodes[0])
        items = sorted(nodes, key=lambda n: (not isinstance(n, ox.Literal), self._sort_key(n)))
        return "<ul>" + "".join(f"<li>{self.value(n)}</li>" for n in items) + "</ul>"

    def _sort_key(self, node: Term) -> str:
        if isinstance(node, ox.NamedNode):
            return self.c.labels.label(node).casefold()
        return str(node.value) if isinstance(node, ox.Literal) else str(node)

    def property_label(self, predicate: ox.NamedNode) -> str:
        return self.link(predicate)

    def table(
        self,
        quads: Iterable[ox.Quad | ox.Triple],
        depth: int = 0,
        *,
        skip: frozenset[str] = frozenset(),
    ) -> str:
        by_property: dict[ox.NamedNode, list[Term]] = defaultdict(list)
        for quad in quads:
            if quad.predicate.value not in skip:
                by_property[quad.predicate].append(quad.object)
        if not by_property:
            return ""
        ordered = sorted(
            by_property, key=lambda p: (p != RDF_TYPE, self.c.labels.label(p).casefold(), p.value)
        )
        rows = "".join(row(self.property_label(p), self.values(by_property[p])) for p in ordered)
        return f'<table class="proprietes"><tbody>{rows}</tbody></table>'


def _objects(store: ox.Store, subject: Subject, predicate: str) -> list[Term]:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)]


def _texts(store: ox.Store, subject: Subject, predicate: str, language: str) -> list[str]:
    return [o.value for o in _objects(store, subject, predicate)
            if isinstance(o, ox.Literal) and o.language == language]  # fmt: skip


def action_section(r: Renderer, node: ox.NamedNode) -> tuple[str, frozenset[str]]:
    """The fiche's fields in its order, labelled with its own headers (``model.FIELDS``)."""
    rows = [row(esc(TITLE_LABEL), r.values(r.objects(node, DCT + "title")))]
    for fiche_field in FIELDS:
        found = r.objects(node, FIELD_PREDICATES[fiche_field.predicate])
        cell = r.values(found) if found else '<span class="absent">non renseigné</span>'
        if fiche_field.kind is Kind.ORGANISER and found and isinstance(found[0], Subject):
            places = r.objects(found[0], CSKG + "departement") + r.objects(
                found[0], CSKG + "commune"
            )
            if places:
                cell += " — " + ", ".join(r.link(p) for p in places)
        rows.append(f'<tr><th scope="row">{esc(fiche_field.header)}</th><td>{cell}</td></tr>')
    source = ""
    for fiche in r.objects(node, SOURCE):
        if isinstance(fiche, Subject):
            file, first, last = (
                [o.value for o in r.objects(fiche, CSKG + name) if isinstance(o, ox.Literal)]
                for name in ("sourceFile", "firstLine", "lastLine")
            )
            if file and first and last:
                source = (
                    f'<p class="source">Source : {r.link(fiche, "fiche")} du fichier '
                    f"<code>{esc(file[0])}</code>, lignes {esc(first[0])} à {esc(last[0])}.</p>"
                )
    body = (
        '<section aria-labelledby="champs"><h2 id="champs">La fiche</h2>'
        f'<table class="fiche"><tbody>{"".join(rows)}</tbody></table>{source}</section>'
    )
    return body + parts_section(r, node), FICHE_PREDICATES


def parts_section(r: Renderer, node: ox.NamedNode) -> str:
    """A section per part of the action (its fiche, budget, associations, grants), whose ``id``
    is the anchor its IRI is answered at (``negotiation.part_of``)."""
    found = parts(r.own, node.value)
    if not found:
        return ""
    blocks = []
    for part in found:
        anchor = part.value[len(node.value) + 1 :]
        kinds = ", ".join(r.link(ox.NamedNode(t)) for t in r.c.labels.types(part))
        blocks.append(
            f'<section class="partie" id="{esc(anchor)}" aria-labelledby="titre-{esc(anchor)}">'
            f'<h3 id="titre-{esc(anchor)}">{esc(anchor.replace("/", " ").capitalize())}</h3>'
            f'<p class="genre">{kinds or "ressource"} — IRI <code>{esc(part.value)}</code></p>'
            f"{r.table(r.triples(part))}</section>"
        )
    return (
        '<section aria-labelledby="parties"><h2 id="parties">Sa fiche source, son budget, '
        f"ses partenaires et financements ({len(found)})</h2>{''.join(blocks)}</section>"
    )


def territory_section(r: Renderer, node: ox.NamedNode) -> str:
    actions = r.c.actions_of.get(node.value, [])
    people = population(r.c.store, node.value)
    if people is None:
        density = "<dd>non connue : le graphe ne donne pas la population de ce territoire</dd>"
        people_text = "<dd>non connue</dd>"
    else:
        people_text = f"<dd>{people:,} habitants</dd>".replace(",", "\u202f")
        rate = len(actions) * 10_000 / people if people else 0.0
        density = f"<dd>{rate:.2f}</dd>".replace(".", ",")
    shown = actions[:TERRITORY_ACTIONS_SHOWN]
    items = "".join(f"<li>{r.link(ox.NamedNode(a.iri), a.title)}</li>" for a in shown)
    facet = next((n for n, t in TERRITORY_FACETS.items() if t in r.c.labels.types(node)), None)
    more = ""
    if facet is not None:
        where = r.here.to("actions") + f"#{facet}=" + urllib.parse.quote(node.value, safe="")
        what = (
            "toutes dans la liste, avec les facettes"
            if len(actions) > len(shown)
            else "dans la liste, avec les facettes"
        )
        more = f'<p><a href="{esc(where)}">Ses actions {what}</a></p>'
    elif len(actions) > len(shown):
        more = f"<p>… et {len(actions) - len(shown)} autres.</p>"
    figures = (
        f'<dl class="chiffres"><dt>Actions</dt><dd>{len(actions)}</dd><dt>Population</dt>'
        f"{people_text}<dt>Actions pour 10 000 habitants</dt>{density}</dl>"
    )
    return (
        '<section aria-labelledby="territoire"><h2 id="territoire">Le territoire</h2>'
        + figures
        + f'<h3>Ses actions ({len(actions)})</h3><ul class="actions">{items}</ul>{more}</section>'
    )


def concept_section(r: Renderer, node: ox.NamedNode, users: int) -> str:
    store = r.c.store
    parts = [
        '<section aria-labelledby="concept"><h2 id="concept">Le concept</h2><dl class="concept">'
    ]
    for language, name in (("fr", "français"), ("en", "anglais")):
        labels = _texts(store, node, SKOS + "prefLabel", language)
        if labels:
            parts.append(f'<dt>Libellé en {name}</dt><dd lang="{language}">{esc(labels[0])}</dd>')
    others = sorted(
        o.value for o in _objects(store, node, SKOS + "altLabel") if isinstance(o, ox.Literal)
    )
    if others:
        parts.append("<dt>Autres libellés</dt>" + "".join(f"<dd>{esc(o)}</dd>" for o in others))
    for language, name in (("fr", "Définition"), ("en", "Définition en anglais")):
        for text in _texts(store, node, SKOS + "definition", language):
            parts.append(f'<dt>{name}</dt><dd lang="{language}">{esc(text)}</dd>')
    for predicate, name in (
        (SKOS + "inScheme", "Vocabulaire"),
        (SKOS + "broader", "Concept plus large"),
        (SKOS + "narrower", "Concepts plus précis"),
    ):
        found = [o for o in _objects(store, node, predicate) if isinstance(o, ox.NamedNode)]
        narrower_of = (
            [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(SKOS + "broader"), node)]
            if predicate == SKOS + "narrower"
            else []
        )
        for o in sorted(
            {*found, *[n for n in narrower_of if isinstance(n, ox.NamedNode)]},
            key=lambda n: n.value,
        ):
            parts.append(f"<dt>{name}</dt><dd>{r.link(o)}</dd>")
    parts.append(f"<dt>Actions qui l'emploient</dt><dd>{users}</dd></dl></section>")
    return "".join(parts)


def scheme_section(r: Renderer, node: ox.NamedNode, counts: dict[str, int]) -> str:
    concepts = sorted(
        (
            q.subject
            for q in r.c.store.quads_for_pattern(None, ox.NamedNode(SKOS + "inScheme"), node)
            if isinstance(q.subject, ox.NamedNode)
        ),
        key=lambda n: r.c.labels.label(n).casefold(),
    )
    rows = "".join(
        f'<tr><td>{r.link(c)}</td><td class="nombre">{counts.get(c.value, 0)}</td></tr>'
        for c in concepts
    )
    return (
        f'<section aria-labelledby="concepts"><h2 id="concepts">Ses concepts ({len(concepts)})</h2>'
        '<table class="donnees"><thead><tr><th scope="col">Concept</th>'
        '<th scope="col">Actions</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def ontology_section(r: Renderer, node: ox.NamedNode) -> str:
    """Each class, property and individual: its French label, the English one in its own
    element (never glued), its comments, its axioms, an anchor named by its fragment."""
    store = r.c.store
    terms = sorted(
        (
            q.subject
            for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "isDefinedBy"), node)
            if isinstance(q.subject, ox.NamedNode)
        ),
        key=lambda n: n.value,
    )
    groups: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for term in terms:
        types = set(r.c.labels.types(term))
        if OWL + "Class" in types:
            groups["Classes"].append(term)
        elif types & {
            OWL + "ObjectProperty",
            OWL + "DatatypeProperty",
            RDFS[:-1] + "Property",
        } or any(t.endswith("Property") for t in types):
            groups["Propriétés"].append(term)
        elif RDFS + "Datatype" in types:
            groups["Types de données"].append(term)
        else:
            groups["Individus"].append(term)
    skip = frozenset({RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy"})
    parts = []
    for title in ("Classes", "Propriétés", "Types de données", "Individus"):
        if not groups[title]:
            continue
        index = "".join(
            f'<li><a href="#{esc(t.value.partition("#")[2])}">{esc(r.c.labels.label(t))}</a></li>'
            for t in groups[title]
        )
        parts.append(
            f'<section><h2>{title} ({len(groups[title])})</h2><ul class="index">{index}</ul>'
        )
        for term in groups[title]:
            anchor = term.value.partition("#")[2]
            french = _texts(store, term, RDFS + "label", "fr")
            english = _texts(store, term, RDFS + "label", "en")
            block = [
                f'<article class="terme" id="{esc(anchor)}">',
                f'<h3><span lang="fr">{esc(french[0] if french else anchor)}</span></h3>',
                f'<p class="iri"><code>{esc(term.value)}</code></p>',
            ]
            if english:
                block.append(
                    f'<p class="anglais">En anglais : <span lang="en">{esc(english[0])}</span></p>'
                )
            for language in ("fr", "en"):
                for comment in _texts(store, term, RDFS + "comment", language):
                    block.append(f'<p lang="{language}">{esc(comment)}</p>')
            block.append(r.table(store.quads_for_pattern(term, None, None), skip=skip))
            block.append("</article>")
            parts.append("".join(block))
        parts.append("</section>")
    return "".join(parts)


@dataclass(frozen=True)
class Incoming:
    """The resources of one document that link to a page: the document (an action for its
    parts), the properties of the links, the parts they come from (empty: the document's own)."""

    source: Subject
    properties: tuple[ox.NamedNode, ...]
    parts: tuple[ox.NamedNode, ...]


def incoming(store: ox.Store, node: ox.NamedNode, base: str) -> list[Incoming]:
    """Who links to ``node``, one entry per linking document (an action's associations and
    grants count as the action), sorted by IRI: an organisation cited by an action as partner
    and through its association is listed once."""
    properties: dict[Subject, set[ox.NamedNode]] = defaultdict(set)
    from_parts: dict[Subject, set[ox.NamedNode]] = defaultdict(set)
    for quad in store.quads_for_pattern(None, None, node):
        subject = quad.subject
        if not isinstance(subject, Subject) or quad.predicate == RDF_TYPE:
            continue
        part = part_of(subject.value, base) if isinstance(subject, ox.NamedNode) else None
        source = subject if part is None else ox.NamedNode(part[0])
        if source == node:
            continue  # its own parts, shown on its page
        properties[source].add(quad.predicate)
        if part is not None and isinstance(subject, ox.NamedNode):
            from_parts[source].add(subject)
    return [
        Incoming(
            source,
            tuple(sorted(properties[source], key=lambda p: p.value)),
            tuple(sorted(from_parts[source], key=part_order)),
        )
        for source in sorted(properties, key=str)
    ]


def incoming_pages(r: Renderer, links: list[Incoming]) -> list[str]:
    """The incoming links, one fragment per page of ``INCOMING_PER_PAGE``, with the page list."""
    if not links:
        nothing = "<p>Aucune ressource ne pointe vers celle-ci.</p>"
        return [section("entrants", "Liens entrants", nothing)]
    chunks = [links[i : i + INCOMING_PER_PAGE] for i in range(0, len(links), INCOMING_PER_PAGE)]
    fragments = []
    for number, chunk in enumerate(chunks, 1):
        items = "".join(_incoming_item(r, link) for link in chunk)
        nav = ""
        if len(chunks) > 1:
            pages = "".join(
                f'<li><a href="{incoming_file(n)}"{CURRENT if n == number else ""}>{n}</a></li>'
                for n in range(1, len(chunks) + 1)
            )
            nav = f'<nav aria-label="Pages des liens entrants"><ul class="pages">{pages}</ul></nav>'
        start = (number - 1) * INCOMING_PER_PAGE + 1
        listed = (
            f"<p>Liens {start} à {start + len(chunk) - 1}.</p>"
            f'<ol class="entrants" start="{start}">{items}</ol>{nav}'
        )
        fragments.append(section("entrants", f"Liens entrants ({len(links)})", listed))
    return fragments


def _incoming_item(r: Renderer, link: Incoming) -> str:
    source = link.source
    name = r.link(source) if isinstance(source, ox.NamedNode) else esc(str(source))
    names = ", ".join(esc(r.c.labels.label(p)) for p in link.properties)
    via = ""
    if link.parts:
        cut = len(source.value) + 1
        via = " (" + ", ".join(r.link(p, p.value[cut:].replace("/", " ")) for p in link.parts) + ")"
    return f'<li>{name} — <span class="propriete">{names}</span>{via}</li>'


def formats_block(r: Renderer, iri: str) -> str:
    return (
        '<aside class="formats" aria-label="Formats"><h2>Formats</h2><ul>'
        '<li><a href="index.ttl" type="text/turtle">Turtle</a></li>'
        '<li><a href="index.jsonld" type="application/ld+json">JSON-LD</a></li>'
        '<li><a href="index.nt" type="application/n-triples">N-Triples</a></li>'
        f'<li><a href="{esc(sparql_link(r.here, iri))}">ouvrir dans l\'éditeur SPARQL</a></li>'
        "</ul></aside>"
    )


def resource_pages(
    context: Context, here: Here, described: Description, iri: str, concept_counts: dict[str, int]
) -> tuple[str, str, list[str]]:
    """(title, main content of the first page, contents of the other incoming-link pages);
    ``described``: the ``description`` of ``iri``."""
    r = Renderer(context, here, described.own)
    node = ox.NamedNode(iri)
    labels = context.labels
    types = labels.types(node)
    title = labels.label(node)
    type_names = ", ".join(r.link(ox.NamedNode(t)) for t in types) or "ressource"
    head = f'<h1>{esc(title)}</h1><p class="genre">{type_names} — IRI <code>{esc(iri)}</code></p>'
    skip: frozenset[str] = frozenset()
    special = ""
    links = incoming(context.store, node, context.base)
    if ACTION in types:
        special, skip = action_section(r, node)
    elif any(t in TERRITORY_CLASSES for t in types):
        special = territory_section(r, node)
    elif CONCEPT in types:
        special = concept_section(r, node, concept_counts.get(iri, 0))
    elif SCHEME in types:
        special = scheme_section(r, node, concept_counts)
    elif ONTOLOGY in types:
        special = ontology_section(r, node)
    own = r.table(r.triples(node), skip=skip)
    heading = "Autres propriétés" if skip else "Ce que dit le graphe"
    graph = (
        f'<section aria-labelledby="graphe"><h2 id="graphe">{heading}</h2>{own}</section>'
        if own
        else ""
    )
    incoming_parts = incoming_pages(r, links)
    first = head + formats_block(r, iri) + special + graph + incoming_parts[0]
    others = [head + formats_block(r, iri) + part for part in incoming_parts[1:]]
    return title, first, others
