"""The independent reference a variant's quality_score is measured against: Pillow's
Lanczos of the recorded crop box from the decoded source, not the renderer's own
crop-and-resample (which would hide its own misalignment)."""

import numpy as np
from PIL import Image

from assets.variants import similarity
from assets.variants.crops import Frame


def source_image(pixels: np.ndarray) -> Image.Image:
    """The decoded source (h, w, 3 or 4 uint8) as a Pillow image, made once per source."""
    return Image.fromarray(pixels, "RGBA" if pixels.shape[-1] == 4 else "RGB")


def source_luma(source: Image.Image) -> Image.Image | None:
    """The source's BT.601 luma (Pillow's "L": R·299/1000 + G·587/1000 + B·114/1000, the
    weights of similarity.LUMA), made once per source; None for a transparent source,
    whose luma is judged over grey after the resample (reference_pixels)."""
    return source.convert("L") if source.mode == "RGB" else None


def reference_luma(
    source: Image.Image,
    luma: Image.Image | None,
    frame: Frame,
    scale: tuple[float, float],
    out: tuple[int, int],
    picture: np.ndarray,
    origins: list,
) -> np.ndarray:
    """The reference's luma at the sampled tiles, (tiles, h, w) float32, for
    similarity.Reference. Where the frame lies inside an opaque source the tiles are
    resampled from the source's luma: Lanczos is linear, so the luma of the resampled
    colours and the resample of the luma differ only by rounding (each to 8 bits) and
    by the clipping of overshoot at hard edges — a fraction of a level, a third of the
    work (tests/test_variants_quality.py bounds it). Elsewhere: reference_pixels."""
    sx, sy = scale
    x, y, w, h = frame.x * sx, frame.y * sy, frame.width * sx, frame.height * sy
    inside = x >= 0 and y >= 0 and x + w <= source.width and y + h <= source.height
    if luma is not None and origins and inside:
        return _tiles(luma, (x, y, w / out[0], h / out[1]), origins).astype(np.float32)
    return similarity.luma(reference_pixels(source, frame, scale, out, picture, origins))


def reference_pixels(
    source: Image.Image,
    frame: Frame,
    scale: tuple[float, float],
    out: tuple[int, int],
    picture: np.ndarray,
    origins: list | None = None,
) -> np.ndarray:
    """``frame`` (original pixels; ``scale`` = decoded per original) resampled to ``out``.
    Where the frame leaves the source the rendition's own fill is kept: a fill is not a
    reproduction of anything, only the picture inside is.

    With ``origins`` (similarity.tile_origins) only the sampled tiles, in
    similarity.tiles' shape: where the frame lies inside the source each tile is
    resampled from its own part of the crop box. Pillow maps output pixel centres to
    box + (i + 0.5) × scale and reads the kernel's support from the whole source, so a
    tile equals the same pixels of the whole resize, at a tenth of the work."""
    sx, sy = scale
    x, y, w, h = frame.x * sx, frame.y * sy, frame.width * sx, frame.height * sy
    inside = x >= 0 and y >= 0 and x + w <= source.width and y + h <= source.height
    if origins is not None:
        if origins and inside:
            return _tiles(source, (x, y, w / out[0], h / out[1]), origins)
        return similarity.tiles(reference_pixels(source, frame, scale, out, picture), origins)
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
        inside_part = source.resize(
            (ox1 - ox0, oy1 - oy0), Image.Resampling.LANCZOS, box=(left, top, right, bottom)
        )
        reference[oy0:oy1, ox0:ox1] = np.asarray(inside_part)
    return reference


def _tiles(source: Image.Image, lattice: tuple, origins: list) -> np.ndarray:
    """Each tile from its own box: ``lattice`` is (x, y, source pixels per output pixel
    across, and down). The tiles are resampled side by side into one strip, which
    becomes one array (not one conversion per tile)."""
    x, y, step_x, step_y = lattice
    side = similarity.TILE
    strip = Image.new(source.mode, (side * len(origins), side))
    for index, (ox, oy) in enumerate(origins):
        box = (x + ox * step_x, y + oy * step_y, x + (ox + side) * step_x, y + (oy + side) * step_y)
        tile = source.resize((side, side), Image.Resampling.LANCZOS, box=box)
        strip.paste(tile, (index * side, 0))
    pixels = np.asarray(strip)
    return pixels.reshape(side, len(origins), side, *pixels.shape[2:]).swapaxes(0, 1)
