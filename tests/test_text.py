"""Slugs and folding agree on the typing variants users meet (issue 12, point 4)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from converter.model import ParseResult
from converter.text import _LATIN_LETTERS, APOSTROPHE_LETTERS, fold, has_bullet, slug, strip_bullet
from tests.conftest import SEED

APOSTROPHES = ["'", "’", "‘", "ʼ", "`"]
DASHES = ["-", "‐", "‑", "–", "—"]
SPACES = [" ", "\u00a0", "\u202f", "\t"]
VARIANTS = [APOSTROPHES, DASHES, SPACES]

words = st.text(alphabet="abcdeéèêàçôûœÉÈ0123456789", min_size=1, max_size=8)


@st.composite
def variant_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """The same words joined by separators of one kind, typed two ways."""
    parts = draw(st.lists(words, min_size=2, max_size=6))
    a, b = [parts[0]], [parts[0]]
    for part in parts[1:]:
        kind = draw(st.sampled_from(VARIANTS))
        a += [draw(st.sampled_from(kind)), part]
        b += [draw(st.sampled_from(kind)), part]
    return "".join(a), "".join(b)


@given(variant_pairs())
def test_apostrophe_dash_and_space_variants_give_one_key_and_one_slug(
    pair: tuple[str, str],
) -> None:
    a, b = pair
    assert fold(a) == fold(b)
    assert slug(a) == slug(b)


def test_the_typographic_apostrophe_separates_words_as_the_straight_one() -> None:
    # the example's "Conseil d'usagers" typed by a word processor
    assert slug("Conseil d’usagers") == slug("Conseil d'usagers") == "conseil-d-usagers"
    assert slug("Conseil dʼusagers") == "conseil-d-usagers"
    assert fold("Conseil dʼusagers") == fold("conseil d'usagers") == "conseildusagers"


def test_latin_letters_without_decomposition_are_spelt_in_ascii() -> None:
    assert slug("Cœur de ville") == "coeur-de-ville"
    assert slug("Straße") == "strasse"
    assert slug("Łódź") == "lodz"


@given(st.text(max_size=40))
def test_a_slug_is_ascii_lower_case_words(text: str) -> None:
    made = slug(text)
    assert made and made.isascii() and made == made.lower()
    assert not made.startswith("-") and not made.endswith("-") and "--" not in made


def _fitting_words(words: list[str], limit: int) -> str:
    """The slug's cut, as documented: the most whole words that fit in ``limit`` characters,
    or the first ``limit`` characters of a first word longer than that."""
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return "-".join(kept) if kept else words[0][:limit]


def test_a_long_slug_keeps_the_whole_words_that_fit_in_80_characters() -> None:
    for first in range(1, 90):
        for second in (1, 2, 7):
            words = ["a" * first, "b" * second, "ccc"]
            made = slug(" ".join(words))
            assert made == _fitting_words(words, 80), (first, second)
            assert len(made) <= 80
    words = ["conseil", "d", "usagers", "du", "centre"]
    assert slug("Conseil d’usagers du centre", max_length=10) == _fitting_words(words, 10)
    assert slug("Conseil d’usagers du centre", max_length=10) == "conseil-d"


def test_text_without_latin_letters_gets_a_hash_even_with_lone_surrogates() -> None:
    """Lone surrogates (from a JSON ``\\ud800``) still give a slug: a hash, never an error."""
    assert slug("\ud800") != slug("\udfff")
    for text in ("\ud800", "💡", "日本"):
        made = slug(text)
        assert made.startswith("x-") and len(made) == 10 and made[2:].isalnum()


BULLETS = ["-", "\u2010", "\u2011", "\u2012", "–", "—", "•", "*"]


def test_each_bullet_is_recognised_and_stripped_once() -> None:
    for bullet in BULLETS:
        for blank in ("", " ", "\t", "\u00a0", "  "):
            assert has_bullet(f"{bullet}{blank}Solidarité")
            assert strip_bullet(f"{bullet}{blank}Solidarité") == "Solidarité"
        assert has_bullet(bullet) and strip_bullet(bullet) == ""
    for line in ("Solidarité", "", " - indenté", "Actions", "x - y", "·"):
        assert not has_bullet(line), line
        assert strip_bullet(line) == line


def test_every_header_and_item_line_of_the_dump_has_a_bullet(seed: ParseResult) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for record in seed.records:
        assert not has_bullet(lines[record.source.first_line - 1])  # « Actions »
        assert not has_bullet(lines[record.source.first_line])  # the title
        for _, line in record.source.field_lines:
            assert has_bullet(lines[line - 1]), line


def _old_letters(text: str) -> str:
    """The character-by-character definition the translate tables replaced (main 2f191df)."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(
        " " if c in APOSTROPHE_LETTERS else c for c in decomposed if not unicodedata.combining(c)
    )


def _old_slug(text: str) -> str:
    """``slug`` as main 2f191df wrote it, on ``_old_letters``."""
    spelt = "".join(c if c.isalnum() else " " for c in _old_letters(text))
    ascii_text = (
        unicodedata.normalize("NFKD", spelt.translate(_LATIN_LETTERS))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(words) > 80:
        cut = words[:81]
        words = cut[: cut.rfind("-")] if "-" in cut else cut[:80]
    return words or "x-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


@given(st.text(st.characters() | st.sampled_from("éÉœʼ’İﬁ\u0301·Ǆ"), max_size=120))
def test_fold_and_slug_keep_their_character_by_character_definition(text: str) -> None:
    assert fold(text) == "".join(c for c in _old_letters(text) if c.isalnum())
    assert slug(text) == _old_slug(text)
