"""The home page: counts, the maps by département and by région, the charts of the concepts
the actions use, the downloads."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox

from converter.site.actions import ActionRow
from converter.site.facets import LIST_FOLDER, facet_counts
from converter.site.graph import RDF_TYPE, Labels
from converter.site.html import Here, esc, section
from converter.site.maps import choropleth
from converter.vocab import CSKG, ORG, SKOS

CHARTS = (
    ("thematique", "Thématiques"),
    ("public", "Publics"),
    ("statut", "Statuts"),
    ("dimension", "Dimensions"),
)


def count_of_type(store: ox.Store, iri: str) -> int:
    """How many resources have the type ``iri``."""
    return len({q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(iri))})


def counts(store: ox.Store, rows: list[ActionRow]) -> list[tuple[str, int]]:
    """What the home page counts, by French name."""
    per_facet = facet_counts(rows)
    structures = count_of_type(store, CSKG + "Structure")
    organisations = count_of_type(store, ORG + "Organization") - structures
    return [
        ("actions", len(rows)),
        ("structures organisatrices", structures),
        ("organisations partenaires ou financeuses", organisations),
        ("départements", len(per_facet["departement"])),
        ("régions", len(per_facet["region"])),
        ("concepts des vocabulaires", count_of_type(store, SKOS + "Concept")),
    ]


def bar_chart(
    identifier: str, title: str, values: Counter[str], labels: Labels, here: Here, total: int
) -> str:
    """A table with a bar per value: read as a table by a screen reader, seen as a chart."""
    most = max(values.values(), default=0)
    rows = []
    for value, count in sorted(
        values.items(), key=lambda vc: (-vc[1], labels.label(ox.NamedNode(vc[0])).casefold())
    ):
        node = ox.NamedNode(value)
        href = here.to_iri(value)
        name = esc(labels.label(node))
        cell = f'<a href="{esc(href)}">{name}</a>' if href else name
        width = 100 * count / most if most else 0
        rows.append(
            f'<tr><th scope="row">{cell}</th><td class="nombre">{count}</td>'
            '<td class="barre" aria-hidden="true">'
            f'<span style="width:{width:.1f}%"></span></td></tr>'
        )
    table = (
        f'<table class="barres"><caption>{esc(title)} : nombre d\'actions (sur {total}) par '
        'valeur</caption><thead><tr><th scope="col">Valeur</th><th scope="col">Actions</th>'
        '<th scope="col"><span class="evitement">Barre</span></th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return section(identifier, esc(title), table, level=3)


def home_content(
    store: ox.Store,
    rows: list[ActionRow],
    labels: Labels,
    here: Here,
    downloads: list[tuple[str, str]],
    pages: set[str],
) -> str:
    per_facet = facet_counts(rows)
    figures = "".join(
        f"<li><strong>{n}</strong> {esc(name)}</li>" for name, n in counts(store, rows)
    )
    maps = []
    for kind, facet, title in (
        ("departements", "departement", "Actions par département"),
        ("regions", "region", "Actions par région"),
    ):
        by_code = {iri.rsplit("/", 1)[1]: n for iri, n in per_facet[facet].items()}
        links = {
            iri.rsplit("/", 1)[1]: href
            for iri in per_facet[facet]
            if iri in pages and (href := here.to_iri(iri))
        }
        maps.append(choropleth(kind, by_code, links, title=title))
    charts = "".join(
        bar_chart(f"graphique-{name}", title, per_facet[name], labels, here, len(rows))
        for name, title in CHARTS
    )
    files = "".join(f'<li><a href="{esc(href)}">{esc(name)}</a></li>' for name, href in downloads)
    return (
        "<h1>Les actions des centres sociaux</h1>"
        "<p>Les fiches d'actions des centres sociaux en données ouvertes liées : chaque action, "
        "structure, organisation, territoire et concept a sa page, et sa description en Turtle, "
        f'JSON-LD et N-Triples. <a href="{here.to(LIST_FOLDER)}">Parcourir et rechercher les '
        "actions</a>.</p>"
        + section("chiffres", "En chiffres", f'<ul class="compteurs">{figures}</ul>')
        + section("cartes", "Cartes", f'<div class="cartes">{"".join(maps)}</div>')
        + section("graphiques", "Graphiques", charts)
        + section("telechargements", "Téléchargements", f"<ul>{files}</ul>")
    )
