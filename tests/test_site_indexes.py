"""The action list's indexes cut in small files (issue 15: facets and search without a server,
for 100,000 actions): the shards together hold the whole index, a search finds what the
search over whole texts found, and no file a page loads passes a bound at 10,000 actions."""

from __future__ import annotations

import bisect
import json
import random
import unicodedata
from dataclasses import dataclass
from typing import Any

import pytest

from converter.convert import convert
from converter.site.actions import ActionRow, action_texts, read_actions
from converter.site.facets import FACET_SHOWN, indexes, list_pages
from converter.site.graph import load_store
from converter.site.shards import _COMBINING, _NOT_WORD, decode_ids, fold, postings
from tests.conftest import SEED

BASE = "https://w3id.org/cskg/"
BOUND = 128 * 1024  # bytes of any one file the list page loads, at 10,000 actions


@dataclass
class Example:
    rows: list[ActionRow]
    texts: list[list[str]]  # each row's texts, as the fiche gives them


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Example:
    folder = tmp_path_factory.mktemp("indexes")
    convert([SEED], folder)
    store = load_store(folder)
    rows = read_actions(store).rows
    return Example(rows, [action_texts(store, row.iri) for row in rows])


def _label(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def _rows_at(count: int, example: Example) -> tuple[list[ActionRow], list[str]]:
    """``count`` actions made of the example's: their facets, each with a title of its own, a
    département among 101 and partners among count // 5 (generate.py's mix); and their
    texts (the example's, after the title), folded as the search reads them."""
    draw = random.Random(15)
    rows, texts = [], []
    for n in range(count):
        model = example.rows[n % len(example.rows)]
        facets = {name: list(values) for name, values in model.facets.items()}
        facets["departement"] = [f"http://id.insee.fr/geo/departement/{draw.randrange(101)}"]
        facets["partenaire"] = sorted(
            {f"{BASE}id/organisation/o{draw.randrange(count // 5)}" for _ in range(3)}
        )
        title = f"{model.title} n° {n}"
        rows.append(ActionRow(f"{BASE}id/action/a{n:06d}", title, facets=facets))
        texts.append(fold(" ".join([title, *example.texts[n % len(example.rows)]])))
    return rows, texts


def _values(files: dict[str, bytes], name: str) -> list[object]:
    text = files[name].decode()
    call = text[text.index(".") + 1 : text.index("(")]
    values = json.loads("[" + text[len(f"CSKG.{call}(") : -3] + "]")
    assert isinstance(values, list)
    return values


@dataclass
class Large:
    rows: list[ActionRow]
    files: dict[str, bytes]
    texts: list[str]  # folded, as the search reads them
    shards: dict[str, dict[str, object]]  # key → shard


@pytest.fixture(scope="module")
def large(example: Example) -> Large:
    rows, texts = _rows_at(10_000, example)
    files = indexes(rows, postings(texts), _label, BASE)
    shards = {}
    for name in files:
        if name.startswith("index/mots"):
            key, shard = _values(files, name)
            assert isinstance(key, str) and isinstance(shard, dict)
            shards[key] = shard
    return Large(rows, files, texts, shards)


def _lookup(large: Large, word: str) -> set[int]:
    """What ``static/actions.js`` does for one typed word: the shard of the longest key the
    word starts with; a split key's union when the word is that key."""
    [keys] = _values(large.files, "index-recherche.js")
    assert isinstance(keys, dict)
    for n in range(len(word), -1, -1):
        key = word[:n]
        if key in keys["feuilles"] or key in keys["noeuds"]:
            shard: Any = large.shards[key]
            if "tous" in shard:
                return set(decode_ids(shard["tous"])) if key == word else set()
            return {n for w, ids in shard["mots"].items() if w.startswith(word)
                    for n in decode_ids(ids)}  # fmt: skip
    return set()


def test_the_shards_together_hold_the_whole_index(large: Large) -> None:
    rows, files = large.rows, large.files
    listed = [
        row for name in sorted(files, key=lambda n: (len(n), n))
        if name.startswith("index/liste-") for row in _values(files, name)[1]  # type: ignore[attr-defined]
    ]  # fmt: skip
    assert listed == [[row.iri.removeprefix(BASE), row.title] for row in rows]
    whole = postings(large.texts)
    words: dict[str, list[int]] = {}
    unions: dict[str, list[int]] = {}
    for key, shard in large.shards.items():
        if "tous" in shard:
            unions[key] = decode_ids(str(shard["tous"]))
        for word, ids in dict(shard.get("mots", {})).items():  # type: ignore[call-overload]
            assert word.startswith(key) and word not in words
            words[word] = decode_ids(ids)
    split = {w: ids for w, ids in whole.items() if w in unions}  # a split key's own word
    assert {**words, **split}.keys() == whole.keys()
    assert all(words[w] == list(ids) for w, ids in whole.items() if w in words)
    ordered = sorted(whole)
    for key, ids in unions.items():
        under = ordered[
            bisect.bisect_left(ordered, key) : bisect.bisect_left(ordered, key + "\uffff")
        ]
        assert ids == sorted({n for w in under for n in whole[w]})
    assert len(unions) > 10  # 10,000 actions do not fit in one shard
    [meta] = _values(files, "index-facettes.js")
    assert isinstance(meta, dict)
    for facet, about in meta["facettes"].items():
        chunks: dict[str, str] = {}
        for k in range(about["paquets"]):
            chunks |= _values(files, f"index/facette-{facet}-{k}.js")[1]  # type: ignore[arg-type]
        assert len(chunks) == len(about["valeurs"]) <= FACET_SHOWN
        for offset, (value, _, count) in enumerate(about["valeurs"]):
            number = about["premier"] + offset
            expected = [n for n, row in enumerate(rows) if value in row.facets.get(facet, [])]
            assert decode_ids(chunks[str(number)]) == expected and len(expected) == count
            [_, single] = _values(files, f"index/valeur-{number}.js")
            assert isinstance(single, dict) and decode_ids(single["a"]) == expected


@pytest.mark.parametrize("typed", ["ÉCRIVAIN", "Électroménager", "JEUNES", "Café", "cafe", "Été"])
def test_a_search_with_accents_and_capitals_finds_what_the_whole_text_search_found(
    large: Large, typed: str
) -> None:
    """The search before the shards looked for each folded word in each action's folded
    text: the same actions, for words that start a word of the texts."""
    word = fold(typed)
    before = {n for n, text in enumerate(large.texts) if " " + word in " " + text}
    assert before, typed
    assert _lookup(large, word) == before


def test_no_file_a_page_loads_passes_the_bound_at_10000_actions(large: Large) -> None:
    rows, files = large.rows, large.files
    assert len(files) > 300  # cut indeed: files of titles, values, facet sets, search shards
    sizes = {name: len(data) for name, data in files.items()}
    html = list_pages(rows, _label, BASE)
    sizes |= {name: len(content.encode()) for name, (_, content) in html.items()}
    too_large = {name: size for name, size in sizes.items() if size > BOUND}
    assert too_large == {}, too_large
    assert sum(sizes.values()) > 20 * BOUND  # the whole is far above what a page loads


def test_a_facet_offers_its_most_frequent_values_only(large: Large) -> None:
    rows, files = large.rows, large.files
    [meta] = _values(files, "index-facettes.js")
    assert isinstance(meta, dict)
    partners = meta["facettes"]["partenaire"]["valeurs"]
    assert len(partners) == FACET_SHOWN
    counts = [n for _, _, n in partners]
    assert counts == sorted(counts, reverse=True)
    _, content = list_pages(rows, _label, BASE)["index.html"]
    used = len({v for row in rows for v in row.facets["partenaire"]})
    assert f"et {used - FACET_SHOWN} autres valeurs" in content
    assert len(meta["facettes"]["departement"]["valeurs"]) == 101  # every one offered


def _fold_whole(text: str) -> str:
    """The fold of the whole text at once, as the search defined it before it went character
    by character."""
    decomposed = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return " ".join(_NOT_WORD.sub(" ", decomposed.replace("œ", "oe").replace("æ", "ae")).split())


def test_folding_character_by_character_equals_folding_the_whole_text() -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    draw = random.Random(15)
    ranges = [(32, 0x250), (0x250, 0x3000), (0x300, 0x370), (0xAC00, 0xAC20), (0xFB00, 0xFB07)]
    noise = [
        "".join(chr(draw.randrange(*draw.choice(ranges))) for _ in range(draw.randrange(1, 12)))
        for _ in range(5000)
    ]
    assert [fold(t) for t in lines + noise] == [_fold_whole(t) for t in lines + noise]


def test_a_plain_page_of_the_list_links_to_its_neighbours_not_to_every_page(
    large: Large,
) -> None:
    """200 pages at 10,000 actions: page 100 links to 1, 98 to 102 and 200 (no JavaScript)."""
    _, content = list_pages(large.rows, _label, BASE)["page-100.html"]
    nav = content.split('id="pages-statiques"')[1].split("</nav>")[0]
    assert nav.count("<a ") == 7 and nav.count("<li>…</li>") == 2
    assert 'href="page-100.html" aria-current="page"' in nav and 'href="page-200.html"' in nav
