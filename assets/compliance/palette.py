"""Palette adherence: the share of pixels whose colour is within ΔE2000 of a brand colour.

Measured on the image's colour histogram, not pixel by pixel: a ~50k-pixel sample
(every n-th pixel, so no colour is invented by averaging) is counted by Pillow
(``getcolors``, in C). A render has a few thousand distinct colours, counted
exactly; an image with more (a photo) is first posterised to 32 levels per channel,
whose bin centres lie within ΔE2000 ≈ 2 of their pixels. Those colours go to
CIELAB and are compared with the whole palette in one numpy step.
"""

import math

import numpy as np
from PIL import Image

from assets.brand_kits import BrandKit
from assets.compliance.delta_e import delta_e_2000, hex_of, srgb_to_lab
from assets.compliance.results import RuleResult
from assets.compliance.settings import RuleSettings

RULE = "palette_adherence"
SAMPLE_PIXELS = 50_000  # the share's standard error stays under 0.25 %
EXACT_COLOURS = 8_192  # more distinct colours than this: posterise first
LEVEL_BITS = 5
_SHIFT = 8 - LEVEL_BITS
# each channel value → the centre of its 8-wide bin (one table per channel for Image.point)
_POSTERISE = [((v >> _SHIFT) << _SHIFT) + (1 << (_SHIFT - 1)) for v in range(256)] * 3


def dominant_colours(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """(rgb (n, 3), pixel counts (n,)) of the image's colours, most common first."""
    step = max(1, math.floor(math.sqrt(image.width * image.height / SAMPLE_PIXELS)))
    if step > 1:
        size = (max(1, image.width // step), max(1, image.height // step))
        image = image.resize(size, Image.Resampling.NEAREST)
    found = image.getcolors(EXACT_COLOURS)
    if found is None:
        found = image.point(_POSTERISE).getcolors(1 << (3 * LEVEL_BITS))
    counts = np.array([count for count, _ in found], dtype=np.int64)
    rgb = np.array([colour for _, colour in found], dtype=np.float64).reshape(-1, 3)
    order = np.argsort(-counts, kind="stable")
    return rgb[order], counts[order]


def palette_rule(image: Image.Image, kit: BrandKit, settings: RuleSettings) -> RuleResult:
    rgb, counts = dominant_colours(image)
    palette = kit.palette_lab_array
    distances = delta_e_2000(srgb_to_lab(rgb)[:, None, :], palette[None, :, :])
    nearest = distances.argmin(axis=1)
    nearest_de = distances[np.arange(len(rgb)), nearest]
    on_palette = nearest_de <= settings.palette_delta_e
    total = int(counts.sum())
    share = float(counts[on_palette].sum() / total)

    by_colour = np.bincount(nearest[on_palette], weights=counts[on_palette], minlength=len(palette))
    coverage = {
        f"{colour.name or colour.role or colour.hex} {colour.hex}": round(float(n / total), 4)
        for colour, n in zip(kit.palette, by_colour, strict=True)
        if n
    }
    off = [
        {"hex": hex_of(rgb[i]), "share": round(float(counts[i] / total), 4)}
        for i in np.flatnonzero(~on_palette)[:5]
    ]
    passed = share >= settings.palette_min_share
    message = (
        f"{share:.0%} of pixels within ΔE2000 {settings.palette_delta_e:g} of a brand colour"
        f" (needs {settings.palette_min_share:.0%})"
    )
    if not passed and off:
        message += f"; most common off-palette colours {', '.join(o['hex'] for o in off[:3])}"
    return RuleResult(
        rule=RULE,
        value=round(share, 4),
        threshold=settings.palette_min_share,
        weight=settings.weight(RULE),
        passed=passed,
        message=message,
        progress=share / settings.palette_min_share if settings.palette_min_share else 1.0,
        details={
            "delta_e_threshold": settings.palette_delta_e,
            "colours_measured": len(rgb),
            "coverage_by_brand_colour": coverage,
            "top_off_palette": off,
        },
    )
