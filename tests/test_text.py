"""Slugs and folding agree on the typing variants users meet (issue 12, point 4)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from converter.text import fold, slug

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
def test_apostrophe_dash_and_space_variants_give_one_key_and_one_slug(pair: tuple[str, str]) -> None:
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
