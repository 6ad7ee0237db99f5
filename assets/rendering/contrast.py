"""WCAG 2.x relative luminance and contrast, measured on real pixels."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from assets.brand_kits.geometry import Box

WCAG_AA = 4.5  # normal-size text
_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])


def _linear(channels: np.ndarray) -> np.ndarray:
    return np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)


# sRGB 0..255 -> linear light, looked up instead of computed per pixel
_LINEAR = _linear(np.arange(256) / 255.0)


def luminance(pixels: np.ndarray) -> np.ndarray:
    """Relative luminance of sRGB pixels, 0..255 (any shape ending in 3; rounded to 8 bits)."""
    levels = np.asarray(pixels)
    if levels.dtype != np.uint8:
        levels = np.clip(np.rint(levels.astype(np.float64)), 0, 255).astype(np.uint8)
    return _LINEAR[levels] @ _WEIGHTS


def contrast_ratio(first: float, second: float) -> float:
    light, dark = max(first, second), min(first, second)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Backdrop:
    """Luminance of the pixels behind some text: mean, and the darkest/lightest 5 %."""

    mean: float
    low: float
    high: float

    def worst_contrast(self, text_luminance: float) -> float:
        """Contrast against the least favourable part of the backdrop."""
        return min(
            contrast_ratio(text_luminance, self.low), contrast_ratio(text_luminance, self.high)
        )

    def mean_contrast(self, text_luminance: float) -> float:
        return contrast_ratio(text_luminance, self.mean)


def measure(image: Image.Image, box: Box) -> Backdrop:
    values = luminance(np.asarray(image.crop(box.corners).convert("RGB"))).ravel()
    low, high = np.percentile(values, [5, 95])
    return Backdrop(mean=float(values.mean()), low=float(low), high=float(high))


@dataclass(frozen=True)
class Ink:
    hex: str
    rgb: tuple[int, int, int]
    worst_contrast: float
    mean_contrast: float
    from_palette: bool


BLACK_WHITE = (("#000000", (0, 0, 0)), ("#FFFFFF", (255, 255, 255)))


def pick_ink(palette: Sequence[tuple[str, tuple[int, int, int]]], backdrop: Backdrop) -> Ink:
    """The palette colour reading best on ``backdrop`` if it reaches WCAG AA, else black or white.

    Scored on the worst case (the 5th/95th luminance percentiles), not only the
    mean, so a gradient behind the text cannot hide a low-contrast stretch.
    """

    def ink(hex_value: str, rgb: tuple[int, int, int], from_palette: bool) -> Ink:
        lum = float(luminance(np.array(rgb)))
        return Ink(
            hex_value, rgb, backdrop.worst_contrast(lum), backdrop.mean_contrast(lum), from_palette
        )

    # ties keep palette order, so the choice is deterministic
    best = max((ink(h, rgb, True) for h, rgb in palette), key=lambda i: i.worst_contrast)
    if best.worst_contrast >= WCAG_AA:
        return best
    return max((ink(h, rgb, False) for h, rgb in BLACK_WHITE), key=lambda i: i.worst_contrast)
