"""Content negotiation of the site, declared once: ``cskg serve``, the w3id.org ``.htaccess``
and the nginx configuration all derive from ``REPRESENTATIONS`` and ``THINGS``.

A resource at ``<base><path>`` has up to four representations, files of the site folder
``DIR/<path>/index.<ext>`` (the contract with ``cskg site``), each also reachable by its own
URL ``<base><path>.<ext>``.

**The 303 rule** (W3C, *Cool URIs for the Semantic Web*, §4.3 "303 URIs forwarding to one
Generic Document", and the TAG's httpRange-14 resolution). The IRIs below ``id/`` (actions,
structures, organisations) and ``vocab/`` (concept schemes and concepts) name things of the
world, not documents: a ``200`` would say that the action *is* a web page. They answer ``303
See Other`` to the document chosen by ``Accept`` (``<path>.ttl`` …), with ``Vary: Accept``;
the document answers ``200``. Every other path is a document and answers ``200`` with the
chosen representation directly, ``Content-Location`` naming the variant (RFC 9110 §8.7) and
``Vary: Accept``: the home page, the lists, the pages under ``geo/`` (documents *about* INSEE's
territories, whose IRIs live at id.insee.fr), and the ontology ``def``, a hash namespace
(§4.2 "Hash URIs with content negotiation": ``def#Action`` names the class, the browser asks for
``def``, the document that describes it). A 200 for things would save a round trip (DBpedia,
Wikidata and Schema.org differ here); the 303 costs one request per IRI and keeps the graph
from saying nonsense about its own pages, and it is what linked-data clients (LodView, Pubby,
rdflib's ``Graph.parse(iri)``) follow without configuration.

**Parts of an action** (Cool URIs §4.3 again, one generic document for several things). An
action's fiche, budget, associations and grants have IRIs below the action's
(``id/action/<d>/<s>/<a>/fiche``, ``…/association/2``, ``…/financement/1/montant``: ``PARTS``).
They get no document of their own: the action's document describes them (its page has a section
per part, its ``id`` the part's path below the action; its RDF holds the parts' triples). Their
IRIs answer ``303 See Other`` to the action's document chosen by ``Accept``: the page at the
part's anchor (``<action>/#association/2``) or the action's ``.ttl``, ``.jsonld``, ``.nt``.

Each answer carries ``Link: <…>; rel="alternate"; type="…"`` for every representation.

>>> choose("text/turtle;q=0.9, application/ld+json").name
'jsonld'
>>> choose("text/html, */*;q=0.1").name, choose(None).name, choose("text/*").name
('html', 'html', 'html')
>>> choose("image/png") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Representation:
    name: str
    suffix: str  # of the representation's URL, and of its file index.<ext>: ".ttl"
    media_type: str
    label: str  # shown on pages and in the 406 page

    @property
    def extension(self) -> str:
        return self.suffix[1:]


# In the server's order of preference: on a tie (``*/*``, ``text/*``, no Accept) the first wins.
REPRESENTATIONS: tuple[Representation, ...] = (
    Representation("html", ".html", "text/html", "page HTML"),
    Representation("turtle", ".ttl", "text/turtle", "Turtle"),
    Representation("jsonld", ".jsonld", "application/ld+json", "JSON-LD"),
    Representation("ntriples", ".nt", "application/n-triples", "N-Triples"),
)
BY_SUFFIX = {r.suffix: r for r in REPRESENTATIONS}
# Path prefixes (relative to the base IRI) of IRIs that name things: answered by a 303.
THINGS = ("id/", "vocab/")
# The parts of an action (first segment of their path below the action's IRI), described in
# the action's document (``part_of``); the mapping mints them (converter/mapping.py ``_below``).
PARTS = ("association", "budget", "fiche", "financement")
ACTION_PATH = r"id/action/[^/.?#]+/[^/.?#]+/[^/.?#]+"
PART_PATH = r"(?:" + "|".join(PARTS) + r")(?:/[^/.?#]+)*"
_PART = re.compile(f"^({ACTION_PATH})/({PART_PATH})/?$")
CHARSET = "; charset=utf-8"  # every representation is UTF-8 text


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    quality: float

    def specificity(self, media_type: str) -> int:
        """-1 when this range does not match ``media_type``; else 2 exact, 1 ``type/*``, 0."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


_RANGE = re.compile(r"^\s*([\w.+*-]+)/([\w.+*-]+)\s*$")
_QUALITY = re.compile(r"^\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$", re.IGNORECASE)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header (RFC 9110 §12.5.1); a range with a malformed
    type or quality is ignored, as the RFC allows; no header at all is ``*/*``.

    >>> [(r.type, r.subtype, r.quality) for r in parse_accept("text/html;level=1, */*;q=0.5")]
    [('text', 'html', 1.0), ('*', '*', 0.5)]
    >>> parse_accept("text/turtle;q=2, nonsense")
    []
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for item in _split_outside_quotes(header, ","):
        media, *parameters = _split_outside_quotes(item, ";")
        match = _RANGE.match(media.lower())
        if not match or (match.group(1) == "*" and match.group(2) != "*"):
            continue
        quality = 1.0
        for parameter in parameters:
            if parameter.strip().lower().startswith("q"):
                found = _QUALITY.match(parameter)
                if found is None:
                    break
                quality = float(found.group(1))
        else:
            ranges.append(MediaRange(match.group(1), match.group(2), quality))
    return ranges


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    """The quality the client gives ``media_type``: that of the most specific range matching
    it, 0 when none does."""
    best, found = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(media_type)
        if specificity > best:
            best, found = specificity, media_range.quality
    return found


def choose(
    accept: str | None, available: Sequence[Representation] = REPRESENTATIONS
) -> Representation | None:
    """The representation to send for ``accept``, among ``available`` (in the server's order of
    preference); None when the client accepts none of them (406)."""
    ranges = parse_accept(accept)
    best: Representation | None = None
    best_quality = 0.0
    for representation in available:
        found = quality(ranges, representation.media_type)
        if found > best_quality:
            best, best_quality = representation, found
    return best


def is_thing(path: str) -> bool:
    """True when the IRI at ``path`` (relative to the base, no leading slash) names a thing,
    answered by a 303.

    >>> is_thing("id/action/46/cs/x"), is_thing("vocab/thematique"), is_thing("def")
    (True, True, False)
    """
    return any(path.startswith(prefix) for prefix in THINGS)


def part_of(path: str) -> tuple[str, str] | None:
    """(the action's path, the fragment naming the part in its page) when the IRI at ``path``
    (relative to the base) is a part of an action, described in the action's document.

    >>> part_of("id/action/72/cs/repair-cafe/association/2")
    ('id/action/72/cs/repair-cafe', 'association/2')
    >>> part_of("id/action/72/cs/repair-cafe"), part_of("id/action/72/cs/x/index.ttl")
    (None, None)
    """
    found = _PART.match(path)
    return None if found is None else (found.group(1), found.group(2))


def split_suffix(path: str) -> tuple[str, Representation | None]:
    """``path`` without the suffix of a representation, and that representation.

    >>> split_suffix("id/action/x.ttl")[0], split_suffix("def.jsonld")[1].name
    ('id/action/x', 'jsonld')
    >>> split_suffix("id/action/x")
    ('id/action/x', None)
    """
    for suffix, representation in BY_SUFFIX.items():
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)], representation
    return path, None


def file_of(path: str, representation: Representation) -> str:
    """The file of the site folder holding ``path``'s ``representation`` (the contract).

    >>> file_of("id/action/x", BY_SUFFIX[".ttl"]), file_of("", BY_SUFFIX[".html"])
    ('id/action/x/index.ttl', 'index.html')
    """
    return f"{path}/index{representation.suffix}" if path else f"index{representation.suffix}"


def variant_url(path: str, representation: Representation) -> str:
    """The URL path (from the base) of ``path``'s ``representation``: ``<path>.<ext>`` for RDF,
    the folder ``<path>/`` for HTML, so that the page's links, relative to its folder as on a
    static host or on disk, resolve.

    >>> variant_url("id/action/x", BY_SUFFIX[".ttl"]), variant_url("def", BY_SUFFIX[".html"])
    ('id/action/x.ttl', 'def/')
    >>> variant_url("", BY_SUFFIX[".html"]), variant_url("", BY_SUFFIX[".nt"])
    ('', 'index.nt')
    """
    if representation.name == "html":
        return f"{path}/" if path else ""
    return f"{path}{representation.suffix}" if path else file_of(path, representation)


def part_url(path: str, representation: Representation) -> str | None:
    """Where the IRI of a part of an action at ``path`` is answered (303): its action's
    ``representation``, the page at the part's anchor; None when ``path`` is no part.

    >>> part_url("id/action/a/b/c/association/2", BY_SUFFIX[".html"])
    'id/action/a/b/c/#association/2'
    >>> part_url("id/action/a/b/c/fiche", BY_SUFFIX[".ttl"])
    'id/action/a/b/c.ttl'
    """
    found = part_of(path)
    if found is None:
        return None
    action, anchor = found
    url = variant_url(action, representation)
    return f"{url}#{anchor}" if representation.name == "html" else url


def link_header(path: str, available: Sequence[Representation]) -> str:
    """``Link`` header listing the representations of the resource at ``path`` (from the base,
    which is ``/`` for ``cskg serve``).

    >>> link_header("def", REPRESENTATIONS[:2])
    '</def/>; rel="alternate"; type="text/html", </def.ttl>; rel="alternate"; type="text/turtle"'
    """
    return ", ".join(
        f'</{variant_url(path, r)}>; rel="alternate"; type="{r.media_type}"' for r in available
    )


# ---- Redirect rules for other servers, from the same declaration ----------------------------


def accept_pattern(representation: Representation) -> str:
    """A PCRE matching an ``Accept`` header that lists ``representation`` before any other of
    ours: what mod_rewrite and nginx can test (neither compares q-values, so a header whose order
    and q-values disagree is read by its order there; ``cskg serve`` reads the q-values).

    >>> import re
    >>> bool(re.search(accept_pattern(REPRESENTATIONS[1]), "text/turtle, text/html;q=0.5"))
    True
    >>> bool(re.search(accept_pattern(REPRESENTATIONS[1]), "text/html, text/turtle"))
    False
    """
    others = "|".join(re.escape(r.media_type) for r in REPRESENTATIONS if r != representation)
    return f"^(?:(?!{others}).)*{re.escape(representation.media_type)}"


def _rdf() -> tuple[Representation, ...]:
    return tuple(r for r in REPRESENTATIONS if r.name != "html")


def w3id_htaccess(target: str, *, namespace: str = "cskg") -> str:
    """The ``.htaccess`` to submit to w3id.org (``perma-id/w3id.org``, folder ``namespace/``),
    redirecting ``https://w3id.org/<namespace>/<path>`` to the static site written by ``cskg
    site`` and published at ``target`` (``https://example.org/cskg/``).

    w3id.org only redirects: a thing (``id/``, ``vocab/``) answers 303 to the file of the
    representation its ``Accept`` lists first among ours (HTML by default: a browser's ``*/*``);
    a document (the home, ``def``, the lists) answers 302 to its file, as does a suffixed URL.
    """
    target = target.rstrip("/") + "/"
    things = "|".join(re.escape(prefix.rstrip("/")) for prefix in THINGS)
    suffixes = "|".join(r.extension for r in REPRESENTATIONS)
    part = f"({ACTION_PATH})/({PART_PATH})"
    rdf_suffixes = "|".join(r.extension for r in _rdf())
    lines = [
        f"# https://w3id.org/{namespace}/ : données liées des actions des centres sociaux (cskg).",
        f"# Redirige vers le site statique écrit par « cskg site », publié à {target}",
        "# Écrit par cskg (converter/site/negotiation.py) : ne pas modifier à la main.",
        "Options +FollowSymLinks",
        "Options -MultiViews",
        "RewriteEngine on",
        "",
        "# Parts of an action (Cool URIs 303): the action's document, its page at their anchor.",
        f"RewriteRule ^{part}\\.({rdf_suffixes})$ {target}$1/index.$3 [R=303,L]",
        f"RewriteRule ^{part}\\.html$ {target}$1/#$2 [R=303,NE,L]",
    ]
    for representation in _rdf():
        lines += [
            f'RewriteCond %{{HTTP_ACCEPT}} "{accept_pattern(representation)}"',
            f"RewriteRule ^{part}/?$ {target}$1/index.{representation.extension} [R=303,L]",
        ]
    lines += [
        f"RewriteRule ^{part}/?$ {target}$1/#$2 [R=303,NE,L]",
        "",
        "# A suffixed URL: that representation's file.",
        f"RewriteRule ^(.+)\\.({suffixes})$ {target}$1/index.$2 [R=302,L]",
        "# Any other file (style sheets, scripts, the map, the sitemap): as it is.",
        f"RewriteRule ^(.*\\.[A-Za-z0-9]+)$ {target}$1 [R=302,L]",
        "",
    ]
    for status, pattern, comment in (
        ("303", f"^((?:{things})/.*?)/?$", "Things (Cool URIs 303): the document Accept chooses."),
        ("302", "^(.+?)/?$", "Documents (the ontology, the lists, the territories)."),
    ):
        lines.append(f"# {comment}")
        for representation in _rdf():
            lines += [
                f'RewriteCond %{{HTTP_ACCEPT}} "{accept_pattern(representation)}"',
                f"RewriteRule {pattern} {target}$1/index.{representation.extension} [R={status},L]",
            ]
        lines += [f"RewriteRule {pattern} {target}$1/ [R={status},L]", ""]
    lines += ["# The home page.", f"RewriteRule ^$ {target} [R=302,L]", ""]
    return "\n".join(lines)


def nginx_config(root: str, *, listen: str = "80", server_name: str = "_") -> str:
    """An nginx configuration (for ``conf.d/``: it holds maps and a ``server``) serving the
    site folder ``root`` at a host's root with the rules of ``cskg serve``: suffixed URLs, a 303
    for things, the document chosen by ``Accept`` for the rest, ``Vary`` and ``Link``, the
    French 404 page ``404.html`` of the site. nginx reads Accept by its order (``accept_pattern``).
    """
    extensions = "\n".join(f'    "~{accept_pattern(r)}" {r.extension};' for r in _rdf())
    variants = "\n".join(f'    "~{accept_pattern(r)}" {r.suffix};' for r in _rdf())
    types = "\n".join(f"        {r.media_type} {r.extension};" for r in REPRESENTATIONS)
    suffixes = "|".join(r.extension for r in REPRESENTATIONS)
    things = "|".join(re.escape(prefix.rstrip("/")) for prefix in THINGS)
    part = (
        f"^/(?<cskg_action>{ACTION_PATH})/(?<cskg_part>{PART_PATH})"
        f"(?:\\.(?<cskg_ask>{suffixes}))?/?$"
    )
    link = ", ".join(
        f'<$cskg_resource{"/" if r.name == "html" else r.suffix}>; rel=\\"alternate\\"; '
        f'type=\\"{r.media_type}\\"'
        for r in REPRESENTATIONS
    )
    return f"""# cskg : le site statique écrit par « cskg site », servi avec la négociation
# de contenu de « cskg serve ».
# Écrit par cskg (converter/site/negotiation.py) : ne pas modifier à la main.
map $http_accept $cskg_extension {{
    default html;
{extensions}
}}
map $http_accept $cskg_variant {{
    default /;
{variants}
}}
# What must exist for a thing's 303 (asked without its final slash), and for a document's
# page to be sent to its folder (asked for HTML without the slash); "/-" never exists.
map $cskg_slash $cskg_thing_probe {{
    "" /index.$cskg_extension;
    default /-;
}}
map "$cskg_extension$cskg_slash" $cskg_page_probe {{
    html /index.html;
    default /-;
}}

server {{
    listen {listen};
    server_name {server_name};
    root {root};
    charset utf-8;
    charset_types text/turtle application/ld+json application/n-triples text/css
        application/javascript application/json;
    include /etc/nginx/mime.types;
    types {{
{types}
    }}
    error_page 404 /404.html;
    location = /404.html {{
        internal;
    }}

    # Parts of an action (Cool URIs 303): the action's document, its page at their anchor.
    location ~ "{part}" {{
        set $cskg_to $cskg_variant;
        if ($cskg_ask) {{
            set $cskg_to .$cskg_ask;
        }}
        if ($cskg_to = .html) {{
            set $cskg_to /;
        }}
        if ($cskg_to = /) {{
            add_header Vary Accept always;
            return 303 /$cskg_action/#$cskg_part;
        }}
        add_header Vary Accept always;
        return 303 /$cskg_action$cskg_to;
    }}

    # A suffixed URL: that representation's file (a page: its folder, where its links work).
    location ~ "^(?<cskg_resource>/.+)\\.(?<cskg_suffix>{suffixes})$" {{
        set $cskg_page $cskg_suffix;
        if (-f $request_filename) {{
            set $cskg_page file;
        }}
        if ($cskg_page = html) {{
            return 301 $cskg_resource/;
        }}
        add_header Link "{link}" always;
        try_files $uri $cskg_resource/index.$cskg_suffix =404;
    }}
    # Any other file (style sheets, scripts, the map, the sitemap): as it is.
    location ~ "\\.[A-Za-z0-9]+$" {{
        try_files $uri =404;
    }}
    # Things (Cool URIs 303): the document chosen by Accept; <thing>/ is its page.
    # (One `if` per location, each ending in `return`: nginx's `if` blocks drop try_files.)
    location ~ "^(?<cskg_resource>/(?:{things})/.*?)(?<cskg_slash>/?)$" {{
        if (-f $document_root$cskg_resource$cskg_thing_probe) {{
            add_header Vary Accept always;
            add_header Link "{link}" always;
            return 303 $cskg_resource$cskg_variant;
        }}
        try_files $cskg_resource/index.html =404;
    }}
    # Documents: the representation chosen by Accept (a page: at its folder).
    location ~ "^(?<cskg_resource>.*?)(?<cskg_slash>/?)$" {{
        if (-f $document_root$cskg_resource$cskg_page_probe) {{
            add_header Vary Accept always;
            return 301 $cskg_resource/;
        }}
        add_header Vary Accept always;
        try_files $cskg_resource/index.$cskg_extension =404;
    }}
}}
"""
