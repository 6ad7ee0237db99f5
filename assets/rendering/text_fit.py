"""Word wrapping and shrink-to-fit for text zones, measured on the glyphs' ink.

The largest size in [min_size, max_size] whose wrapped block fits the box is
used; when even min_size does not fit, the text is cut to the lines that fit
and the last one ends with an ellipsis. Nothing is ever drawn outside the box.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PIL import ImageFont

ELLIPSIS = "…"
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


def _ink_width(font: Font, text: str) -> int:
    x0, _, x1, _ = font.getbbox(text, anchor="la")
    return x1 - min(x0, 0)


def _split_word(font: Font, word: str, width: int) -> list[str]:
    """A word wider than the box, cut into pieces that fit (at least one character each)."""
    pieces, current = [], ""
    for char in word:
        if current and _ink_width(font, current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def wrap(font: Font, text: str, width: int) -> list[str]:
    """Greedy wrap at spaces; only words longer than a line are broken inside."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _ink_width(font, candidate) <= width:
            lines[-1] = candidate
        elif _ink_width(font, word) <= width:
            lines.append(word)
        else:
            lines.extend(_split_word(font, word, width))
    return lines


def _block(font: Font, size: int, lines: list[str], truncated: bool) -> FittedText:
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
        font, size, tuple(lines), line_height, left, top, width, bottom - top, boxes, truncated
    )


def _layout(font: Font, size: int, text: str, width: int, height: int, max_lines: int | None):
    lines = wrap(font, text, width)
    if not lines or (max_lines and len(lines) > max_lines):
        return None
    block = _block(font, size, lines, False)
    return block if block.width <= width and block.height <= height else None


def _truncate(font: Font, size: int, text: str, width: int, height: int, max_lines: int | None):
    lines = wrap(font, text, width)
    for count in range(min(len(lines), max_lines or len(lines)), 0, -1):
        kept = lines[:count]
        last = kept[-1]
        while last and _ink_width(font, last.rstrip(" ,;:.-") + ELLIPSIS) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        kept[-1] = last.rstrip(" ,;:.-") + ELLIPSIS
        block = _block(font, size, kept, True)
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
    """The text laid out to fit width × height; None if not even an ellipsis fits."""
    low, high, best = min_size, max_size, None
    while low <= high:  # wrapping makes fit (nearly) monotone in size
        size = (low + high) // 2
        found = _layout(load(size), size, text, width, height, max_lines)
        if found:
            best, low = found, size + 1
        else:
            high = size - 1
    if best is None:
        best = _truncate(load(min_size), min_size, text, width, height, max_lines)
    return best
