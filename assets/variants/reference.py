"""The independent reference a variant's quality_score is measured against: Pillow's
Lanczos of the recorded crop box from the decoded source, not the renderer's own
crop-and-resample (which would hide its own misalignment)."""

import numpy as np
from PIL import Image

from assets.variants.crops import Frame


def source_image(pixels: np.ndarray) -> Image.Image:
    """The decoded source (h, w, 3 or 4 uint8) as a Pillow image, made once per source."""
    return Image.fromarray(pixels, "RGBA" if pixels.shape[-1] == 4 else "RGB")


def reference_pixels(
    source: Image.Image,
    frame: Frame,
    scale: tuple[float, float],
    out: tuple[int, int],
    picture: np.ndarray,
) -> np.ndarray:
    """``frame`` (original pixels; ``scale`` = decoded per original) resampled to ``out``.
    Where the frame leaves the source the rendition's own fill is kept: a fill is not a
    reproduction of anything, only the picture inside is."""
    sx, sy = scale
    x, y, w, h = frame.x * sx, frame.y * sy, frame.width * sx, frame.height * sy
    left, top = max(0.0, x), max(0.0, y)
    right, bottom = min(float(source.width), x + w), min(float(source.height), y + h)
    ox0, oy0 = round((left - x) * out[0] / w), round((top - y) * out[1] / h)
    ox1, oy1 = round((right - x) * out[0] / w), round((bottom - y) * out[1] / h)
    if (ox0, oy0, ox1, oy1) == (0, 0, *out):
        return np.asarray(
            source.resize(out, Image.Resampling.LANCZOS, box=(left, top, right, bottom))
        )
    reference = picture.copy()
    if ox1 > ox0 and oy1 > oy0:
        inside = source.resize(
            (ox1 - ox0, oy1 - oy0), Image.Resampling.LANCZOS, box=(left, top, right, bottom)
        )
        reference[oy0:oy1, ox0:ox1] = np.asarray(inside)
    return reference
