"""The list of actions: facets with counts and a search over titles and texts, both in the
browser without a server (``static/actions.js`` reads the index files written here), and the
same list as plain HTML pages for a browser without JavaScript.

The indexes are JavaScript files holding JSON values (``CSKG.facettes(…)``, ``CSKG.mots(…)``):
a page opened from the disk (``file://``) may load a script, not fetch a JSON file. They are
cut so that a page loads a few small files whatever the number of actions (``indexes``): the
counts on the page's load, the titles of one page of the list, the actions of a clicked value,
the search shard of each typed word (``shards``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from converter.site.actions import FACET_LABELS, ActionRow
from converter.site.html import Here, esc, page
from converter.site.layout import site_path
from converter.site.shards import Postings, encode_ids, script, search_shards, shard_file

LIST_FOLDER = "actions"
INDEX_FOLDER = "index"  # in the list's folder
PER_PAGE = 50
LIST_SHARD = 100  # actions per file of titles
POSTINGS_LIMIT = 48_000  # bytes of a file of a facet's value sets
SEARCH_LIMIT = 48_000  # bytes of a shard of the search index
FACET_SHOWN = 120  # values a facet offers at most (there are 101 départements)
CURRENT = ' aria-current="page"'


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
    """``label``, with the segments of the IRI that tell them apart added where two values of a
    facet share a label (« Préfecture (72) », « Préfecture (46) »: one organisation per
    département, ``organisation/prefecture/72``).

    >>> named = distinct_labels(
    ...     {"f": Counter({"x/prefecture/72": 1, "x/prefecture/46": 1, "x/caf/46": 1})},
    ...     lambda v: "CAF" if "caf" in v else "Préfecture",
    ... )
    >>> named("x/prefecture/72"), named("x/caf/46")
    ('Préfecture (72)', 'CAF')
    """
    qualifiers: dict[str, str] = {}
    for values in counts.values():
        groups: dict[str, list[str]] = {}
        for value in values:
            groups.setdefault(label(value), []).append(value)
        for group in groups.values():
            if len(group) < 2:
                continue
            paths = [v.split("/") for v in group]
            for value, segments in zip(group, paths, strict=True):
                differing = [
                    part
                    for n, part in enumerate(segments)
                    if any(len(other) <= n or other[n] != part for other in paths)
                ]
                qualifiers[value] = "/".join(differing)

    def named(value: str) -> str:
        qualifier = qualifiers.get(value)
        return f"{label(value)} ({qualifier})" if qualifier else label(value)

    return named


def offered(counts: dict[str, Counter[str]], label: Callable[[str], str]) -> dict[str, list[str]]:
    """The values each facet offers, most frequent first: the FACET_SHOWN first (a facet of
    thousands of partners would make a page no one can read, nor load)."""
    return {
        name: [
            value
            for value, _ in sorted(
                counts[name].items(), key=lambda vn: (-vn[1], label(vn[0]).casefold(), vn[0])
            )
        ][:FACET_SHOWN]
        for name in FACET_LABELS
    }


def indexes(
    rows: list[ActionRow], words: Postings, label: Callable[[str], str], base: str
) -> dict[str, bytes]:
    """The index files of the list, by path in the list's folder: ``index-facettes.js`` (the
    values of each facet with their counts, read on the page's load), ``index/liste-N.js``
    (titles and paths of actions N × LIST_SHARD onwards), ``index/valeur-G.js`` (the actions
    of facet value G, the counts of the other facets' values among them and its first page),
    ``index/facette-NAME-N.js`` (the actions of every value of a facet, in files of at most
    POSTINGS_LIMIT bytes, for counts under several criteria), ``index-recherche.js`` and
    ``index/mots-….js`` (the search index ``words``, ``shards.search_shards``). Action and
    value numbers follow the list's order and the facets' order of ``index-facettes.js``.
    """
    counts = facet_counts(rows)
    label = distinct_labels(counts, label)
    ordered = offered(counts, label)
    number: dict[tuple[str, str], int] = {}
    for name, values in ordered.items():
        for value in values:
            number[(name, value)] = len(number)
    listed = [[site_path(row.iri, base), row.title] for row in rows]
    members: list[list[int]] = [[] for _ in number]
    others: list[list[int]] = []  # per action, its values' numbers
    for at, row in enumerate(rows):
        mine = [
            number[(name, v)]
            for name, values in row.facets.items()
            for v in set(values)
            if (name, v) in number
        ]
        others.append(mine)
        for gid in mine:
            members[gid].append(at)
    files: dict[str, bytes] = {}
    chunks: dict[str, int] = {}
    for name, values in ordered.items():
        chunk: dict[str, str] = {}
        chunks[name] = 0
        first = number[(name, values[0])] if values else 0
        own = range(first, first + len(values))
        for value in values:
            value_number = number[(name, value)]
            ids = members[value_number]
            together: Counter[int] = Counter()
            for at in ids:
                together.update(others[at])
            encoded = encode_ids(ids)
            files[f"{INDEX_FOLDER}/valeur-{value_number}.js"] = script(
                "valeur",
                value_number,
                {"a": encoded,
                 "c": [x for g, n in sorted(together.items()) if g not in own for x in (g, n)],
                 "p": [listed[at] for at in ids[:PER_PAGE]]},
            )  # fmt: skip
            if chunk and sum(len(v) + 12 for v in chunk.values()) + len(encoded) > POSTINGS_LIMIT:
                files[f"{INDEX_FOLDER}/facette-{name}-{chunks[name]}.js"] = script(
                    "postings", f"{name}-{chunks[name]}", chunk
                )
                chunks[name] += 1
                chunk = {}
            chunk[str(value_number)] = encoded
        if chunk:
            files[f"{INDEX_FOLDER}/facette-{name}-{chunks[name]}.js"] = script(
                "postings", f"{name}-{chunks[name]}", chunk
            )
            chunks[name] += 1
    for start in range(0, len(listed), LIST_SHARD):
        files[f"{INDEX_FOLDER}/liste-{start // LIST_SHARD}.js"] = script(
            "liste", start // LIST_SHARD, listed[start : start + LIST_SHARD]
        )
    facets = {
        name: {"libelle": FACET_LABELS[name], "paquets": chunks[name],
               "premier": number[(name, values[0])] if values else 0,
               "valeurs": [[value, label(value), counts[name][value]] for value in values]}
        for name, values in ordered.items()
    }  # fmt: skip
    files["index-facettes.js"] = script(
        "facettes", {"total": len(rows), "tranche": LIST_SHARD, "facettes": facets}
    )
    shards = search_shards(words, SEARCH_LIMIT)
    for shard in shards:
        content = {"mots": shard.words} if shard.words is not None else {"tous": shard.all}
        files[f"{INDEX_FOLDER}/{shard_file(shard.key)}"] = script("mots", shard.key, content)
    files["index-recherche.js"] = script(
        "recherche",
        {"feuilles": [s.key for s in shards if s.words is not None],
         "noeuds": [s.key for s in shards if s.words is None]},
    )  # fmt: skip
    return files


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
    for name, values in offered(counts, label).items():
        items = []
        for value in values:
            href = here.to_iri(value) if value.startswith("http") else None
            text = esc(label(value))
            shown = f'<a href="{esc(href)}">{text}</a>' if href else text
            items.append(
                f'<li><label><input type="checkbox" name="{name}" value="{esc(value)}" disabled> '
                f'<span class="valeur">{text}</span></label> '
                f'<span class="nombre">({counts[name][value]})</span>'
                f"<noscript> {shown}</noscript></li>"
            )
        hidden = len(counts[name]) - len(values)
        more = (
            f'<p class="autres">et {hidden} autres valeurs, moins fréquentes</p>' if hidden else ""
        )
        facet_html.append(
            f'<fieldset class="facette" data-facette="{name}"><legend>'
            f"{esc(FACET_LABELS[name])}</legend><ul>{''.join(items)}</ul>{more}</fieldset>"
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
            if n
            else "<li>…</li>"
            for n in pages_near(number, len(chunks))
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


def pages_near(number: int, last: int, *, around: int = 2) -> list[int]:
    """The page numbers a page links to: the first, the last, and those ``around`` its own,
    0 where some are left out (2,000 links on each of 2,000 pages at 100,000 actions).

    >>> pages_near(1, 3), pages_near(50, 2000)
    ([1, 2, 3], [1, 0, 48, 49, 50, 51, 52, 0, 2000])
    """
    shown = sorted({1, last, *range(max(1, number - around), min(last, number + around) + 1)})
    near: list[int] = []
    for n in shown:
        if near and n > near[-1] + 1:
            near.append(0)
        near.append(n)
    return near


def _list_file(number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


def write_list(
    folder: Path, rows: list[ActionRow], words: Postings, label: Callable[[str], str], base: str
) -> None:
    """The list's pages and indexes into ``folder/actions/``: page 1 loads ``actions.js``, then
    ``index-facettes.js`` once the page is read."""
    here = Here(LIST_FOLDER, base)
    target = folder / LIST_FOLDER
    for name, (title, content) in list_pages(rows, label, base).items():
        html = page(here, title, content, scripts=("actions.js",) if name == "index.html" else ())
        if name == "index.html":
            html = html.replace(
                '<script src="../static/actions.js" defer></script>',
                '<script src="../static/actions.js"></script>'
                '<script src="index-facettes.js" defer></script>',
            )
        _write(target / name, html.encode("utf-8"))
    for name, data in indexes(rows, words, label, base).items():
        _write(target / name, data)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
