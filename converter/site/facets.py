"""The list of actions: facets with counts and a search over titles and texts, both in the
browser without a server (``static/actions.js`` reads two index files written here), and the
same list as plain HTML pages for a browser without JavaScript.

The indexes are JavaScript files holding one JSON value each (``CSKG.facettes(…)``,
``CSKG.recherche(…)``): a page opened from the disk (``file://``) may load a script, not
fetch a JSON file. The search index holds, per action, its title and texts folded (lower case,
no accents, words of letters and digits), loaded on the first search only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable

from converter.site.actions import FACET_LABELS, ActionRow
from converter.site.html import Here, esc
from converter.site.layout import site_path

LIST_FOLDER = "actions"
PER_PAGE = 50
CURRENT = ' aria-current="page"'
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, accents and punctuation removed, words separated by one space: what the
    search compares (``static/actions.js`` folds the query the same way).

    >>> fold("Écrivain PUBLIC, l'été à Saint-Étienne")
    'ecrivain public l ete a saint etienne'
    """
    decomposed = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return " ".join(_NOT_WORD.sub(" ", decomposed.replace("œ", "oe").replace("æ", "ae")).split())


def facet_counts(rows: list[ActionRow]) -> dict[str, Counter[str]]:
    """For each facet, how many actions have each value."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACET_LABELS}
    for row in rows:
        for name, values in row.facets.items():
            counts[name].update(set(values))
    return counts


def distinct_labels(
    counts: dict[str, Counter[str]], label: Callable[[str], str]
) -> Callable[[str], str]:
    """``label``, with the IRI's parent segment added where two values of a facet share a label
    (« Préfecture (72) », « Préfecture (46) »: organisations are named per département)."""
    shared: set[str] = set()
    for values in counts.values():
        seen = Counter(label(v) for v in values)
        shared |= {v for v in values if seen[label(v)] > 1 and v.count("/") > 1}

    def named(value: str) -> str:
        return f"{label(value)} ({value.rsplit('/', 2)[-2]})" if value in shared else label(value)

    return named


def _script(call: str, value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    safe = text.replace("</", "<\\/")
    return f"CSKG.{call}({safe});\n".encode()


def indexes(rows: list[ActionRow], label: Callable[[str], str], base: str) -> dict[str, bytes]:
    """The two index files, by name in the list's folder."""
    counts = facet_counts(rows)
    label = distinct_labels(counts, label)
    facets = {
        name: {
            "libelle": FACET_LABELS[name],
            "valeurs": [
                [value, label(value), n]
                for value, n in sorted(
                    counts[name].items(), key=lambda vn: (-vn[1], label(vn[0]).casefold(), vn[0])
                )
            ],
        }
        for name in FACET_LABELS
    }
    actions = [
        {"p": site_path(row.iri, base), "t": row.title,
         "f": {name: values for name, values in sorted(row.facets.items()) if values}}
        for row in rows
    ]  # fmt: skip
    search = [fold(" ".join([row.title, *row.texts])) for row in rows]
    return {
        "index-facettes.js": _script("facettes", {"actions": actions, "facettes": facets}),
        "index-recherche.js": _script("recherche", search),
    }


def list_pages(
    rows: list[ActionRow], label: Callable[[str], str], base: str
) -> dict[str, tuple[str, str]]:
    """file name in the list's folder → (title, main content): page 1 holds the facets and the
    search form, every page a slice of the plain list, linked page to page."""
    here = Here(LIST_FOLDER, base)
    counts = facet_counts(rows)
    label = distinct_labels(counts, label)
    total = len(rows)
    chunks = [rows[i : i + PER_PAGE] for i in range(0, total, PER_PAGE)] or [[]]
    facet_html = []
    for name, title in FACET_LABELS.items():
        items = []
        for value, count in sorted(
            counts[name].items(), key=lambda vc: (-vc[1], label(vc[0]).casefold(), vc[0])
        ):
            href = here.to_iri(value) if value.startswith("http") else None
            text = esc(label(value))
            shown = f'<a href="{esc(href)}">{text}</a>' if href else text
            items.append(
                f'<li><label><input type="checkbox" name="{name}" value="{esc(value)}" disabled> '
                f'<span class="valeur">{text}</span></label> <span class="nombre">({count})</span>'
                f"<noscript> {shown}</noscript></li>"
            )
        facet_html.append(
            f'<fieldset class="facette" data-facette="{name}"><legend>{esc(title)}</legend>'
            f"<ul>{''.join(items)}</ul></fieldset>"
        )
    pages: dict[str, tuple[str, str]] = {}
    for number, chunk in enumerate(chunks, 1):
        start = (number - 1) * PER_PAGE
        listed = "".join(
            f'<li><a href="{esc(here.to(site_path(r.iri, base) or ""))}">{esc(r.title)}</a></li>'
            for r in chunk
        )
        nav = "".join(
            f'<li><a href="{_list_file(n)}"{CURRENT if n == number else ""}>{n}</a></li>'
            for n in range(1, len(chunks) + 1)
        )
        body = [f"<h1>Les actions ({total})</h1>"]
        if number == 1:
            body.append(
                '<form class="recherche" role="search" id="recherche" hidden>'
                '<label for="q">Rechercher dans les titres et les textes</label> '
                '<input type="search" id="q" name="q" autocomplete="off"> '
                '<button type="button" id="effacer">Tout effacer</button></form>'
                '<div class="liste-actions"><div class="facettes" id="facettes">'
                + "".join(facet_html)
                + '</div><div class="resultats"><p id="compte" role="status" aria-live="polite">'
                f"{total} actions</p>"
            )
        else:
            body.append('<div class="liste-actions"><div class="resultats">')
        body.append(
            f'<ol id="liste" class="actions" start="{start + 1}">{listed}</ol>'
            '<nav aria-label="Pages de la liste" id="pages-statiques">'
            f'<ul class="pages">{nav}</ul></nav>'
            '<nav aria-label="Pages des résultats" id="pages" hidden><ul class="pages"></ul></nav>'
            "</div></div>"
        )
        pages[_list_file(number)] = (f"Les actions, page {number}", "".join(body))
    return pages


def _list_file(number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"
