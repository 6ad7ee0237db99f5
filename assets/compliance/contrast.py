"""Text contrast: the WCAG 2.x contrast ratio of each drawn text block against its backdrop.

Measured on the pixels inside the text's box (from the render metadata). Which
pixels are glyphs is found in the pixels: Otsu's threshold splits the box's luma
into up to four classes, and the glyphs are the class nearest the lightness of the
ink the renderer reports (without one: the minority side). The ratio itself comes
from pixels only. Text colour: the glyphs' core (their half furthest from the
backdrop, free of anti-aliasing). Backdrop: a ring just around the glyphs, taken
at its 10 % of pixels nearest the text's lightness (on either side), so a gradient
or a shape behind the text cannot hide a low-contrast stretch behind an average.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageColor

from assets.compliance.render_info import RenderInfo, TextElement, drawn_texts
from assets.compliance.results import Measurement, RuleResult, not_measured
from assets.compliance.settings import RuleSettings
from assets.rendering.contrast import contrast_ratio, luminance

RULE = "text_contrast"
LARGE_PX = 24.0  # 18 pt
LARGE_BOLD_PX = 18.66  # 14 pt bold
MIN_TEXT_SHARE = 0.002  # fewer glyph pixels than this: no visible text at all
WORST_PERCENTILE = 10  # the renderer itself tolerates 5 % of the whole area
# big glyphs keep their cores when pixels are skipped: one read per SUBSAMPLE_PX of size
SUBSAMPLE_PX = 30
MAX_STEP = 4
EDGE_PX = 2  # anti-aliased edge around glyphs, neither text nor backdrop


@dataclass(frozen=True)
class Measured:
    ratio: float
    text_rgb: tuple[int, int, int]
    backdrop_rgb: tuple[int, int, int]


def _otsu(histogram: np.ndarray) -> int:
    """The threshold t (pixels ≤ t vs > t) maximising the between-class variance."""
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram, dtype=np.float64)
    total = weight[-1]
    mass = np.cumsum(histogram * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight / total - mass) ** 2 / (weight * (total - weight))
    between[~np.isfinite(between)] = -1
    return int(np.argmax(between))


def _grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` dilated by a (2·radius + 1)² square.

    Shifted ORs with growing steps: a run covering ±c, ORed with itself shifted by
    s ≤ 2c + 1 both ways, covers ±(c + s) without gaps; so radius 8 takes 3 rounds.
    """
    if radius <= 0:
        return mask.copy()
    # padded, so that a run clipped by the edge cannot leave a gap in the next round
    grown = np.pad(mask, radius)
    for axis in (0, 1):
        covered = 0
        while covered < radius:
            step = min(2 * covered + 1, radius - covered)
            head = (slice(None),) * axis + (slice(step, None),)
            tail = (slice(None),) * axis + (slice(None, -step),)
            grown[head] |= grown[tail]
            grown[tail] |= grown[head]
            covered += step
    return grown[radius:-radius, radius:-radius]


def _level(histogram: np.ndarray, share: float) -> int:
    """The luma level below which ``share`` of the histogram's pixels lie."""
    cumulative = np.cumsum(histogram)
    return int(np.searchsorted(cumulative, share * cumulative[-1]))


def _minority_side(luma: np.ndarray, histogram: np.ndarray) -> np.ndarray:
    """Without the renderer's ink: Otsu's smaller class, split on until it is a minority."""
    dark = int(histogram[: _otsu(histogram) + 1].sum()) * 2 <= luma.size
    region = np.ones(luma.shape, dtype=bool)
    for _ in range(4):
        threshold = _otsu(np.bincount(luma[region], minlength=256))
        part = region & ((luma <= threshold) if dark else (luma > threshold))
        if not part.any() or part.sum() == region.sum():
            break
        region = part
        if region.sum() * 2 <= luma.size:
            break
    return region


def _class_of(luma: np.ndarray, histogram: np.ndarray, level: float) -> np.ndarray:
    """The class, of Otsu's up-to-four (two splits), whose pixels lie nearest ``level``.

    Text can sit between two backdrops (a faint headline over a dark field and a
    light shape); the class nearest the ink's lightness is the glyphs, wherever it is.
    """
    levels = np.arange(256)
    first = _otsu(histogram)
    bounds = [-1]
    for low, high in ((0, first), (first + 1, 255)):
        part = np.zeros(256, dtype=histogram.dtype)
        part[low : high + 1] = histogram[low : high + 1]
        if part.sum():
            bounds.append(_otsu(part))
        bounds.append(high)
    bounds = sorted(set(bounds))
    best, best_distance = None, None
    for low, high in zip(bounds, bounds[1:], strict=False):
        counts = histogram[low + 1 : high + 1]
        if counts.sum() == 0:
            continue
        middle = float((counts * levels[low + 1 : high + 1]).sum() / counts.sum())
        distance = abs(middle - level)
        if best_distance is None or distance < best_distance:
            best, best_distance = (low, high), distance
    return (luma > best[0]) & (luma <= best[1])


def _luma601(rgb: tuple[int, int, int]) -> float:
    """Pillow's "L" of a colour, to compare with the box's luma."""
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _nearest(luma: np.ndarray, mask: np.ndarray, level: float, share: float) -> np.ndarray:
    """The ``share`` of ``mask``'s pixels whose luma lies nearest ``level`` (either side)."""
    distance = np.abs(luma.astype(np.int16) - round(level))
    cut = _level(np.bincount(distance[mask], minlength=256), share)
    return mask & (distance <= cut)


def measure_text(
    image: Image.Image, element: TextElement, ink: tuple[int, int, int] | None = None
) -> Measured | None:
    """The contrast of the text drawn in ``element``; None when the box shows no text.

    ``ink``: the colour the renderer says it used, only to find which pixels are glyphs.
    """
    box = element.text_box
    corners = (
        max(0, box.x - EDGE_PX),
        max(0, box.y - EDGE_PX),
        min(image.width, box.right + EDGE_PX),
        min(image.height, box.bottom + EDGE_PX),
    )
    crop = image.crop(corners)
    size = element.font_size or 0
    step = max(1, min(MAX_STEP, int(size // SUBSAMPLE_PX)))
    if step > 1 and min(crop.size) >= 4 * step:
        crop = crop.resize((crop.width // step, crop.height // step), Image.Resampling.NEAREST)
        size /= step
    rgb = np.asarray(crop)
    luma = np.asarray(crop.convert("L"))
    histogram = np.bincount(luma.ravel(), minlength=256)
    if ink is not None:
        glyphs = _class_of(luma, histogram, _luma601(ink))
    else:
        glyphs = _minority_side(luma, histogram)
    if glyphs.sum() < max(1, MIN_TEXT_SHARE * luma.size) or glyphs.all():
        return None
    ring_width = max(3, round(size * 0.12))
    ring = _grow(glyphs, EDGE_PX + ring_width) & ~_grow(glyphs, EDGE_PX)
    if not ring.any():
        return None
    ring_median = _level(np.bincount(luma[ring], minlength=256), 0.5)
    glyph_histogram = np.bincount(luma[glyphs], minlength=256)
    dark_text = _level(glyph_histogram, 0.5) < ring_median
    # the glyphs' core: their half furthest from the backdrop
    core_level = _level(glyph_histogram, 0.25 if dark_text else 0.75)
    # keep as glyphs only what lies nearer their core than 40 % of the way to the backdrop
    reach = 0.4 * abs(ring_median - core_level)
    text = _grow(glyphs, 1) & (np.abs(luma.astype(np.int16) - core_level) <= reach)
    core = text & ((luma <= core_level) if dark_text else (luma >= core_level))
    ring = _grow(text, EDGE_PX + ring_width) & ~_grow(text, EDGE_PX)
    if not core.any() or not ring.any():
        return None
    # the backdrop's least favourable stretch: the ring pixels nearest the text's lightness
    near = _nearest(luma, ring, core_level, WORST_PERCENTILE / 100)
    text_rgb = rgb[core].mean(axis=0)
    backdrop_rgb = rgb[near].mean(axis=0)
    ratio = contrast_ratio(float(luminance(text_rgb)), float(luminance(backdrop_rgb)))
    return Measured(
        ratio=round(ratio, 2),
        text_rgb=tuple(int(round(v)) for v in text_rgb),
        backdrop_rgb=tuple(int(round(v)) for v in backdrop_rgb),
    )


def _ink(element: TextElement) -> tuple[int, int, int] | None:
    try:
        return ImageColor.getrgb(element.text_color)[:3] if element.text_color else None
    except ValueError:
        return None


def _required(element: TextElement, settings: RuleSettings) -> tuple[float, bool]:
    size = element.font_size or 0
    large = size >= LARGE_PX or (element.bold and size >= LARGE_BOLD_PX)
    return (settings.contrast_large if large else settings.contrast_normal), large


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def contrast_rule(
    image: Image.Image, info: RenderInfo | None, settings: RuleSettings
) -> RuleResult:
    weight = settings.weight(RULE)
    drawn, reason = drawn_texts(info, "no render metadata, so no known text zones")
    if reason:
        return not_measured(RULE, weight, reason)
    checks = []
    worst = None  # (ratio / required, ratio, required)
    for element in drawn:
        required, large = _required(element, settings)
        found = measure_text(image, element, _ink(element))
        ratio = found.ratio if found is not None else 1.0
        kind = "large text" if large else "text"
        if found is None:
            message = f"{element.name}: no visible text in its box {element.text_box.describe()}"
        else:
            message = (
                f"{element.name}: {ratio:.2f}:1, {_hex(found.text_rgb)} on "
                f"{_hex(found.backdrop_rgb)} ({kind}, needs {required:g}:1)"
            )
        checks.append(Measurement(element.name, ratio, required, ratio >= required, message))
        if worst is None or ratio / required < worst[0]:
            worst = (ratio / required, ratio, required)
    failed = [check for check in checks if not check.passed]
    return RuleResult(
        rule=RULE,
        value=worst[1],
        threshold=worst[2],
        weight=weight,
        passed=not failed,
        message="; ".join(c.message for c in failed)
        if failed
        else f"every text zone reads (lowest {worst[1]:.2f}:1)",
        progress=max(0.0, (worst[1] - 1) / (worst[2] - 1)) if worst[2] > 1 else 0.0,
        checks=tuple(checks),
    )
