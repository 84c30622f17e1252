"""The ontology's page on its own, outside the site: the release's ``ontologie.html``.

The same rendering as the site's ``def/`` page (``pages.ontology_section``: one language per
label, the English one in its own element), with the CSS inline and every link absolute: it
replaces pyLODE's page, which glued the French and English labels together.
"""

from __future__ import annotations

import pyoxigraph as ox

from converter.paths import ONTOLOGY_FILE
from converter.serialise import reading_rdf
from converter.site.build import STATIC_DIR
from converter.site.graph import Labels
from converter.site.html import Here, esc, page, section
from converter.site.layout import DEFAULT_SITE_BASE
from converter.site.pages import Context, Renderer, ontology_section
from converter.vocab import vocabulary_files

ONTOLOGY_IRI = "https://w3id.org/cskg/def"


def ontology_document() -> bytes:
    """The page of ``ontology/cskg.ttl``, self-contained.

    :raises InputError: the ontology or a vocabulary is not valid RDF.
    """
    store = ox.Store()
    for path in (ONTOLOGY_FILE, *vocabulary_files()):
        with reading_rdf(path) as fmt:
            store.bulk_load(path=path, format=fmt)
    context = Context(store, Labels(store), DEFAULT_SITE_BASE, pages=set())
    here = Here("def", DEFAULT_SITE_BASE)
    renderer = Renderer(context, here)
    node = ox.NamedNode(ONTOLOGY_IRI)
    title = context.labels.label(node)
    skip = frozenset({"http://www.w3.org/2000/01/rdf-schema#isDefinedBy"})
    body = (
        f'<h1>{esc(title)}</h1><p class="genre">IRI <code>{ONTOLOGY_IRI}</code></p>'
        + section(
            "graphe",
            "L'ontologie",
            renderer.table(store.quads_for_pattern(node, None, None), skip=skip),
        )
        + ontology_section(renderer, node)
    )
    style = (STATIC_DIR / "site.css").read_text(encoding="utf-8")
    return page(here, title, body, style=style).encode("utf-8")
