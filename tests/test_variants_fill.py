"""Fill without smears: where zones cannot fit a shape, the frame is extended with a
blurred, darkened copy of the picture (no seam along its edge, no streaks), and every
variant records the share of its pixels that are fill; the check warns and fails on it."""

import io

import numpy as np
import pytest
from PIL import Image

from assets.variants.checks import fill_problems
from assets.variants.crops import Zone
from assets.variants.render import render_variants
from core.placements import all_placements
from socialpipe.gallery.model import variant_from_row

LUMA = np.array([0.299, 0.587, 0.114])


def smooth_story(width: int = 1080, height: int = 1920) -> bytes:
    """Soft gradients and blobs: any sharp step in a variant of it is the renderer's."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 90 + 80 * np.sin(x / 170) * np.cos(y / 230)
    g = 70 + 100 * (y / height)
    b = 150 + 60 * np.cos((x + y) / 300)
    image = Image.fromarray(np.stack([r, g, b], -1).clip(0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def extended():
    # a tall zone: no cover crop of a landscape keeps it whole, so the frame is extended
    zones = [Zone("headline", 60, 200, 960, 1500)]
    keys = ("instagram.feed_landscape", "youtube.thumbnail", "linkedin.square")
    placements = [p for p in all_placements() if p.key in keys]
    return render_variants(smooth_story(), placements, zones)


def _luma(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float64) @ LUMA


def _outside_share(box: dict, out: tuple[int, int], source: tuple[int, int]) -> float:
    """Output pixel centres mapped into the source, counted where they miss it."""
    xs = box["x"] + (np.arange(out[0]) + 0.5) * box["width"] / out[0]
    ys = box["y"] + (np.arange(out[1]) + 0.5) * box["height"] / out[1]
    inside_x = ((xs >= 0) & (xs < source[0])).mean()
    inside_y = ((ys >= 0) & (ys < source[1])).mean()
    return 1 - inside_x * inside_y


def test_fill_share_is_recorded_and_agrees_with_the_crop_box(extended) -> None:
    for rendition in extended.renditions:
        crop = rendition.optimization["crop"]
        assert crop["strategy"] == "extend"
        share = rendition.optimization["fill_share"]
        counted = _outside_share(crop["box"], (rendition.width, rendition.height), (1080, 1920))
        assert share == pytest.approx(counted, abs=0.005)
        assert 0.3 < share < 0.7


def test_the_fill_has_no_seam_along_the_picture_edge(extended) -> None:
    for rendition in extended.renditions:
        luma = _luma(rendition.data)
        box = rendition.optimization["crop"]["box"]
        scale = rendition.width / box["width"]
        edge = round(-box["x"] * scale)  # the picture's left edge in the output
        assert 40 < edge < rendition.width - 40
        band = luma[:, edge - 40 : edge + 40]
        steps = np.abs(np.diff(band, axis=1)).mean(axis=0)  # mean step at each column
        # a seam is a column where the picture meets the fill with a step of tens of
        # levels; the source is smooth (< 1.5 / px), the fade into the fill a ramp over
        # ~20 columns (JPEG ≤ 2.5 / px; WebP bands the ramp, ≤ 5 / px)
        assert steps.max() < 6.0, (rendition.placement, steps.max().round(2))
        ramp = np.sort(steps)[-10:]
        assert ramp.max() < 0.35 * ramp.sum()  # spread over columns, not one step


def test_the_fill_has_no_streaks(extended) -> None:
    """Copied edge pixels make rows that repeat along the fill: here every fill column
    differs from its neighbour far from the edge, as a blurred picture does."""
    for rendition in extended.renditions:
        luma = _luma(rendition.data)
        box = rendition.optimization["crop"]["box"]
        edge = round(-box["x"] * rendition.width / box["width"])
        fill = luma[:, : edge - 30]
        # a streak: a row nearly constant across the fill while the rows differ
        along = fill.std(axis=1).mean()
        across = fill.std(axis=0).mean()
        assert along > 0.05 * across, (rendition.placement, along, across)  # copied: < 0.02


def test_fill_share_warns_above_30_percent_and_fails_above_the_maximum() -> None:
    rows = [
        {"file_path": "a.jpg", "fill_share": 0.1},
        {"file_path": "b.jpg", "fill_share": 0.45},
        {"file_path": "c.jpg", "fill_share": 0.7},
        {"file_path": "d.jpg", "fill_share": None},
    ]
    failures, warnings = fill_problems(rows, maximum=0.6)
    assert failures == ["c.jpg: 70% fill > 60%"]
    assert warnings == ["b.jpg: 45% fill > 30%"]
    failures, warnings = fill_problems(rows, maximum=0.4)
    assert [f.split(":")[0] for f in failures] == ["b.jpg", "c.jpg"] and warnings == []


def test_the_gallery_reads_the_fill_share_of_a_variant() -> None:
    row = {
        "id": "v1",
        "placement": "feed_landscape",
        "platform": "instagram",
        "format_type": "jpeg",
        "dimensions": {"width": 1080, "height": 566},
        "aspect_ratio": "540:283",
        "file_size_bytes": 1000,
        "quality_score": 0.98,
        "compression_level": "q85",
        "file_path": "a.jpg",
        "file_url": "file:///a.jpg",
        "optimization_applied": {"fill_share": 0.4652},
    }
    assert variant_from_row(row).fill_share == pytest.approx(0.4652)
    assert variant_from_row({**row, "optimization_applied": {}}).fill_share is None
