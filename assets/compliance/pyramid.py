"""An image's luminance at full, half, quarter … size, for matching at many scales.

Levels are made when first needed (``Image.reduce(2)``, in C); a region smaller
than a fifth of the image is read from the image itself instead, which is cheaper
than reducing all of it. The FFTs of whole levels are kept, so the candidate
sizes that share a level share them too.
"""

import math

import numpy as np
from PIL import Image

from assets.brand_kits.geometry import Box

_FAST_SIZES = np.array(
    sorted({2**a * 3**b * 5**c for a in range(14) for b in range(6) for c in range(4)})
)


def fast_length(n: int) -> int:
    """The smallest 5-smooth length ≥ n: the sizes the FFT is fast at."""
    return int(_FAST_SIZES[np.searchsorted(_FAST_SIZES, n)])


class Pyramid:
    """An image's luminance at full, half, quarter … size, made as needed, with the FFTs
    of whole levels kept for the sizes that share them."""

    # a region smaller than this share of the image is read from the image itself
    SMALL_REGION = 0.2

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.size = image.size
        self._levels: list[Image.Image] = []
        self._views: dict = {}
        self._spectra: dict = {}

    @property
    def canvas(self) -> Box:
        return Box(x=0, y=0, width=self.size[0], height=self.size[1])

    def level(self, index: int) -> Image.Image:
        if not self._levels:
            self._levels.append(self.image.convert("L"))
        while len(self._levels) <= index:
            previous = self._levels[-1]
            if min(previous.size) < 2:
                return previous
            self._levels.append(previous.reduce(2))
        return self._levels[index]

    def view(
        self, region: Box, factor: float, whole_level: bool = False
    ) -> tuple[np.ndarray, float, float]:
        """``region`` at ``factor`` of full size: (luma, x scale, y scale back to full size).

        ``whole_level``: ``factor`` is a power of two; the level is read as it is
        (within a pixel of the exact size) and kept for the next sizes.
        """
        index = max(0, math.floor(math.log2(1 / factor) + 1e-9)) if factor < 1 else 0
        key = (index, region.corners)
        if whole_level and key in self._views:
            return self._views[key]
        if region.width * region.height < self.SMALL_REGION * self.size[0] * self.size[1]:
            # a logo zone: cheaper from the image than from a pyramid of all of it
            crop = self.image.crop(region.corners).convert("L")
            target = (max(1, round(region.width * factor)), max(1, round(region.height * factor)))
            if target != crop.size:
                crop = crop.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)
            luma = np.asarray(crop, dtype=np.float64)
            return luma, region.width / luma.shape[1], region.height / luma.shape[0]
        source = self.level(index)
        sx, sy = source.width / self.size[0], source.height / self.size[1]
        left, top = math.floor(region.x * sx), math.floor(region.y * sy)
        right = max(left + 1, math.ceil(region.right * sx))
        bottom = max(top + 1, math.ceil(region.bottom * sy))
        whole = (left, top, right, bottom) == (0, 0, source.width, source.height)
        crop = source if whole else source.crop((left, top, right, bottom))
        target = (max(1, round(region.width * factor)), max(1, round(region.height * factor)))
        if not whole_level and target != crop.size:
            crop = crop.resize(target, Image.Resampling.BILINEAR)
        luma = np.asarray(crop, dtype=np.float64)
        view = (luma, region.width / luma.shape[1], region.height / luma.shape[0])
        if whole_level:
            self._views[key] = view
        return view

    def spectra(self, key: tuple, luma: np.ndarray, shape) -> tuple[np.ndarray, np.ndarray]:
        """FFTs of ``luma`` and its square (cached under ``key`` for whole levels)."""
        if key in self._spectra:
            return self._spectra[key]
        found = (np.fft.rfft2(luma, shape), np.fft.rfft2(luma * luma, shape))
        if key:
            self._spectra[key] = found
        return found
