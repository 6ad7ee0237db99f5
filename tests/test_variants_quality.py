"""Byte limits: the highest quality that fits, found in few encodes; SSIM that tracks."""

import io

import numpy as np
import pytest
import pyvips
from PIL import Image

from assets.variants import similarity
from assets.variants.encode import (
    QualityPolicy,
    RenditionError,
    SizeModel,
    encode_at,
    encode_within,
    to_pillow,
)
from assets.variants.render import RenderOptions, render_variants
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


# ---- the cheap statistic against an independent full-resolution SSIM ---------------------
# quality_score reads luma planes, a 6×6 sample of 48 px tiles, every third SSIM window, a
# reference resampled in luma: each shortcut is held here to an SSIM computed another way —
# every pixel, every window, luma of the decoded RGB, a Gaussian by FFT convolution


def _independent_ssim(reference: np.ndarray, candidate: np.ndarray) -> float:
    """Wang et al.'s mean SSIM over every 'valid' 11×11 Gaussian window (σ 1.5) of the
    BT.601 luma of two (h, w, 3) uint8 images, by FFT: no code shared with similarity."""
    weights = np.array([0.299, 0.587, 0.114])
    x, y = reference.astype(np.float64) @ weights, candidate.astype(np.float64) @ weights
    t = np.arange(-5, 6)
    g = np.exp(-(t * t) / (2 * 1.5**2))
    window = np.outer(g, g) / np.outer(g, g).sum()
    shape = (x.shape[0] + 10, x.shape[1] + 10)
    spectrum = np.fft.rfft2(window, shape)

    def blur(plane: np.ndarray) -> np.ndarray:
        full = np.fft.irfft2(np.fft.rfft2(plane, shape) * spectrum, shape)
        return full[10 : plane.shape[0], 10 : plane.shape[1]]  # windows wholly inside

    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim_map = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(ssim_map.mean())


TRACKING = 0.01  # stated tolerance: |quality_score − full SSIM| (measured: max 0.0025 on the
# benchmark's 72 renditions, 0.0054 on 120 synthetic ones, docs/PERFORMANCE.md)


def test_quality_score_tracks_an_independent_full_ssim_of_every_rendition() -> None:
    from assets.variants import reference
    from assets.variants.crops import Frame
    from core.placements import all_placements

    source = natural_image(1600, 1600, seed=21)
    data = encoded(source, "JPEG", quality=93)
    placements = [p for p in all_placements() if p.key in PLACEMENT_SAMPLE]
    policy = QualityPolicy(jpeg_max=60, webp_max=50)  # artefacts worth measuring
    options = RenderOptions(quality=policy)
    result = render_variants(data, placements, options=options)
    decoded_source = Image.open(io.BytesIO(data)).convert("RGB")
    differences = []
    for rendition in result.renditions:
        box = rendition.optimization["crop"]["box"]
        frame = Frame(box["x"], box["y"], box["width"], box["height"], "test")
        out = (rendition.width, rendition.height)
        # the reference's definition, whole: Pillow's Lanczos of the recorded crop box
        exact = reference.reference_pixels(decoded_source, frame, (1.0, 1.0), out, None)
        full = _independent_ssim(exact, similarity.decode(rendition.data))
        differences.append(abs(rendition.quality_score - full))
        assert rendition.quality_score == pytest.approx(full, abs=TRACKING), rendition.placement
    assert len(differences) == 2 * len(placements)
    # the scores are no constant: the low ceilings leave visible loss
    assert min(r.quality_score for r in result.renditions) < 0.97


PLACEMENT_SAMPLE = {
    "instagram.story",
    "instagram.feed_landscape",
    "linkedin.square",
    "x.post",
}


@pytest.mark.parametrize(("fmt", "options"), [("JPEG", {}), ("WEBP", {"method": 1})])
def test_luma_read_from_the_codec_is_the_luma_of_the_decoded_colours(fmt, options) -> None:
    pixels = natural_image(700, 500, seed=12)
    data = encoded(pixels, fmt, quality=70, **options)
    origins = similarity.tile_origins(700, 500)
    assert origins
    planes = similarity.luma_tiles(data, origins)
    colours = similarity.luma(similarity.tiles(similarity.decode(data), origins))
    assert planes.shape == colours.shape and planes.dtype == np.float32
    # rounding of R, G and B (and their clipping, in saturated colours) only
    assert np.abs(planes - colours).mean() < 0.5
    reference = similarity.Reference(similarity.tiles(pixels, origins))
    assert reference.score(planes) == pytest.approx(reference.score(colours), abs=1e-3)


def test_transparent_and_lossless_renditions_are_judged_from_their_colours() -> None:
    rgba = np.dstack([natural_image(400, 400, seed=2), np.full((400, 400), 90, np.uint8)])
    origins = similarity.tile_origins(400, 400)
    for fmt, options in (("PNG", {}), ("WEBP", {"quality": 80}), ("WEBP", {"lossless": True})):
        data = encoded(Image.fromarray(rgba, "RGBA"), fmt, **options)
        expected = similarity.luma(similarity.tiles(similarity.decode(data), origins))
        assert np.array_equal(similarity.luma_tiles(data, origins), expected), fmt


def test_every_third_window_tracks_every_window() -> None:
    pixels = natural_image(1080, 1080, seed=5)
    origins = similarity.tile_origins(1080, 1080)
    reference = similarity.tiles(pixels, origins)
    for quality in (35, 85):
        candidate = similarity.tiles(
            similarity.decode(encoded(pixels, "JPEG", quality=quality)), origins
        )
        every = similarity.ssim_of_tiles(reference, candidate)  # all windows
        assert similarity.Reference(reference).score(candidate) == pytest.approx(every, abs=1e-3)


def test_the_luma_reference_is_the_luma_of_the_colour_reference() -> None:
    from assets.variants import reference
    from assets.variants.crops import Frame

    source = Image.fromarray(natural_image(2048, 2048, seed=4))
    luma = reference.source_luma(source)
    out = (1080, 1350)
    origins = similarity.tile_origins(*out)
    picture = np.full((out[1], out[0], 3), 77, np.uint8)
    for box in ((300.5, 10.25, 1600.0, 2000.0), (-200.0, 0.0, 1638.4, 2048.0)):
        frame = Frame(*box, "test")
        tiles = reference.reference_luma(source, luma, frame, (1.0, 1.0), out, picture, origins)
        colour = reference.reference_pixels(source, frame, (1.0, 1.0), out, picture, origins)
        # Lanczos is linear: only rounding to 8 bits and the clipping of overshoot differ
        difference = np.abs(tiles - similarity.luma(colour))
        assert difference.mean() < 0.5 and difference.max() < 16
    assert reference.source_luma(source.convert("RGBA")) is None


@pytest.mark.parametrize("size", [(1080, 1920), (1200, 628), (700, 500), (250, 240)])
def test_a_webp_decoded_down_to_the_lowest_tile_is_the_whole_decode_there(size) -> None:
    """The WebP's luma is decoded only down to the lowest tile: every row it gives equals
    the same row of a whole decode, and its tiles are the luma of Pillow's RGB decode
    within rounding."""
    width, height = size
    data = encoded(natural_image(width, height, seed=9), "WEBP", quality=85, method=1)
    whole = similarity.webp_luma_plane(data)
    assert whole is not None and whole.shape == (height, width)
    origins = similarity.tile_origins(width, height)
    rows = max(y for _, y in origins) + similarity.TILE if origins else height
    part = similarity.webp_luma_plane(data, rows)
    assert part.shape == (rows, width)
    assert np.array_equal(part, whole[:rows])
    # the Y plane is libwebp's BT.601 luma in video range: the luma of Pillow's RGB decode
    tiles = similarity.luma_tiles(data, origins)
    colours = similarity.luma(similarity.tiles(similarity.decode(data), origins))
    assert tiles.shape == colours.shape and np.abs(tiles - colours).mean() < 0.5
