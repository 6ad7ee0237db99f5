"""Byte limits: the highest quality that fits, found in few encodes; SSIM that tracks."""

import numpy as np
import pytest
import pyvips

from assets.variants import similarity
from assets.variants.encode import (
    QualityPolicy,
    RenditionError,
    SizeModel,
    encode_at,
    encode_within,
    to_pillow,
)
from assets.variants.render import render_variants
from core.placements import Placement
from tests.variant_images import encoded, natural_image


@pytest.fixture(scope="module")
def picture() -> pyvips.Image:
    return pyvips.Image.new_from_array(natural_image(1080, 1080, seed=11)).copy(
        interpretation="srgb"
    )


def square(max_bytes: int, name: str = "square") -> Placement:
    return Placement("test", name, 1080, 1080, max_bytes, ("jpeg",))


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
@pytest.mark.parametrize("share", [0.55, 0.7, 0.85])
def test_the_highest_quality_under_a_small_limit(picture, fmt, share) -> None:
    policy = QualityPolicy()
    pillow = to_pillow(picture)
    # a limit between the sizes at the lowest quality and at the ceiling forces a search
    floor = len(encode_at(pillow, picture, fmt, policy.minimum, policy.webp_effort))
    top = len(encode_at(pillow, picture, fmt, policy.ceiling(fmt), policy.webp_effort))
    limit = round(floor + share * (top - floor))
    result = encode_within(picture, fmt, limit, policy, SizeModel())
    assert len(result.data) <= limit
    assert policy.minimum <= result.quality < policy.ceiling(fmt)
    # one step up no longer fits: it is the highest
    above = encode_at(pillow, picture, fmt, result.quality + 1, policy.webp_effort)
    assert len(above) > limit
    assert result.passes <= 5 and result.compression_level == f"q{result.quality}"


def test_a_generous_limit_takes_one_encode_at_the_ceiling(picture) -> None:
    for fmt in ("jpeg", "webp"):
        result = encode_within(picture, fmt, 30 * 2**20, QualityPolicy(), SizeModel())
        assert (result.passes, result.quality) == (1, QualityPolicy().ceiling(fmt))


def test_the_size_model_learns_from_the_source(picture) -> None:
    """After the first rendition of a source, a tight limit is usually hit at once."""
    model = SizeModel()
    first = encode_within(picture, "jpeg", 80_000, QualityPolicy(), model)
    again = encode_within(picture.crop(0, 0, 1000, 1000), "jpeg", 70_000, QualityPolicy(), model)
    assert 2 <= first.passes <= 4 and again.passes <= 3


def test_an_impossible_limit_is_a_clear_error(picture) -> None:
    with pytest.raises(RenditionError, match="does not fit 2,000 bytes even at quality 30"):
        encode_within(picture, "jpeg", 2_000, QualityPolicy(), SizeModel())
    data = encoded(natural_image(400, 400), "JPEG")
    with pytest.raises(RenditionError, match="JPEG does not fit 3,000 bytes"):
        render_variants(data, [square(3_000)])


def test_every_rendition_records_its_search() -> None:
    data = encoded(natural_image(900, 900, seed=4), "JPEG", quality=92)
    result = render_variants(data, [square(120_000, "tight"), square(10**7, "roomy")])
    for rendition in result.renditions:
        assert len(rendition.data) <= rendition.optimization["byte_limit"]
        assert rendition.optimization["quality"] == rendition.quality
        assert rendition.optimization["encode_passes"] >= 1
    roomy = [r for r in result.renditions if r.placement == "roomy"]
    assert [r.optimization["encode_passes"] for r in roomy] == [1, 1]


def test_transparent_sources_fall_back_to_a_palette_png_when_lossless_is_too_big() -> None:
    rgba = np.dstack([natural_image(360, 360, seed=6), np.full((360, 360), 200, np.uint8)])
    image = pyvips.Image.new_from_array(rgba).copy(interpretation="srgb")
    lossless = encode_within(image, "png", 10**8, QualityPolicy(), SizeModel())
    assert lossless.compression_level == "png-lossless" and lossless.quality is None
    small = encode_within(image, "png", len(lossless.data) // 2, QualityPolicy(), SizeModel())
    assert small.compression_level.startswith("png-palette-q")
    assert len(small.data) <= len(lossless.data) // 2


@pytest.mark.parametrize("quality", [40, 70, 88])
def test_the_tile_sample_tracks_the_full_ssim(picture, quality) -> None:
    reference = picture.numpy()
    jpeg = encode_at(to_pillow(picture), picture, "jpeg", quality, 2)
    candidate = similarity.decode(jpeg)
    sampled = similarity.ssim(reference, candidate)
    full = similarity.ssim(reference, candidate, sampled=False)
    assert sampled == pytest.approx(full, abs=0.005)
    assert similarity.ssim(reference, reference) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("box", "out"),
    [
        ((100.3, 57.7, 1600.25, 900.1), (1200, 675)),
        ((200.0, 0.0, 1152.0, 2048.0), (1080, 1920)),
        ((900.5, 900.25, 300.0, 300.0), (1080, 1080)),  # an enlargement
        ((-300.0, 0.0, 2648.0, 2048.0), (1200, 928)),  # fill on both sides: the whole path
    ],
)
def test_the_reference_at_the_tiles_is_the_whole_reference_there(box, out) -> None:
    from PIL import Image

    from assets.variants import reference
    from assets.variants.crops import Frame

    source = Image.fromarray(natural_image(2048, 2048, seed=4))
    frame = Frame(*box, "test")
    picture = np.full((out[1], out[0], 3), 77, np.uint8)  # stands in for the fill
    whole = reference.reference_pixels(source, frame, (1.0, 1.0), out, picture)
    origins = similarity.tile_origins(*out)
    assert len(origins) == similarity.GRID**2
    tiles = reference.reference_pixels(source, frame, (1.0, 1.0), out, picture, origins)
    expected = similarity.tiles(whole, origins)
    assert tiles.shape == expected.shape
    # the same Lanczos taps per pixel; only float summation order may differ
    assert np.abs(tiles.astype(int) - expected).max() <= 2
    noisy = np.clip(
        whole.astype(int) + np.random.default_rng(3).integers(-9, 10, whole.shape), 0, 255
    )
    candidate = similarity.tiles(noisy.astype(np.uint8), origins)
    assert similarity.ssim_of_tiles(tiles, candidate) == pytest.approx(
        similarity.ssim_of_tiles(expected, candidate), abs=1e-3
    )
