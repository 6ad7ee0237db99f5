"""Brand-kit artwork drawn with Pillow: logo, icon and background pattern.

Real, decodable images in the brand's own colours, so the compliance stage
(logo detection, palette adherence) has something genuine to measure.
"""

import math

from PIL import Image, ImageColor, ImageDraw

from socialpipe.demo.brands import DemoBrand
from socialpipe.demo.media import load_font

LOGO_SIZE = 512
ICON_SIZE = 128
PATTERN_SIZE = 512
# ImageDraw does not anti-alias shapes: draw this many times larger, then downsample
SUPERSAMPLE = 2


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(hex_color)[:3]


def _shape_points(shape: str, center: float, radius: float) -> list[tuple[float, float]]:
    """Corners of the brand's logo outline (diamond or hexagon)."""
    corners = 4 if shape == "diamond" else 6
    # a diamond stands on a corner; a hexagon lies on a flat side
    offset = -math.pi / 2 if shape == "diamond" else 0.0
    return [
        (
            center + radius * math.cos(offset + 2 * math.pi * i / corners),
            center + radius * math.sin(offset + 2 * math.pi * i / corners),
        )
        for i in range(corners)
    ]


def _draw_mark(draw: ImageDraw.ImageDraw, brand: DemoBrand, size: int) -> None:
    """The logo's shape: primary fill with a secondary (or accent) ring."""
    center, radius = size / 2, size * 0.46
    ring = max(2, round(size * 0.035))
    primary, secondary = brand.color("primary"), brand.color("secondary")
    if brand.logo_shape == "circle":
        box = (center - radius, center - radius, center + radius, center + radius)
        draw.ellipse(box, fill=primary, outline=secondary, width=ring)
        inner = radius * 0.82
        draw.ellipse(
            (center - inner, center - inner, center + inner, center + inner),
            outline=brand.color("accent"),
            width=max(1, ring // 2),
        )
    else:
        draw.polygon(
            _shape_points(brand.logo_shape, center, radius),
            fill=primary,
            outline=secondary,
            width=ring,
        )


def _downsample(image: Image.Image, size: int) -> Image.Image:
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _lettered_mark(
    brand: DemoBrand, size: int, letters: str, font_share: float
) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """The brand's mark on a transparent square of ``size``, ``letters`` centred on it in
    the primary font, ``font_share`` of the size high; and its draw, to add to it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    _draw_mark(draw, brand, size)
    font = load_font(brand.primary_font, round(size * font_share), bold=True)
    draw.text((size / 2, size / 2), letters, font=font, fill=brand.color("neutral"), anchor="mm")
    return image, draw


def render_logo(brand: DemoBrand, size: int = LOGO_SIZE) -> Image.Image:
    """Square RGBA logo: the brand's mark with its initials, transparent around it."""
    final, size = size, size * SUPERSAMPLE
    image, draw = _lettered_mark(brand, size, brand.initials, 0.30)
    # a short accent bar under the initials makes the mark recognisable when small
    bar_w, bar_h = size * 0.22, max(2, size * 0.025)
    top = size / 2 + size * 0.17
    draw.rectangle(
        (size / 2 - bar_w / 2, top, size / 2 + bar_w / 2, top + bar_h), fill=brand.color("accent")
    )
    return _downsample(image, final)


def render_icon(brand: DemoBrand, size: int = ICON_SIZE) -> Image.Image:
    """Small RGBA app/avatar icon: the mark with the first initial only."""
    final, size = size, size * SUPERSAMPLE
    image, _ = _lettered_mark(brand, size, brand.initials[0], 0.5)
    return _downsample(image, final)


def render_pattern(brand: DemoBrand, size: int = PATTERN_SIZE) -> Image.Image:
    """Seamless RGB background tile: diagonal secondary stripes and accent dots."""
    image = Image.new("RGB", (size, size), _rgb(brand.color("neutral")))
    draw = ImageDraw.Draw(image)
    step = size // 8  # divides the tile evenly, so the stripes meet across tile edges
    stripe = max(2, step // 5)
    for offset in range(-size, 2 * size, step):
        draw.line((offset, 0, offset + size, size), fill=brand.color("secondary"), width=stripe)
    dot = step * 0.12
    for row in range(8):
        for column in range(8):
            x = column * step + step / 2
            y = row * step  # halfway between two stripes
            draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=brand.color("accent"))
    return image
