"""Small geometry on pixel boxes (assets/brand_kits/geometry.Box): overlap, gap, growth."""

from assets.brand_kits.geometry import Box


def overlap(a: Box, b: Box) -> int:
    """Pixels the two boxes share."""
    width = min(a.right, b.right) - max(a.x, b.x)
    height = min(a.bottom, b.bottom) - max(a.y, b.y)
    return max(0, width) * max(0, height)


def gap(a: Box, b: Box) -> int:
    """Pixels between two boxes (0 when they touch or overlap)."""
    return max(b.x - a.right, a.x - b.right, b.y - a.bottom, a.y - b.bottom, 0)


def grow(box: Box, by: int) -> Box:
    """The box with ``by`` pixels more on every side (it may leave the canvas)."""
    return Box(x=box.x - by, y=box.y - by, width=box.width + 2 * by, height=box.height + 2 * by)


def within(box: Box, bounds: Box) -> Box | None:
    """The part of ``box`` inside ``bounds``; None when they do not meet."""
    left, top = max(box.x, bounds.x), max(box.y, bounds.y)
    right, bottom = min(box.right, bounds.right), min(box.bottom, bounds.bottom)
    if right <= left or bottom <= top:
        return None
    return Box(x=left, y=top, width=right - left, height=bottom - top)
