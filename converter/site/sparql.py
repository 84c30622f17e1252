"""The SPARQL page: YASGUI (vendored from npm, ``static/vendor/``) with the cskg prefixes and
the query library (``queries/*.rq``) in a list, each with its French question and parameters.

Everything is served by the site itself: no CDN, and the autocompleters that ask remote
services are off (``static/sparql.js``). A library query is loaded as written, its parameters
at their defaults in its ``VALUES`` block, where the user changes them: no value is pasted into
SPARQL by the page (``cskg query --param`` binds them through ``converter.query.sparql_term``).
"""

from __future__ import annotations

import functools
import html
import json
import shutil
from pathlib import Path

from converter.files import write_atomically
from converter.query import library
from converter.vocab import PREFIXES

STATIC_DIR = Path(__file__).with_name("static")
ASSETS = ("sparql.js", "vendor/yasgui.min.js", "vendor/yasgui.min.css")
DEFAULT_ENDPOINT = "/query"


def settings(endpoint: str = DEFAULT_ENDPOINT) -> dict[str, object]:
    """What the page's script reads: the endpoint, the prefixes, the library."""
    return {
        "endpoint": endpoint,
        "prefixes": dict(sorted(PREFIXES.items())),
        "queries": [
            {
                "name": query.name,
                "question": query.question,
                "parameters": [
                    {
                        "name": p.name,
                        "help": p.help_fr,
                        "meaning": p.meaning,
                        "default": p.default,
                    }
                    for p in query.parameters.values()
                ],
                "text": query.text,
            }
            for query in library()
        ],
    }


@functools.cache
def sparql_page(endpoint: str = DEFAULT_ENDPOINT) -> bytes:
    """The page, in French; its assets are relative to its folder (``sparql/``).

    >>> b'lang="fr"' in sparql_page() and b"actions-par-departement" in sparql_page()
    True
    """
    data = json.dumps(settings(endpoint), ensure_ascii=False, sort_keys=True)
    data = data.replace("</", "<\\/")  # a query text can never close the script element
    options = "".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.question or q.name)}</option>'
        for q in library()
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Éditeur SPARQL – cskg</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="vendor/yasgui.min.css">
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem;
       color: #1e1e1e; }}
label {{ font-weight: bold; display: block; margin-bottom: .3rem; }}
select {{ font-size: 1rem; max-width: 100%; }}
a {{ color: #000091; }}
/* YASGUI's light colours fail the WCAG AA contrast (axe-core) */
.CodeMirror .cm-string-2 {{ color: #8a3c00; }}
.CodeMirror .CodeMirror-linenumber {{ color: #595959; }}
</style>
</head>
<body>
<header><p><a href="../">Accueil du site</a></p></header>
<main>
<h1>Éditeur SPARQL</h1>
<p>Le point d'accès <code>{html.escape(endpoint)}</code> sert les actions, l'ontologie et les
vocabulaires, en lecture seule. Les préfixes cskg sont déclarés dans la requête de départ.</p>
<label for="bibliotheque">Requêtes de la bibliothèque</label>
<select id="bibliotheque">
<option value="">— choisir une requête —</option>
{options}
</select>
<div id="bibliotheque-aide" aria-live="polite"></div>
<div id="yasgui"></div>
</main>
<script type="application/json" id="cskg-sparql">{data}</script>
<script src="vendor/yasgui.min.js"></script>
<script src="sparql.js"></script>
</body>
</html>
""".encode()


def write_sparql_page(folder: Path, *, endpoint: str = DEFAULT_ENDPOINT) -> list[Path]:
    """Write the page and its assets into ``folder/sparql/`` (the static export); the files
    written.
    """
    written = [folder / "sparql" / "index.html"]
    write_atomically(written[0], sparql_page(endpoint))
    for asset in ASSETS:
        target = folder / "sparql" / asset
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STATIC_DIR / asset, target)
        written.append(target)
    return written
