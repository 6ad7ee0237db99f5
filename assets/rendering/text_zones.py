"""One text zone drawn: fitted in the brand font, in a colour that reads (WCAG AA)."""

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from assets.brand_kits import BrandKit, TextZone, font_file, load_font
from assets.brand_kits.geometry import Box
from assets.rendering.contrast import (
    BLACK_WHITE,
    WCAG_AA,
    Backdrop,
    Ink,
    contrast_ratio,
    luminance,
    measure,
    pick_ink,
)
from assets.rendering.layers import fill_rounded
from assets.rendering.text_fit import FittedText, fit_text

MIN_FONT_PX = 12  # the floor below which text is truncated instead of shrunk further
# characters tried per zone: more cannot fit legibly, and a 100 kB brief must not stall
TEXT_LIMITS = {"headline": 300, "subheadline": 300, "body": 400, "cta": 60}
BOLD_ZONES = ("headline", "cta")
SCRIM_OPACITIES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(frozen=True)
class Placed:
    fitted: FittedText
    origins: tuple[tuple[int, int], ...]  # each line's (x, y), anchor "la"
    ink: Box  # the drawn text's bounding box on the canvas


def clean(text: str | None, limit: int) -> tuple[str, bool]:
    """Whitespace collapsed, cut to ``limit`` characters at a word boundary."""
    words = " ".join((text or "")[: limit * 4].split())
    if len(words) <= limit:
        return words, False
    cut = words[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.-") + "…", True


def sizes(zone: TextZone) -> tuple[int, int]:
    high = zone.max_font_size or max(MIN_FONT_PX, round(zone.height / 2.6))
    low = zone.min_font_size or max(MIN_FONT_PX, round(high * 0.3))
    return min(low, high), high


def place(fitted: FittedText, box: Box, align: str, valign: str) -> Placed:
    """Line origins so the block's ink sits inside ``box``, aligned as the zone says."""
    free = box.height - fitted.height
    offset = {"top": 0, "middle": free // 2, "bottom": free}[valign]
    y0 = box.y + offset - fitted.top
    origins, inks = [], []
    for index, (x0, y_top, x1, y_bottom) in enumerate(fitted.line_boxes):
        span, lead = x1 - min(x0, 0), -min(x0, 0)
        if align == "center":
            x = box.x + (box.width - span) // 2 + lead
        elif align == "right":
            x = box.right - x1
        else:
            x = box.x + lead
        y = y0 + index * fitted.line_height
        origins.append((x, y))
        inks.append((x + x0, y + y_top, x + x1, y + y_bottom))
    left, top = min(i[0] for i in inks), min(i[1] for i in inks)
    right, bottom = max(i[2] for i in inks), max(i[3] for i in inks)
    ink = Box(x=left, y=top, width=max(1, right - left), height=max(1, bottom - top))
    return Placed(fitted, tuple(origins), ink)


def _around(ink: Box, zone: Box, pad: int) -> Box:
    left, top = max(zone.x, ink.x - pad), max(zone.y, ink.y - pad)
    right, bottom = min(zone.right, ink.right + pad), min(zone.bottom, ink.bottom + pad)
    return Box(x=left, y=top, width=right - left, height=bottom - top)


def _lowest_opacity(pixels: np.ndarray, scrim_rgb, ink_lum: float) -> float:
    """The faintest scrim over ``pixels`` (n × 3) at which the ink reaches AA; 1.0 if none."""
    for opacity in SCRIM_OPACITIES:
        blended = pixels * (1 - opacity) + np.asarray(scrim_rgb, dtype=np.float64) * opacity
        low, high = np.percentile(luminance(np.round(blended)), [5, 95])
        if min(contrast_ratio(ink_lum, low), contrast_ratio(ink_lum, high)) >= WCAG_AA:
            return opacity
    return 1.0


def scrim_margin(size: int) -> int:
    """Room between text and the edge of its scrim."""
    return max(6, round(size * 0.6))


def plain_ink(canvas: Image.Image, kit: BrandKit, area: Box) -> tuple[Ink, Backdrop]:
    """The palette colour (or black/white) that reads best on the pixels of ``area``."""
    backdrop = measure(canvas, area)
    return pick_ink([(color.hex, color.rgb) for color in kit.palette], backdrop), backdrop


def scrim_ink(
    canvas: Image.Image, kit: BrandKit, area: Box, zone: Box, size: int, floor: float = 0.0
):
    """Paint a translucent scrim behind ``area`` (inside ``zone``) so a text colour reaches AA.

    It pairs the palette's darkest and lightest colours (light text on a dark
    scrim over a darkish backdrop, dark text on a light scrim over a lightish
    one), or black and white when those two do not contrast enough; the scrim
    is as faint as it can be while the text's worst-case contrast reaches AA, and
    never fainter than ``floor`` (a repair's).
    """
    by_luminance = sorted(
        ((c.hex, c.rgb) for c in kit.palette), key=lambda c: float(luminance(np.array(c[1])))
    )
    dark, light = by_luminance[0], by_luminance[-1]
    lums = [float(luminance(np.array(c[1]))) for c in (dark, light)]
    if contrast_ratio(*lums) < WCAG_AA + 1:
        dark, light = BLACK_WHITE
    # the text keeps the colour that reads best on the backdrop as a whole; the scrim,
    # in the backdrop's own tone, only evens out the parts where it does not
    backdrop = measure(canvas, area)
    light_lum, dark_lum = (float(luminance(np.array(c[1]))) for c in (light, dark))
    if backdrop.mean_contrast(light_lum) >= backdrop.mean_contrast(dark_lum):
        text, scrim = light, dark
    else:
        text, scrim = dark, light
    pixels = np.asarray(canvas.crop(area.corners), dtype=np.float64).reshape(-1, 3)
    opacity = max(floor, _lowest_opacity(pixels, scrim[1], float(luminance(np.array(text[1])))))
    radius = round(size * 0.3)
    box = _around(area, zone, scrim_margin(size))
    original = canvas.crop(box.corners)
    lum = float(luminance(np.array(text[1])))
    # the rounded mask's edge can differ slightly from the estimate: confirm on real pixels
    for step in (opacity, *(o for o in SCRIM_OPACITIES if o > opacity)):
        canvas.paste(original, box.corners)
        fill_rounded(canvas, box, scrim[1], radius, step)
        backdrop = measure(canvas, area)
        if backdrop.worst_contrast(lum) >= WCAG_AA:
            break
    ink = Ink(
        text[0],
        text[1],
        backdrop.worst_contrast(lum),
        backdrop.mean_contrast(lum),
        text not in BLACK_WHITE,
    )
    return ink, backdrop, {"box": box.as_dict(), "color": scrim[0], "opacity": step}


def draw_lines(canvas: Image.Image, placed: Placed, ink: Ink) -> None:
    draw = ImageDraw.Draw(canvas)
    for line, origin in zip(placed.fitted.lines, placed.origins, strict=True):
        draw.text(origin, line, font=placed.fitted.font, fill=ink.rgb, anchor="la")


def zone_record(zone: TextZone, kit: BrandKit, text: str, capped: bool) -> dict:
    font = kit.font(zone.role)
    return {
        "zone": zone.as_dict(),
        "drawn": False,
        "source_chars": len(text),
        "font_role": zone.role,
        "font_file": font_file(font, bold=zone.name in BOLD_ZONES),
        "font_family": font.family,
        "font_fallback": font.fallback,
        "truncated": capped,
    }


def not_fitted(record: dict, zone: TextZone, text: str) -> dict:
    """The record of a zone left empty: no text given, or a zone too small for one letter
    at the template's minimum size (said so, for the render warnings and the text_fit rule)."""
    if not text:
        return {**record, "reason": "no text"}
    low, _ = sizes(zone)
    reason = f"zone {zone.describe()} too small for one letter at {low} px: text not drawn"
    return {**record, "reason": reason, "too_small": True}


def fit_zone(zone: TextZone, kit: BrandKit, text: str, box: Box, max_lines: int | None):
    font = kit.font(zone.role)
    low, high = sizes(zone)
    bold = zone.name in BOLD_ZONES
    return fit_text(
        text,
        lambda size: load_font(font, size, bold=bold),
        box.width,
        box.height,
        high,
        low,
        max_lines,
    )


def finish_record(record: dict, placed: Placed, ink: Ink, backdrop: Backdrop, scrim) -> dict:
    fitted = placed.fitted
    return {
        **record,
        "drawn": True,
        "text_box": placed.ink.as_dict(),
        "font_size": fitted.size,
        "lines": list(fitted.lines),
        "truncated": record["truncated"] or fitted.truncated,
        "split_words": list(fitted.split_words),
        "text_color": ink.hex,
        "text_color_from_palette": ink.from_palette,
        "contrast_ratio": round(ink.worst_contrast, 3),
        "mean_contrast_ratio": round(ink.mean_contrast, 3),
        "background_luminance": round(backdrop.mean, 5),
        "scrim": scrim,
    }
