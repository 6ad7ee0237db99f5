"""The renderer: exact sizes, whole zones, clean files, quality, and every awkward input."""

import io

import numpy as np
import pytest
import pyvips
from PIL import Image, ImageOps

from assets.variants import similarity
from assets.variants.crops import Insets
from assets.variants.decode import VariantInputError
from assets.variants.encode import QualityPolicy
from assets.variants.render import RenderOptions, render_variants
from core.placements import Placement, all_placements, placements_for
from tests.test_variants_crops import SQUARE_TEMPLATE
from tests.variant_images import (
    ZONE_COLOURS,
    colour_box,
    encoded,
    marked_image,
    natural_image,
    png_bomb,
)

SMALL = (Placement("test", "wide", 320, 180, 10_000_000, ("jpeg",)),)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture(scope="module")
def natural_jpeg() -> bytes:
    return encoded(natural_image(1400, 1400, seed=3), "JPEG", quality=92)


@pytest.fixture(scope="module")
def every_placement(natural_jpeg):
    return render_variants(natural_jpeg, all_placements())


def test_every_placement_in_jpeg_and_webp_at_exact_pixels(every_placement) -> None:
    renditions = every_placement.renditions
    assert {(r.platform, r.placement, r.format) for r in renditions} == {
        (p.platform, p.placement, f) for p in all_placements() for f in ("jpeg", "webp")
    }
    for rendition in renditions:
        image = decoded(rendition.data)
        assert image.size == (rendition.width, rendition.height)
        assert image.format == rendition.format.upper()
        assert len(rendition.data) <= rendition.optimization["byte_limit"]


def test_placements_framed_alike_share_one_picture_and_match_each_rendered_alone(
    natural_jpeg, every_placement
) -> None:
    """The 1080² feeds of Instagram and Facebook, the 1200×628 links of Facebook and
    LinkedIn: one frame at one size, composed, encoded and scored once (the very same
    bytes object), each rendition what that placement gets when rendered on its own."""
    found = {(r.platform, r.placement, r.format): r for r in every_placement.renditions}
    twins = (("instagram.feed_square", "facebook.feed"), ("facebook.link", "linkedin.post"))
    for pair in twins:
        placements = [p for p in all_placements() if p.key in pair]
        for alone in render_variants(natural_jpeg, placements[1:]).renditions:
            first, second = (found[(*p.key.split("."), alone.format)] for p in placements)
            assert second.data is first.data  # made once
            assert (second.data, second.quality, second.quality_score) == (
                alone.data,
                alone.quality,
                alone.quality_score,
            )
            assert second.optimization["crop"] == alone.optimization["crop"]
            assert second.optimization["byte_limit"] == placements[1].max_bytes
    square = found["linkedin", "square", "jpeg"]  # another size: its own picture
    assert square.data != found["instagram", "feed_square", "jpeg"].data


def test_a_shared_picture_still_searches_each_byte_limit() -> None:
    data = encoded(natural_image(900, 900, seed=4), "JPEG", quality=92)
    roomy = Placement("test", "roomy", 640, 640, 10_000_000, ("jpeg",))
    tight = Placement("test", "tight", 640, 640, 40_000, ("jpeg",))
    together = {r.placement + r.format: r for r in render_variants(data, [roomy, tight]).renditions}
    alone = {r.placement + r.format: r for r in render_variants(data, [tight]).renditions}
    for fmt in ("jpeg", "webp"):
        assert together["tight" + fmt].quality < together["roomy" + fmt].quality
        assert together["tight" + fmt].data == alone["tight" + fmt].data
        assert together["tight" + fmt].quality_score == alone["tight" + fmt].quality_score
        assert len(together["tight" + fmt].data) <= 40_000


def test_files_are_baseline_by_default_and_carry_no_metadata(every_placement) -> None:
    for rendition in every_placement.renditions:
        image = decoded(rendition.data)
        assert not {"exif", "icc_profile", "xmp"} & set(image.info), image.info.keys()
        if rendition.format == "jpeg":
            assert not image.info.get("progressive") and image.mode == "RGB"
            assert rendition.optimization["progressive"] is False
        assert b"Exif" not in rendition.data[:4096]


def test_progressive_jpeg_when_the_policy_asks_and_its_score_is_the_same() -> None:
    data = encoded(natural_image(700, 700, seed=8), "JPEG", quality=92)
    placement = (Placement("test", "square", 640, 640, 10_000_000, ("jpeg",)),)
    baseline = render_variants(data, placement).renditions[0]
    options = RenderOptions(quality=QualityPolicy(progressive=True))
    progressive = render_variants(data, placement, options=options).renditions[0]
    assert decoded(progressive.data).info.get("progressive")
    assert progressive.optimization["progressive"] is True
    # the same coefficients either way: the same pixels, the same score
    assert np.array_equal(np.asarray(decoded(progressive.data)), np.asarray(decoded(baseline.data)))
    assert progressive.quality_score == baseline.quality_score


def test_jpeg_ssim_is_high_and_the_score_tracks_a_full_ssim(natural_jpeg, every_placement) -> None:
    source = pyvips.Image.new_from_buffer(natural_jpeg, "")
    for rendition in every_placement.renditions:
        if rendition.format == "jpeg":
            assert rendition.quality_score >= 0.97, rendition.placement
        assert rendition.quality_score >= 0.9
    # recompute one from scratch: an exact Lanczos resize of the crop, SSIM on every pixel
    story = next(r for r in every_placement.renditions if r.placement == "story")
    box = story.optimization["crop"]["box"]
    crop = source.crop(round(box["x"]), round(box["y"]), round(box["width"]), round(box["height"]))
    exact = crop.resize(story.width / crop.width, vscale=story.height / crop.height, gap=0)
    full = similarity.ssim(exact.numpy(), similarity.decode(story.data), sampled=False)
    assert story.quality_score == pytest.approx(full, abs=0.01)


def test_zones_come_out_whole_and_clear_of_the_story_bands() -> None:
    data = encoded(marked_image(1080, 1080, SQUARE_TEMPLATE), "PNG")
    result = render_variants(data, placements_for("instagram"), SQUARE_TEMPLATE)
    for rendition in result.renditions:
        if rendition.format != "jpeg":
            continue
        pixels = np.asarray(decoded(rendition.data)).copy()
        crop = rendition.optimization["crop"]
        scale = rendition.width / crop["box"]["width"]
        # the fill around an extended frame is a blurred copy of the picture, ghosts of
        # the zones included: look for the zones in the picture only
        box = crop["box"]
        left, top = max(0, round(-box["x"] * scale)), max(0, round(-box["y"] * scale))
        right, bottom = round((1080 - box["x"]) * scale), round((1080 - box["y"]) * scale)
        outside = np.ones(pixels.shape[:2], dtype=bool)
        outside[top:bottom, left:right] = False
        pixels[outside] = 0
        insets = Insets.of(
            next(
                p for p in all_placements() if p.key == f"instagram.{rendition.placement}"
            ).safe_area_px
        )
        for zone in SQUARE_TEMPLATE:
            found = colour_box(pixels, ZONE_COLOURS[zone.name])
            expected = (
                (zone.x - crop["box"]["x"]) * scale,
                (zone.y - crop["box"]["y"]) * scale,
                (zone.right - crop["box"]["x"]) * scale,
                (zone.bottom - crop["box"]["y"]) * scale,
            )
            assert found is not None, (rendition.placement, zone.name)
            assert np.allclose(found, expected, atol=4), (rendition.placement, zone, found)
            assert insets.top - 1 <= found[1] and found[3] <= rendition.height - insets.bottom + 1


def test_transparency_gives_png_and_keeps_alpha() -> None:
    rgba = np.dstack([natural_image(300, 300, seed=5), np.full((300, 300), 255, np.uint8)])
    rgba[:100, :100, 3] = 0
    result = render_variants(encoded(rgba, "PNG"), SMALL)
    assert [r.format for r in result.renditions] == ["png", "webp"]
    for rendition in result.renditions:
        image = decoded(rendition.data)
        assert image.mode == "RGBA" and image.getextrema()[3][0] == 0
    # an alpha channel with nothing transparent is just RGB
    rgba[..., 3] = 255
    opaque = render_variants(encoded(rgba, "PNG"), SMALL)
    assert [r.format for r in opaque.renditions] == ["jpeg", "webp"]


def test_icc_profiles_are_honoured() -> None:
    colours = [(255, 0, 0), (0, 200, 0), (30, 60, 255), (250, 160, 20)]
    srgb = np.repeat(np.array(colours, np.uint8)[None, :, :], 64, axis=1).repeat(256, axis=0)
    p3 = pyvips.Image.new_from_array(srgb).copy(interpretation="srgb").icc_transform("p3")
    data = p3.jpegsave_buffer(Q=95)  # Display P3 pixels, with the profile that says so
    same = Placement("test", "square", 256, 256, 10_000_000, ("jpeg",))
    result = render_variants(data, [same])
    assert any("ICC profile" in note and "sRGB" in note for note in result.notes)
    out = np.asarray(decoded(result.renditions[0].data)).astype(int)
    naive = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    stripes = [np.s_[96:160, i * 64 + 16 : i * 64 + 48] for i in range(len(colours))]
    # the sRGB colours come back; read with the profile ignored they would not
    pairs = list(zip(stripes, colours, strict=True))
    errors = [np.abs(out[s].mean(axis=(0, 1)) - c).max() for s, c in pairs]
    naive_errors = [np.abs(naive[s].mean(axis=(0, 1)) - c).max() for s, c in pairs]
    assert max(errors) < 8, errors
    assert max(naive_errors) > 20, naive_errors


# Pillow's exif_transpose applies these to the stored pixels; stored = inverse(displayed)
INVERSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(orientation) -> None:
    displayed = Image.new("RGB", (240, 160), (128, 128, 128))
    displayed.paste((220, 20, 20), (0, 0, 60, 40))  # a red mark, top-left as seen
    stored = displayed.transpose(INVERSE[orientation]) if orientation > 1 else displayed
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encoded(stored, "JPEG", quality=95, exif=exif)
    assert ImageOps.exif_transpose(Image.open(io.BytesIO(data))).size == (240, 160)
    placement = Placement("test", "same", 480, 320, 10_000_000, ("jpeg",))
    out = decoded(render_variants(data, [placement]).renditions[0].data)
    assert out.size == (480, 320)
    assert colour_box(np.asarray(out), (220, 20, 20)) == pytest.approx((0, 0, 120, 80), abs=4)


def test_cmyk_jpeg_is_converted() -> None:
    cmyk = Image.new("CMYK", (300, 200), (0, 255, 255, 0))  # pure red ink
    result = render_variants(encoded(cmyk, "JPEG", quality=95), SMALL)
    assert any("CMYK" in note for note in result.notes)
    red, green, blue = np.asarray(decoded(result.renditions[0].data)).mean(axis=(0, 1))
    assert red > 180 and green < 90 and blue < 90


def test_sixteen_bit_png_is_reduced_to_eight_bits() -> None:
    ramp = (np.linspace(0, 65535, 400 * 300 * 3) % 65536).astype(np.uint16).reshape(300, 400, 3)
    data = pyvips.Image.new_from_array(ramp).copy(interpretation="rgb16").pngsave_buffer()
    assert pyvips.Image.new_from_buffer(data, "").format == "ushort"
    result = render_variants(data, SMALL)
    assert any("16-bit" in note for note in result.notes)
    assert decoded(result.renditions[0].data).mode == "RGB"


def test_animated_gif_uses_its_first_frame_and_says_so() -> None:
    frames = [Image.new("RGB", (200, 120), colour) for colour in ("red", "lime", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    result = render_variants(buffer.getvalue(), SMALL)
    assert "animated GIF: first of 3 frames used" in result.notes
    red, green, blue = np.asarray(decoded(result.renditions[0].data)).mean(axis=(0, 1))
    assert red > 200 and green < 40 and blue < 40


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"this is not an image at all", "not a JPEG, PNG, WebP, GIF or TIFF"),
        (b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, "JPEG"),
        (png_bomb(50_000, 40_000), "over the limit"),
    ],
    ids=["zero-byte", "not-an-image", "corrupt-jpeg", "pixel-bomb"],
)
def test_bad_input_is_a_clear_error(data, message) -> None:
    with pytest.raises(VariantInputError, match=message):
        render_variants(data, SMALL)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_files_are_refused(fmt) -> None:
    data = encoded(natural_image(400, 400, seed=2), fmt)
    with pytest.raises(VariantInputError, match="corrupt or truncated|unreadable"):
        render_variants(data[: len(data) // 2], SMALL)


def test_the_pixel_limit_is_an_option() -> None:
    data = encoded(natural_image(200, 200), "PNG")
    with pytest.raises(VariantInputError, match="40,000 pixels, over the limit of 10,000"):
        render_variants(data, SMALL, options=RenderOptions(max_pixels=10_000))


def test_large_jpegs_shrink_on_load() -> None:
    big = pyvips.Image.xyz(4000, 3000).extract_band(0).cast("uchar").colourspace("srgb")
    result = render_variants(big.jpegsave_buffer(Q=80), SMALL)
    assert result.source["shrink_on_load"] == 8
    assert decoded(result.renditions[0].data).size == (320, 180)


@pytest.mark.parametrize("interesting", ["attention", "entropy"])
def test_without_zones_the_crop_finds_the_subject(interesting) -> None:
    canvas = Image.new("RGB", (1200, 600), (120, 120, 120))
    canvas.paste(Image.fromarray(natural_image(200, 200, seed=9)), (900, 200))  # busy, right
    tall = Placement("test", "tall", 200, 400, 10_000_000, ("jpeg",))
    result = render_variants(
        encoded(canvas, "PNG"), [tall], options=RenderOptions(interesting=interesting)
    )
    box = result.renditions[0].optimization["crop"]["box"]
    assert result.renditions[0].optimization["crop"]["strategy"] == interesting
    assert box["x"] <= 900 and box["x"] + box["width"] >= 1100
