"""Variants are geometrically exact: every placement of a synthetic grid-and-edge image
matches an independent reference (Pillow's Lanczos of the recorded crop box), compared
with an SSIM written here (Gaussian window σ 1.5 by FFT, on luma, whole image)."""

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter

from assets.variants.crops import Zone
from assets.variants.render import render_variants
from core.placements import all_placements

FLOORS = {"jpeg": 0.97, "webp": 0.95}
SIGMA = 1.5


def grid_image(width: int, height: int) -> Image.Image:
    """Thin grid lines every 32 px, diagonal edges and gradients: a half-pixel shift of
    any of them costs SSIM, a whole-pixel one costs a lot."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = 60 + 120 * (x / width) + 50 * np.sin(y / 37.0)
    lines = ((x % 32) < 2) | ((y % 32) < 2)
    edge = (x * 0.8 + y * 0.45) % 211 < 100
    grey = np.where(lines, 235, base) * np.where(edge, 1.0, 0.6)
    rgb = np.stack([grey, np.roll(grey, 9, axis=1), 255 - grey], -1).clip(0, 255)
    return Image.fromarray(rgb.astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(0.7))


def _gauss(image: np.ndarray) -> np.ndarray:
    """Gaussian blur (σ 1.5, 11 taps) as a product in the frequency domain, 'valid' part."""
    radius = 5
    taps = np.exp(-(np.arange(-radius, radius + 1) ** 2) / (2 * SIGMA**2))
    window = np.outer(taps, taps) / taps.sum() ** 2
    shape = (image.shape[0] + 2 * radius, image.shape[1] + 2 * radius)
    full = np.fft.irfft2(np.fft.rfft2(image, shape) * np.fft.rfft2(window, shape), shape)
    return full[2 * radius : image.shape[0], 2 * radius : image.shape[1]]


def independent_ssim(a: np.ndarray, b: np.ndarray) -> float:
    weights = np.array([0.299, 0.587, 0.114])
    x, y = a[..., :3].astype(np.float64) @ weights, b[..., :3].astype(np.float64) @ weights
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _gauss(x), _gauss(y)
    vx, vy, cov = _gauss(x * x) - mx**2, _gauss(y * y) - my**2, _gauss(x * y) - mx * my
    index = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(index.mean())


def reference(source: Image.Image, crop: dict, size: tuple[int, int]) -> np.ndarray:
    """Pillow's Lanczos of the recorded crop box (clamped to the image: a frame may touch
    its edge within a thousandth of a pixel)."""
    box = crop["box"]
    left, top = max(0.0, box["x"]), max(0.0, box["y"])
    right = min(float(source.width), box["x"] + box["width"])
    bottom = min(float(source.height), box["y"] + box["height"])
    assert (left - box["x"], top - box["y"]) < (1e-3, 1e-3)
    return np.asarray(source.resize(size, Image.Resampling.LANCZOS, box=(left, top, right, bottom)))


@pytest.mark.parametrize("size", [(3000, 2400), (1080, 1920)], ids=["wide-source", "story-master"])
def test_every_placement_matches_an_independent_reference(size: tuple[int, int]) -> None:
    source = grid_image(*size)
    buffer = io.BytesIO()
    source.save(buffer, format="PNG")
    rendered = render_variants(buffer.getvalue(), all_placements())
    seen = set()
    for rendition in rendered.renditions:
        crop = rendition.optimization["crop"]
        assert crop["fill_fraction"] == 0  # zone-free: every frame is a cover crop
        expected = reference(source, crop, (rendition.width, rendition.height))
        with Image.open(io.BytesIO(rendition.data)) as decoded:
            actual = np.asarray(decoded.convert("RGB"))
        score = independent_ssim(expected, actual)
        key = f"{rendition.platform}.{rendition.placement}"
        assert score >= FLOORS[rendition.format], (key, rendition.format, round(score, 4))
        # the stored quality_score tells the same story as the independent measure
        assert abs(rendition.quality_score - score) < 0.02, (key, rendition.quality_score, score)
        seen.add(key)
    assert seen == {p.key for p in all_placements()}


def test_a_half_pixel_shift_is_caught_by_the_reference() -> None:
    """The measure above can fail: the same frame half an output pixel off scores lower."""
    source = grid_image(3000, 2400)
    box = {"x": 540.0, "y": 0.0, "width": 1920.0, "height": 2400.0}
    exact = reference(source, {"box": box}, (1080, 1350))
    shifted = {**box, "x": box["x"] + 0.5 * 1920 / 1080}
    off = reference(source, {"box": shifted}, (1080, 1350))
    assert independent_ssim(exact, exact) == pytest.approx(1.0)
    assert independent_ssim(exact, off) < FLOORS["jpeg"]


@pytest.mark.parametrize("size", [(1, 4000), (4000, 1)], ids=["1x4000", "4000x1"])
def test_a_one_pixel_thin_source_gives_every_placement_at_its_exact_size(size) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 30)).save(buffer, format="PNG")
    rendered = render_variants(buffer.getvalue(), all_placements())
    assert len(rendered.renditions) == 2 * len(all_placements())
    for rendition in rendered.renditions:
        with Image.open(io.BytesIO(rendition.data)) as decoded:
            assert decoded.size == (rendition.width, rendition.height)
            # one colour in, one colour out (within YCbCr rounding)
            low, high = zip(*decoded.convert("RGB").getextrema(), strict=True)
        assert max(abs(a - b) for a, b in zip(high, (200, 40, 30), strict=True)) <= 8
        assert max(h - lo for h, lo in zip(high, low, strict=True)) <= 8
        assert 0.95 <= rendition.quality_score <= 1.0


def test_zones_that_overlap_entirely_are_kept_like_one_zone() -> None:
    source = grid_image(2000, 2000)
    buffer = io.BytesIO()
    source.save(buffer, format="PNG")
    zone = (300, 300, 1400, 1400)
    zones = [Zone("headline", *zone), Zone("logo", *zone)]
    rendered = render_variants(buffer.getvalue(), all_placements(), zones)
    assert len(rendered.renditions) == 2 * len(all_placements())
    for rendition in rendered.renditions:
        crop = rendition.optimization["crop"]
        # both or neither: the same box cannot be kept for one and cut for the other
        assert set(crop["zones_kept"]) in ({"headline", "logo"}, set()), crop
        assert 0 <= crop["fill_fraction"] < 1
