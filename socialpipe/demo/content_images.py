"""Finished-looking post images for the demo history, drawn with Pillow.

Rendered at the placement's full pixel size into the template's zones: a
brand-colour gradient, the headline and keywords in the brand fonts, a call
to action button and the logo. Good enough that the compliance and variants
stages find real brand colours, text and a logo where the template says.
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from core.placements import Placement
from socialpipe.demo.brands import DemoBrand
from socialpipe.demo.media import load_font
from socialpipe.demo.templates import layout_zones


@dataclass(frozen=True)
class Drift:
    """How far a post strays from its brand kit, as older posts made by hand did: a
    background of another colour than the brand's, a logo drawn smaller than its zone.
    The compliance scorer measures both in the pixels (palette adherence, logo size)."""

    background: str | None = None  # the gradient starts here instead of the primary colour
    logo_scale: float = 1.0  # the logo's size as a share of its zone's


ON_BRAND = Drift()


def _rgb(hex_color: str) -> np.ndarray:
    return np.array(ImageColor.getrgb(hex_color)[:3], dtype=np.float32)


def _luminance(hex_color: str) -> float:
    """WCAG relative luminance: picks dark or light text for the background."""
    channels = _rgb(hex_color) / 255
    linear = np.where(channels <= 0.03928, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def _mix(first: str, second: str, share: float) -> str:
    """``share`` of ``second`` blended into ``first``, as #RRGGBB."""
    red, green, blue = (_rgb(first) * (1 - share) + _rgb(second) * share).round().astype(int)
    return f"#{red:02X}{green:02X}{blue:02X}"


def _ink_on(brand: DemoBrand, background: str) -> str:
    """The brand's light (neutral) or dark (text) colour, whichever reads on ``background``."""
    return brand.color("neutral") if _luminance(background) < 0.18 else brand.color("text")


def gradient(width: int, height: int, start: str, end: str) -> Image.Image:
    """Diagonal two-colour gradient, computed with numpy (fast at 1080x1920)."""
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    t = (0.75 * ys + 0.25 * xs)[..., None]
    pixels = _rgb(start) * (1 - t) + _rgb(end) * t
    return Image.fromarray(pixels.round().astype(np.uint8), "RGB")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _fit_text(
    draw: ImageDraw.ImageDraw, text: str, zone: dict, family: str, bold: bool
) -> tuple[ImageFont.ImageFont, list[str], int]:
    """The largest font size up to the zone's maximum at which the text fits the box."""
    size = int(zone["max_font_size"])
    while True:
        font = load_font(family, size, bold=bold)
        lines = _wrap(draw, text, font, zone["width"])
        line_height = round(size * 1.2)
        fits = len(lines) * line_height <= zone["height"] and all(
            draw.textlength(line, font=font) <= zone["width"] for line in lines
        )
        if fits or size <= 12:
            return font, lines, line_height
        size = max(12, round(size * 0.9))


def _draw_text(
    draw: ImageDraw.ImageDraw, text: str, zone: dict, family: str, color: str, bold: bool = False
) -> None:
    font, lines, line_height = _fit_text(draw, text, zone, family, bold)
    y = zone["y"] + (zone["height"] - len(lines) * line_height) / 2
    for line in lines:
        if zone["align"] == "center":
            draw.text((zone["x"] + zone["width"] / 2, y), line, font=font, fill=color, anchor="ma")
        else:
            draw.text((zone["x"], y), line, font=font, fill=color, anchor="la")
        y += line_height


def render_post(
    brand: DemoBrand,
    placement: Placement,
    headline: str,
    body: str,
    cta: str,
    logo: Image.Image,
    drift: Drift = ON_BRAND,
) -> Image.Image:
    """An RGB image of ``placement``'s size laid out in the template's zones; ``drift``
    says how it strays from the brand (none by default)."""
    text_zones, image_zones = layout_zones(placement)
    zones = {zone["name"]: zone for zone in [*text_zones, *image_zones]}
    primary = drift.background or brand.color("primary")
    dark = _luminance(primary) < 0.18
    # the gradient stays on one side of mid-grey, so one ink colour reads on all of it
    end = _mix(primary, "#000000" if dark else brand.color("neutral"), 0.3 if dark else 0.4)
    image = gradient(placement.width, placement.height, primary, end)
    draw = ImageDraw.Draw(image)
    ink = _ink_on(brand, primary)
    # a secondary-colour band along the bottom edge: the palette's second colour, clear of text
    band = max(8, round(min(placement.width, placement.height) * 0.02))
    draw.rectangle(
        (0, placement.height - band, placement.width, placement.height),
        fill=brand.color("secondary"),
    )

    _draw_text(draw, headline, zones["headline"], brand.primary_font, ink, bold=True)
    _draw_text(draw, body, zones["body"], brand.secondary_font, ink)

    button = zones["cta"]
    draw.rounded_rectangle(
        (button["x"], button["y"], button["x"] + button["width"], button["y"] + button["height"]),
        radius=button["height"] // 2,
        fill=brand.color("accent"),
    )
    _draw_text(
        draw, cta, button, brand.secondary_font, _ink_on(brand, brand.color("accent")), bold=True
    )

    box = zones["logo"]
    size = tuple(max(1, round(box[side] * drift.logo_scale)) for side in ("width", "height"))
    mark = logo.resize(size, Image.Resampling.LANCZOS)
    # a smaller logo stays centred in its zone
    corner = (box["x"] + (box["width"] - size[0]) // 2, box["y"] + (box["height"] - size[1]) // 2)
    image.paste(mark, corner, mark)  # the logo's alpha as the paste mask
    return image
