"""The page shell and the few helpers every page uses: escaping, relative links, formats.

Every text goes through ``esc``; every link is relative (``../../x/index.html``), so that the
site opens from the disk (``file://``) as from any static host.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache

from converter.site.layout import CACHED_IRIS, part_of, site_path

SITE_NAME = "cskg : les actions des centres sociaux"
RDF_LINKS = (("ttl", "Turtle", "text/turtle"), ("jsonld", "JSON-LD", "application/ld+json"),
             ("nt", "N-Triples", "application/n-triples"))  # fmt: skip
_SAFE = "-._~!$&'()*+,;=:@"  # what a path segment keeps unencoded
_SAFE_PATH = re.compile(r"[A-Za-z0-9_.~!$&'()*+,;=:@/-]*")


def esc(text: object) -> str:
    """``text`` safe in HTML content and in quoted attributes.

    >>> esc('<a href="x">l\\'été & co</a>')
    '&lt;a href=&quot;x&quot;&gt;l&#x27;été &amp; co&lt;/a&gt;'
    """
    return html.escape(str(text), quote=True)


def quote_path(path: str) -> str:
    """A site path as a URL path: each segment percent-encoded where needed.

    >>> quote_path("id/action/13/cs/l-été 2")
    'id/action/13/cs/l-%C3%A9t%C3%A9%202'
    """
    if _SAFE_PATH.fullmatch(path):  # the usual slug path: nothing to encode
        return path
    return "/".join(urllib.parse.quote(segment, safe=_SAFE) for segment in path.split("/"))


@dataclass(frozen=True)
class Here:
    """The folder of the page being written, relative to the site's root ("" for the root)."""

    path: str
    base: str

    @property
    def root(self) -> str:
        """The relative way back to the site's root."""
        return "../" * (self.path.count("/") + 1) if self.path else ""

    def to(self, path: str, file: str = "index.html") -> str:
        """Relative link to ``file`` of the site folder ``path``."""
        folder = quote_path(path) + "/" if path else ""
        return self.root + folder + file

    def to_iri(self, iri: str) -> str | None:
        """Relative link to the page of ``iri``, with its fragment; None when it has none."""
        target = link_target(iri, self.base)
        return None if target is None else self.root + target


@lru_cache(maxsize=CACHED_IRIS)
def link_target(iri: str, base: str) -> str | None:
    """The link to ``iri``'s page from the site's root (a part of an action: the action's page
    at the part's anchor)."""
    part = part_of(iri, base)
    fragment = iri.partition("#")[2] if part is None else part[1]
    path = site_path(iri if part is None else part[0], base)
    if path is None:
        return None
    folder = quote_path(path) + "/" if path else ""
    return folder + "index.html" + ("#" + urllib.parse.quote(fragment) if fragment else "")


def json_in_script(data: bytes) -> str:
    """JSON text safe inside ``<script>``: no ``</`` can close the element."""
    return data.decode("utf-8").replace("</", "<\\/").replace("<!--", "<\\!--")


NAVIGATION = (
    ("", "index.html", "Accueil"),
    ("actions", "index.html", "Actions"),
    ("vocab", "index.html", "Vocabulaires"),
    ("def", "index.html", "Ontologie"),
    ("sparql", "", "SPARQL"),
)


def page(
    here: Here,
    title: str,
    body: str,
    *,
    jsonld: bytes | None = None,
    rdf: bool = False,
    style: str | None = None,
    scripts: tuple[str, ...] = (),
) -> str:
    """A whole page: ``body`` is HTML already escaped. ``rdf``: the folder holds the page's
    Turtle, JSON-LD and N-Triples, linked as alternates. ``style``: a page on its own, outside
    the site (the release's ontology page): this CSS inline, no navigation."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} · cskg</title>",
        f"<style>\n{style}</style>"
        if style is not None
        else f'<link rel="stylesheet" href="{here.root}static/site.css">',
    ]
    if rdf:
        head += [f'<link rel="alternate" type="{media}" href="index.{ext}" title="{name}">'
                 for ext, name, media in RDF_LINKS]  # fmt: skip
    if jsonld is not None:
        head.append(f'<script type="application/ld+json">\n{json_in_script(jsonld)}</script>')
    head += [f'<script src="{here.root}static/{name}" defer></script>' for name in scripts]
    links = "".join(
        f'<li><a href="{here.to(path, file)}">{esc(label)}</a></li>'
        for path, file, label in NAVIGATION
    )
    return "\n".join(
        [
            *head,
            "</head>",
            "<body>",
            '<a class="evitement" href="#contenu">Aller au contenu</a>',
            '<header class="bandeau">',
            f'<p class="site">{esc(SITE_NAME)}</p>'
            if style is not None
            else f'<p class="site"><a href="{here.to("")}">{esc(SITE_NAME)}</a></p>',
            ""
            if style is not None
            else f'<nav aria-label="Navigation principale"><ul>{links}</ul></nav>',
            "</header>",
            f'<main id="contenu">\n{body}\n</main>',
            '<footer class="pied"><p>Données : fiches des centres sociaux, converties par cskg '
            "(licence Etalab 2.0). Contours : IGN Admin Express, via france-geojson "
            "(Grégoire David).</p></footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def section(identifier: str, heading: str, content: str, level: int = 2) -> str:
    """A section titled by its heading (``heading`` and ``content`` already HTML)."""
    return (
        f'<section aria-labelledby="{identifier}">'
        f'<h{level} id="{identifier}">{heading}</h{level}>{content}</section>'
    )


def row(header: str, *cells: str) -> str:
    """A table row headed by ``header`` (HTML already)."""
    return f'<tr><th scope="row">{header}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
