"""Text fitting keeps words whole: lines break at spaces and after the writer's own
hyphens; only a word wider than the box at the minimum size is split, and says so."""

from functools import cache

import pytest
from PIL import ImageFont

from assets.rendering.text_fit import fit_text

FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_FILE, size)


def ink_width(size: int, text: str) -> int:
    x0, _, x1, _ = font(size).getbbox(text, anchor="la")
    return x1 - min(x0, 0)


def words_of(lines: tuple[str, ...]) -> list[str]:
    """The words the lines spell, joining a line that ends in a hyphen to the next without
    a space (the reading a person makes); a mid-word cut shows up as a word not in the text."""
    joined = ""
    for line in lines:
        joined += line if not joined or joined.endswith("-") else " " + line
    return joined.split()


def test_a_hyphenated_word_breaks_at_its_hyphen_never_inside() -> None:
    text = "Protein-packed breakfast bowls"
    # at 60 px the text would only fit by cutting "Protein-packed" mid-word; at some
    # smaller size every word is whole, and that is the size used
    width = ink_width(40, "breakfast") + 2
    fitted = fit_text(text, font, width, 1000, max_size=60, min_size=12)
    assert fitted is not None and not fitted.split_words and not fitted.truncated
    assert words_of(fitted.lines) == text.split()
    assert all(
        piece in ("Protein-", "packed", "breakfast", "bowls", "Protein-packed")
        or set(piece.split()) <= set(text.split())
        for piece in fitted.lines
    )
    assert all(ink_width(fitted.size, line) <= width for line in fitted.lines)
    # the largest such size: one pixel more and some word no longer fits whole
    bigger = fit_text(text, font, width, 1000, max_size=fitted.size + 1, min_size=fitted.size + 1)
    assert bigger is None or bigger.split_words or bigger.truncated


def test_the_largest_size_with_whole_words_wins_over_a_bigger_split_one() -> None:
    text = "Unbelievably crunchy granola"
    width = ink_width(30, "Unbelievably") + 1
    fitted = fit_text(text, font, width, 1000, max_size=90, min_size=10)
    assert fitted is not None and fitted.size in (30, 31)
    assert words_of(fitted.lines) == text.split() and fitted.split_words == ()


def test_only_a_word_wider_than_the_box_at_the_minimum_size_is_split_with_a_hyphen() -> None:
    long_word = "Supercalifragilisticexpialidocious"
    text = f"A {long_word} treat"
    width = ink_width(12, long_word) // 3
    fitted = fit_text(text, font, width, 2000, max_size=40, min_size=12)
    assert fitted is not None
    assert fitted.split_words == (long_word,)
    assert all(ink_width(fitted.size, line) <= width for line in fitted.lines)
    # the text has no hyphens of its own: with the added ones dropped, it reads whole
    assert [word.replace("-", "") for word in words_of(fitted.lines)] == text.split()
    assert sum(line.endswith("-") for line in fitted.lines) >= 2


def test_a_box_too_small_for_one_letter_at_the_minimum_size_fits_nothing() -> None:
    assert fit_text("Hello world", font, 3, 3, max_size=40, min_size=12) is None
    # narrow but tall: still not one letter wide
    assert fit_text("Hello", font, ink_width(12, "H") - 2, 4000, max_size=40, min_size=12) is None


@pytest.mark.parametrize("text", ["well-known brand-new", "x-ray", "long-lasting, low-sugar", "--"])
def test_hyphens_in_the_text_are_kept_and_never_lose_letters(text: str) -> None:
    width = ink_width(14, max(text.split(), key=len)) + 1
    fitted = fit_text(text, font, width, 1000, max_size=30, min_size=14)
    assert fitted is not None and fitted.split_words == ()
    assert words_of(fitted.lines) == text.split()
