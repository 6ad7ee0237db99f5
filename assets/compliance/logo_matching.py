"""Multi-scale template matching of a logo, by masked normalised cross-correlation.

The logo is matched on luminance, only where it is opaque (its alpha is the mask),
so whatever background it was composited on does not count, and brightness or
contrast changes of the whole mark do not either (NCC is invariant to both). The
three correlations NCC needs are computed with FFTs (Padfield 2012, "Masked
object registration in the Fourier domain").

Each candidate size is matched at a reduced scale where the logo is a few dozen
pixels wide, read from a luminance pyramid of the image (pyramid.py), then the
best places are refined at a finer scale and nearby sizes. A flat,
single-colour logo has no luminance inside its mask to correlate; it is matched
by its silhouette instead (alpha against the image over its bounding box, in
either polarity).
"""

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image

from assets.brand_kits import decode_logo
from assets.brand_kits.geometry import Box
from assets.compliance.boxes import within
from assets.compliance.pyramid import Pyramid, fast_length

# templates are matched at about this many pixels on their longer side
WORKING_SIDE = 40
REFINE_SIDE = 72
REFINE_SHARE = 0.75
REFINE_FACTORS = (1.0, 0.97, 1.03, 0.94, 1.06)
MIN_TEMPLATE_SIDE = 6
FLAT_STD = 4.0  # luminance levels (0..255): below this a logo's inside is "flat"
MAX_CACHED = 64


@dataclass(frozen=True)
class Template:
    luma: np.ndarray  # float64, h × w
    mask: np.ndarray  # float64, 0/1
    silhouette: bool  # matched by shape (flat logo)
    # FFTs of the two kernels, per FFT shape: the same template meets many images
    spectra: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return self.luma.shape

    def kernel_spectra(self, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, float, float]:
        """(FFT of the zero-mean masked template, FFT of the mask, pixel count, energy)."""
        if shape not in self.spectra:
            if len(self.spectra) >= MAX_CACHED:
                self.spectra.clear()
            count = float(self.mask.sum())
            centred = (self.luma - (self.luma * self.mask).sum() / count) * self.mask
            self.spectra[shape] = (
                np.fft.rfft2(centred[::-1, ::-1], shape),
                np.fft.rfft2(self.mask[::-1, ::-1], shape),
                count,
                float((centred**2).sum()),
            )
        return self.spectra[shape]


@dataclass(frozen=True)
class Match:
    box: Box  # in image pixels
    score: float  # NCC, -1..1 (silhouettes: |NCC|)


def make_template(logo: Image.Image, width: int, height: int) -> Template:
    """The logo at width × height: its luminance and the mask of its opaque pixels."""
    # premultiplied resize, as the renderer does, so edges carry no transparent colour
    scaled = logo.convert("RGBa").resize((width, height), Image.Resampling.LANCZOS)
    rgba = scaled.convert("RGBA")
    luma = np.asarray(rgba.convert("L"), dtype=np.float64)
    alpha = np.asarray(rgba.getchannel("A"), dtype=np.float64) / 255.0
    # only fully opaque pixels: the edge blends with an unknown background
    mask = (alpha >= 0.98).astype(np.float64)
    inside = luma[mask > 0]
    if inside.size < 16 or inside.std() < FLAT_STD:
        return Template(luma=alpha * 255.0, mask=np.ones_like(alpha), silhouette=True)
    return Template(luma=luma, mask=mask, silhouette=False)


class LogoTemplates:
    """One logo's templates at any size, each made once."""

    def __init__(self, logo: Image.Image) -> None:
        self.logo = logo.convert("RGBA")
        self._made: dict[tuple[int, int], Template] = {}

    def at(self, width: int, height: int) -> Template:
        size = (max(1, width), max(1, height))
        if size not in self._made:
            if len(self._made) >= 4 * MAX_CACHED:
                self._made.clear()
            self._made[size] = make_template(self.logo, *size)
        return self._made[size]

    def fit(self, box: Box) -> tuple[int, int]:
        """The logo's size when contain-fitted into ``box`` (as the renderer places it)."""
        scale = min(box.width / self.logo.width, box.height / self.logo.height)
        return max(1, round(self.logo.width * scale)), max(1, round(self.logo.height * scale))


@lru_cache(maxsize=32)
def logo_templates(data: bytes) -> LogoTemplates:
    """The templates of a logo file (a brand kit's ``logo.data``), shared across images."""
    return LogoTemplates(decode_logo(data)[0])


def _correlate(spectrum: np.ndarray, kernel: np.ndarray, shape, offset, valid) -> np.ndarray:
    full = np.fft.irfft2(spectrum * kernel, shape)
    return full[offset[0] : offset[0] + valid[0], offset[1] : offset[1] + valid[1]]


def ncc_map(
    image: np.ndarray, template: Template, image_spectra: tuple | None = None
) -> np.ndarray:
    """Masked NCC of ``template`` at every position where it fits inside ``image``."""
    h, w = template.shape
    valid = (image.shape[0] - h + 1, image.shape[1] - w + 1)
    if valid[0] < 1 or valid[1] < 1:
        return np.full((0, 0), -1.0)
    shape = (fast_length(image.shape[0]), fast_length(image.shape[1]))
    centred, mask, count, energy = template.kernel_spectra(shape)
    if image_spectra is None:
        image_spectra = (np.fft.rfft2(image, shape), np.fft.rfft2(image * image, shape))
    spectrum, spectrum_sq = image_spectra
    offset = (h - 1, w - 1)
    numerator = _correlate(spectrum, centred, shape, offset, valid)
    local_sum = _correlate(spectrum, mask, shape, offset, valid)
    local_sq = _correlate(spectrum_sq, mask, shape, offset, valid)
    variance = np.maximum(local_sq - local_sum**2 / count, 0.0)
    denominator = np.sqrt(variance * energy)
    # a flat patch of image has no defined correlation: score it 0, not noise
    flat = denominator <= 1e-6 * count * 255**2
    ncc = np.where(flat, 0.0, numerator / np.where(flat, 1.0, denominator))
    return np.abs(ncc) if template.silhouette else ncc


def _factor(size: tuple[int, int], working_side: int, whole_levels: bool) -> float:
    factor = min(1.0, working_side / max(size))
    factor = min(1.0, max(factor, MIN_TEMPLATE_SIDE / min(size)))
    if whole_levels and factor < 1:
        # a power of two: the pyramid level itself, whose FFTs the next sizes reuse
        factor = 2.0 ** -math.floor(math.log2(1 / factor) + 1e-9)
    return factor


def match_at_size(
    pyramid: Pyramid,
    templates: LogoTemplates,
    size: tuple[int, int],
    region: Box,
    working_side: int = WORKING_SIDE,
    whole_levels: bool = False,
) -> Match | None:
    """The best position of the logo at ``size`` (image px) inside ``region``."""
    factor = _factor(size, working_side, whole_levels)
    luma, scale_x, scale_y = pyramid.view(region, factor, whole_levels)
    template = templates.at(round(size[0] / scale_x), round(size[1] / scale_y))
    shape = (fast_length(luma.shape[0]), fast_length(luma.shape[1]))
    key = (factor, region.corners, shape) if whole_levels else ()
    scores = ncc_map(luma, template, pyramid.spectra(key, luma, shape))
    if scores.size == 0:
        return None
    y, x = np.unravel_index(int(np.argmax(scores)), scores.shape)
    box = Box(
        x=region.x + round(x * scale_x),
        y=region.y + round(y * scale_y),
        width=size[0],
        height=size[1],
    )
    return Match(box=box, score=float(scores[y, x]))


def refine(pyramid: Pyramid, templates: LogoTemplates, found: Match) -> Match:
    """Re-match around ``found`` at a finer scale and nearby sizes: an exact box and score."""
    box = found.box
    slack = max(4, round(max(box.width, box.height) * 0.15))
    grown = Box(
        x=box.x - slack, y=box.y - slack, width=box.width + 2 * slack, height=box.height + 2 * slack
    )
    region = within(grown, pyramid.canvas)
    best = found
    # never at full size: a mark's one-pixel lines would make a sub-pixel offset count
    side = min(REFINE_SIDE, round(REFINE_SHARE * max(box.width, box.height)))
    for factor in REFINE_FACTORS:
        size = (max(1, round(box.width * factor)), max(1, round(box.height * factor)))
        if region is None or size[0] > region.width or size[1] > region.height:
            continue
        better = match_at_size(pyramid, templates, size, region, working_side=side)
        if better is not None and (best is found or better.score > best.score):
            best = better
    return best


def _distinct(found: Match, kept: list[Match]) -> bool:
    """Not the same place as a match already kept (centres further apart than half a logo)."""
    cx, cy = found.box.x + found.box.width / 2, found.box.y + found.box.height / 2
    for other in kept:
        ox, oy = other.box.x + other.box.width / 2, other.box.y + other.box.height / 2
        if abs(cx - ox) < other.box.width / 2 and abs(cy - oy) < other.box.height / 2:
            return False
    return True


def search(
    pyramid: Pyramid,
    templates: LogoTemplates,
    sizes: list[tuple[int, int]],
    region: Box,
    working_side: int = WORKING_SIDE,
    good_enough: float = 1.1,
    candidates: int = 1,
) -> Match | None:
    """The best match over candidate ``sizes`` (most likely first) inside ``region``.

    A coarse pass stops at the first size scoring ``good_enough``; the best
    ``candidates`` places it found are then refined, and the best refined one wins.
    Searching many sizes over a large region (``candidates`` > 1) reads whole
    pyramid levels, so the sizes that share a level share its FFTs.
    """
    region = within(region, pyramid.canvas)
    found: list[Match] = []
    for size in sizes:
        if region is None or size[0] > region.width or size[1] > region.height:
            continue
        match = match_at_size(pyramid, templates, size, region, working_side, candidates > 1)
        if match is not None:
            found.append(match)
            if match.score >= good_enough:
                break
    kept: list[Match] = []
    for match in sorted(found, key=lambda m: -m.score):
        if len(kept) < candidates and _distinct(match, kept):
            kept.append(match)
    refined = [refine(pyramid, templates, match) for match in kept]
    return max(refined, key=lambda m: m.score, default=None)
