"""Word wrapping and shrink-to-fit for text zones, measured on the glyphs' ink.

Words stay whole: lines break at spaces and after a word's own hyphens. The largest
size in [min_size, max_size] whose wrapped block fits the box is used (a smaller
size means fewer lines). Only a word wider than the box even at min_size is split,
with a hyphen, and FittedText.split_words names it (the render metadata records it,
the text_fit compliance rule flags it). When even min_size does not fit, the text is
cut to the lines that fit and the last one ends with an ellipsis. Nothing is ever
drawn outside the box.
"""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from PIL import ImageFont

ELLIPSIS = "…"
HYPHEN = "-"
# a word's break points: after each run of hyphens ("Protein-packed" -> "Protein-", "packed")
_PIECES = re.compile(r"[^-]*-+|[^-]+")
Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class FittedText:
    font: Font
    size: int
    lines: tuple[str, ...]
    line_height: int
    # ink extents of the block relative to its first line's origin (anchor "la")
    left: int
    top: int
    width: int
    height: int
    line_boxes: tuple[tuple[int, int, int, int], ...]  # each line's ink (x0, y0, x1, y1)
    truncated: bool
    # words wider than the box at the minimum size, drawn split with a hyphen
    split_words: tuple[str, ...] = ()


def _ink_width(font: Font, text: str) -> int:
    x0, _, x1, _ = font.getbbox(text, anchor="la")
    return x1 - min(x0, 0)


def _split_word(font: Font, word: str, width: int) -> list[str] | None:
    """A word wider than the box, cut into pieces that fit, each but the last ending in a
    hyphen; None when not even one letter and a hyphen fit."""
    pieces, current = [], ""
    for char in word:
        if current and _ink_width(font, current + char + HYPHEN) > width:
            pieces.append(current + HYPHEN)
            current = char
        else:
            current += char
    pieces.append(current)
    return pieces if all(_ink_width(font, piece) <= width for piece in pieces) else None


def _wrap(
    font: Font, text: str, width: int, splittable: Collection[str]
) -> tuple[list[str], list[str]] | None:
    """Greedy wrap at spaces and after hyphens: (lines, words split). A piece wider than
    the box is split when it is in `splittable`; otherwise the text does not fit (None)."""
    lines: list[str] = []
    split: list[str] = []
    for word in text.split():
        for index, piece in enumerate(_PIECES.findall(word)):
            # after a hyphen the word goes on without a space
            candidate = f"{lines[-1]}{'' if index else ' '}{piece}" if lines else piece
            if lines and _ink_width(font, candidate) <= width:
                lines[-1] = candidate
            elif _ink_width(font, piece) <= width:
                lines.append(piece)
            elif piece in splittable and (parts := _split_word(font, piece, width)):
                lines.extend(parts)
                split.append(word)
            else:
                return None
    return lines, split


def wrap(font: Font, text: str, width: int) -> list[str]:
    """The text's lines at this font: whole words where they fit, a hyphen-split word
    only where it is wider than the box; [] when not even one letter fits."""
    wrapped = _wrap(font, text, width, _too_wide(font, text, width))
    return wrapped[0] if wrapped else []


def _too_wide(font: Font, text: str, width: int) -> set[str]:
    return {
        piece
        for word in text.split()
        for piece in _PIECES.findall(word)
        if _ink_width(font, piece) > width
    }


def _block(
    font: Font, size: int, lines: list[str], truncated: bool, split: Collection[str] = ()
) -> FittedText:
    ascent, descent = font.getmetrics()
    line_height = ascent + descent
    boxes = tuple(font.getbbox(line, anchor="la") for line in lines)
    top = min(0, *(box[1] for box in boxes))
    bottom = max(
        (len(lines) - 1) * line_height + ascent + descent,
        *(i * line_height + box[3] for i, box in enumerate(boxes)),
    )
    left = min(0, *(box[0] for box in boxes))
    width = max(box[2] - min(box[0], 0) for box in boxes)
    return FittedText(
        font,
        size,
        tuple(lines),
        line_height,
        left,
        top,
        width,
        bottom - top,
        boxes,
        truncated,
        tuple(dict.fromkeys(split)),
    )


def _layout(
    font: Font,
    size: int,
    text: str,
    box: tuple[int, int],
    max_lines: int | None,
    splittable: Collection[str],
):
    width, height = box
    wrapped = _wrap(font, text, width, splittable)
    if wrapped is None or not wrapped[0] or (max_lines and len(wrapped[0]) > max_lines):
        return None
    block = _block(font, size, wrapped[0], False, wrapped[1])
    return block if block.width <= width and block.height <= height else None


def _truncate(
    font: Font,
    size: int,
    text: str,
    box: tuple[int, int],
    max_lines: int | None,
    splittable: Collection[str],
):
    width, height = box
    wrapped = _wrap(font, text, width, splittable)
    if wrapped is None:
        return None
    lines, split = wrapped
    for count in range(min(len(lines), max_lines or len(lines)), 0, -1):
        kept = lines[:count]
        last = kept[-1]
        while last and _ink_width(font, last.rstrip(" ,;:.-") + ELLIPSIS) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        kept[-1] = last.rstrip(" ,;:.-") + ELLIPSIS
        block = _block(font, size, kept, True, split)
        if block.width <= width and block.height <= height:
            return block
    return None


def fit_text(
    text: str,
    load: Callable[[int], Font],
    width: int,
    height: int,
    max_size: int,
    min_size: int,
    max_lines: int | None = None,
) -> FittedText | None:
    """The text laid out to fit width × height; None if not even an ellipsis fits (a box
    too small for one letter at min_size)."""
    smallest = load(min_size)
    # the only pieces that may be split: too wide for the box even at the minimum size
    splittable = _too_wide(smallest, text, width)
    low, high, best = min_size, max_size, None
    while low <= high:  # wrapping makes fit (nearly) monotone in size
        size = (low + high) // 2
        found = _layout(load(size), size, text, (width, height), max_lines, splittable)
        if found:
            best, low = found, size + 1
        else:
            high = size - 1
    if best is None:
        best = _truncate(smallest, min_size, text, (width, height), max_lines, splittable)
    return best
