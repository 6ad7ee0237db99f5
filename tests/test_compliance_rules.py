"""The compliance rules on a labelled corpus, the colour maths, and every kind of input file."""

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from coloraide import Color
from PIL import Image

from assets.brand_kits import LogoInfo
from assets.brand_kits.geometry import Box
from assets.compliance.delta_e import delta_e_2000, srgb_to_lab
from assets.compliance.images import ImageRefusedError, load_image
from assets.compliance.palette import palette_rule
from assets.compliance.results import RuleResult, decide_status, weighted_score
from assets.compliance.scorer import score
from assets.compliance.settings import DEFAULT_SETTINGS
from assets.rendering import render_template
from assets.rendering.layers import place_logo
from socialpipe.demo.brands import BRANDS
from tests.compliance_corpus import DEGRADATIONS, Sample, build_corpus, logo_removed, on_brand
from tests.compliance_files import (
    encoded,
    exif_rotated_jpeg,
    png_16_bit_rgb,
    png_with_header,
    swapped_primaries_profile,
)
from tests.test_brand_kits import demo_media  # noqa: F401 (a fixture)

RULES = (
    "palette_adherence",
    "logo",
    "text_contrast",
    "platform_fit",
    "safe_zones",
    "fonts",
    "text_fit",
)
LUMEN = BRANDS[2]


@pytest.fixture(scope="module")
def scored(demo_media: Path) -> list[tuple[Sample, object]]:  # noqa: F811
    """Every corpus image with its result, scored as the pipeline does (a PNG, its metadata)."""
    return [
        (sample, score(sample.as_file(), sample.kit, sample.placement, sample.metadata))
        for sample in build_corpus(demo_media)
    ]


def failed_rules(result) -> set[str]:
    return {rule.rule for rule in result.rules if rule.passed is False}


# ---- the corpus ---------------------------------------------------------------------------


def test_on_brand_renders_pass_every_rule(scored) -> None:
    on_brand_results = [(s, r) for s, r in scored if s.degradation is None]
    assert len(on_brand_results) == 9  # 3 brands × 3 placements
    for sample, result in on_brand_results:
        assert [r.rule for r in result.rules] == list(RULES)
        assert all(rule.passed for rule in result.rules), (sample.name, result.violations)
        assert (result.score, result.status) == (100.0, "passed"), sample.name


@pytest.mark.parametrize("degradation", DEGRADATIONS)
def test_each_degradation_fails_its_own_rule_and_no_other(scored, degradation: str) -> None:
    samples = [(s, r) for s, r in scored if s.degradation == degradation]
    # the overlay move exists only for the stories: one per brand
    assert len(samples) == (3 if degradation == "text_in_overlay" else 9)
    for sample, result in samples:
        assert failed_rules(result) == {DEGRADATIONS[degradation]}, (
            sample.name,
            [r.message for r in result.rules if r.passed is False],
        )
        # and nothing was left unmeasured: the metadata covers every rule
        assert all(rule.passed is not None for rule in result.rules), sample.name


def test_every_on_brand_image_scores_above_each_degraded_copy(scored) -> None:
    base = {s.name.rsplit("/", 1)[0]: r.score for s, r in scored if s.degradation is None}
    for sample, result in scored:
        if sample.degradation is not None:
            assert result.score < base[sample.name.rsplit("/", 1)[0]], sample.name


def test_the_failures_name_what_is_wrong(scored) -> None:
    messages = {
        (s.brand, s.placement.key, s.degradation): r.rule(DEGRADATIONS[s.degradation])
        for s, r in scored
        if s.degradation
    }
    key = ("northwind-coffee", "instagram.story")
    assert "logo not found" in messages[(*key, "logo_removed")].message
    shrunk = messages[(*key, "logo_shrunk")]
    assert [c.check for c in shrunk.checks if not c.passed] == ["size"]
    assert "canvas's shorter side" in shrunk.message
    assert "headline" in messages[(*key, "low_contrast")].message
    assert "cta text" in messages[(*key, "text_in_overlay")].message
    assert "bottom overlay" in messages[(*key, "text_in_overlay")].message
    assert "1080×1920" in messages[(*key, "wrong_size")].message
    assert "off-palette" in messages[(*key, "off_palette")].message


def test_the_verdict_follows_the_brands_enforcement_level(scored) -> None:
    expected = {
        "northwind-coffee": "rejected",  # strict
        "northwind-reserve": "needs_review",  # moderate
        "lumen-fitness": "passed_with_warnings",  # lenient
    }
    for sample, result in scored:
        if sample.degradation is not None:
            assert result.status == expected[sample.brand], sample.name


def test_details_are_json_and_explain_the_score(scored) -> None:
    sample, result = next((s, r) for s, r in scored if s.degradation == "logo_shrunk")
    details = json.loads(json.dumps(result.as_dict()))
    assert details["score"] == result.score and details["status"] == result.status
    assert details["violations"] == ["logo.size"]
    for rule in details["rules"]:
        assert {"rule", "value", "threshold", "weight", "passed", "message"} <= set(rule)
    assert sum(rule["points"] for rule in details["rules"]) == pytest.approx(result.score, abs=0.1)
    assert details["image"]["width"] == sample.image.width


# ---- pieces of the rules ------------------------------------------------------------------


def test_colour_maths_agrees_with_coloraide() -> None:
    rng = np.random.default_rng(7)
    first, second = rng.integers(0, 256, (200, 3)), rng.integers(0, 256, (200, 3))
    lab = srgb_to_lab(first)
    expected = [Color("srgb", list(c / 255)).convert("lab-d65").coords() for c in first]
    assert np.allclose(lab, expected, atol=1e-9)
    ours = delta_e_2000(srgb_to_lab(first), srgb_to_lab(second))
    theirs = [
        Color("srgb", list(a / 255)).delta_e(Color("srgb", list(b / 255)), method="2000")
        for a, b in zip(first, second, strict=True)
    ]
    assert np.allclose(ours, theirs, atol=1e-9)
    # Sharma, Wu & Dalal's test data
    assert delta_e_2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == (
        pytest.approx(2.0425, abs=1e-4)
    )
    assert delta_e_2000(np.array([50, 2.5, 0]), np.array([73, 25, -18])) == pytest.approx(
        27.1492, abs=1e-4
    )


def test_dominant_colours_give_the_share_every_pixel_gives(scored) -> None:
    """Posterised, counted colours stand in for pixels: the share moves by under 1 %."""
    for sample, _ in scored:
        if sample.placement.key != "linkedin.post" or sample.degradation not in (
            None,
            "off_palette",
        ):
            continue
        # every 4th pixel: real pixel colours, few enough for ΔE2000 of each
        width, height = sample.image.width // 4, sample.image.height // 4
        small = sample.image.resize((width, height), Image.Resampling.NEAREST)
        lab = srgb_to_lab(np.asarray(small).reshape(-1, 3))
        nearest = delta_e_2000(lab[:, None, :], sample.kit.palette_lab_array[None]).min(axis=1)
        per_pixel = float((nearest <= DEFAULT_SETTINGS.palette_delta_e).mean())
        measured = palette_rule(small, sample.kit, DEFAULT_SETTINGS).value
        assert measured == pytest.approx(per_pixel, abs=0.01), sample.name


@pytest.mark.parametrize(
    ("level", "failed", "total", "expected"),
    [
        ("strict", False, 100, "passed"),
        ("strict", True, 90, "rejected"),
        ("strict", False, 80, "rejected"),  # every rule passed, but under the minimum
        ("moderate", True, 90, "needs_review"),
        ("lenient", True, 40, "passed_with_warnings"),
    ],
)
def test_enforcement_levels(level: str, failed: bool, total: float, expected: str) -> None:
    rules = [RuleResult("logo", 0.9, 0.7, 0.2, not failed, "")]
    assert decide_status(rules, total, level, 85) == expected


def test_unmeasured_rules_are_left_out_of_the_score() -> None:
    rules = [
        RuleResult("a", 1, 1, 0.5, True, ""),
        RuleResult("b", 0, 1, 0.25, False, "", progress=0.5),
        RuleResult("c", None, None, 0.25, None, "not measured"),
    ]
    # a: 0.5 of 0.75 measured; b: half credit at most, times its progress
    assert weighted_score(rules) == pytest.approx(100 * (0.5 + 0.25 * 0.25) / 0.75, abs=0.01)


def test_text_in_another_font_fails_only_the_fonts_rule(demo_media: Path) -> None:  # noqa: F811
    render = on_brand(LUMEN, "instagram.feed_portrait", demo_media)
    metadata = json.loads(json.dumps(render.metadata))
    metadata["text_zones"]["body"].update(
        font_file="/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", font_family="DejaVu Serif"
    )
    result = score(render.image, render.kit, render.placement, metadata)
    assert failed_rules(result) == {"fonts"}
    assert "DejaVu Serif" in result.rule("fonts").message
    assert "DejaVu Sans Mono" in result.rule("fonts").message


def test_a_word_split_to_fit_fails_only_the_text_fit_rule(demo_media: Path) -> None:  # noqa: F811
    on = on_brand(LUMEN, "instagram.feed_portrait", demo_media)
    long_word = "Supercalifragilisticexpialidocious" * 4
    rendered = render_template(on.background, on.kit, on.template, {**on.texts, "body": long_word})
    body = rendered.metadata["text_zones"]["body"]
    assert body["drawn"] and body["split_words"] == [long_word]
    assert all(line.endswith("-") for line in body["lines"][:-1])
    result = score(rendered.image, on.kit, on.placement, rendered.metadata)
    assert failed_rules(result) == {"text_fit"}
    assert long_word in result.rule("text_fit").message
    assert [c.check for c in result.rule("text_fit").checks if not c.passed] == ["body"]
    # the on-brand render keeps every word whole: the rule is measured and passes
    assert score(on.image, on.kit, on.placement, on.metadata).rule("text_fit").passed is True
    # a record from before split words were recorded: not measured, not passed
    older = json.loads(json.dumps(on.metadata))
    for zone in older["text_zones"].values():
        zone.pop("split_words", None)
    assert score(on.image, on.kit, on.placement, older).rule("text_fit").passed is None


def test_a_logo_outside_its_zone_is_found_and_reported(demo_media: Path) -> None:  # noqa: F811
    render = on_brand(LUMEN, "instagram.feed_portrait", demo_media)
    image, _ = logo_removed(render)
    zone = Box(**render.metadata["logo"]["zone"])
    elsewhere = Box(x=image.width - zone.width - 65, y=65, width=zone.width, height=zone.height)
    place_logo(image, render.kit.logo.image(), elsewhere, "contain")
    result = score(image, render.kit, render.placement, render.metadata)
    logo = result.rule("logo")
    assert failed_rules(result) == {"logo"}
    assert [c.check for c in logo.checks if not c.passed] == ["in_zone"]
    assert logo.details["box"]["x"] == pytest.approx(elsewhere.x, abs=3)


def test_a_flat_single_colour_logo_is_matched_by_its_silhouette(demo_media: Path) -> None:  # noqa: F811
    mark = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    mark.paste((45, 30, 107, 255), (0, 0, 256, 256), _star_mask(256))
    render = on_brand(LUMEN, "linkedin.post", demo_media)
    data = encoded(mark, "PNG")
    kit = render.kit.model_copy(
        update={
            "logo": LogoInfo(
                source="brand_asset",
                reference="star.png",
                width=256,
                height=256,
                format="PNG",
                size_bytes=len(data),
                data=data,
            )
        }
    )
    rendered = render_template(render.background, kit, render.template, render.texts)
    result = score(rendered.image, kit, render.placement, rendered.metadata)
    assert result.rule("logo").passed, result.rule("logo").message
    without = score(
        render.again(kit=kit.model_copy(update={"logo": None})),
        kit,
        render.placement,
        rendered.metadata,
    )
    assert not without.rule("logo").passed


def _star_mask(size: int) -> Image.Image:
    from PIL import ImageDraw

    mask = Image.new("L", (size, size), 0)
    centre, points = size / 2, []
    for index in range(10):
        radius = size * (0.48 if index % 2 == 0 else 0.2)
        angle = np.pi / 2 + index * np.pi / 5
        points.append((centre + radius * np.cos(angle), centre - radius * np.sin(angle)))
    ImageDraw.Draw(mask).polygon(points, fill=255)
    return mask


def test_without_metadata_the_logo_is_searched_everywhere(demo_media: Path) -> None:  # noqa: F811
    render = on_brand(LUMEN, "instagram.story", demo_media)
    result = score(render.image, render.kit, render.placement, None)
    assert result.rule("logo").passed
    for rule in ("text_contrast", "fonts"):
        assert result.rule(rule).passed is None
        assert result.rule(rule).message.startswith("not measured")
    assert result.status == "passed"


# ---- inputs (issue 4, item 5) -------------------------------------------------------------


@pytest.fixture(scope="module")
def lumen(demo_media: Path):  # noqa: F811
    return on_brand(LUMEN, "instagram.feed_portrait", demo_media)


def _verdict(data: bytes, render) -> object:
    return score(load_image(data), render.kit, render.placement, render.metadata)


def test_rgba_palette_and_16_bit_rgb_files_score_like_the_original(lumen) -> None:
    reference = _verdict(encoded(lumen.image, "PNG"), lumen)
    assert reference.status == "passed"
    rgba = lumen.image.convert("RGBA")
    rgba.putpixel((0, 0), (0, 0, 0, 0))  # one transparent pixel: flattened onto white
    pixels = np.asarray(lumen.image).astype(np.uint16) * 257
    for data in (
        encoded(rgba, "PNG"),
        encoded(lumen.image.quantize(256, dither=Image.Dither.NONE), "PNG"),
        png_16_bit_rgb(pixels),
    ):
        result = _verdict(data, lumen)
        assert result.status == "passed", result.violations
        assert result.score == reference.score
    assert "transparency flattened onto white" in load_image(encoded(rgba, "PNG")).conversions


def test_grayscale_and_16_bit_grayscale_are_read_as_grey_rgb() -> None:
    grey = load_image(encoded(Image.new("L", (6, 4), 77), "PNG"))
    assert grey.image.mode == "RGB" and grey.image.getpixel((0, 0)) == (77, 77, 77)
    deep = load_image(encoded(Image.fromarray(np.full((4, 6), 40000, np.uint16)), "PNG"))
    # scaled, not clipped: Pillow's own convert("L") would give 255
    assert deep.source_mode == "I;16" and deep.image.getpixel((0, 0)) == (156, 156, 156)
    assert "I;16 scaled to 8 bits" in deep.conversions


def test_cmyk_jpeg_is_converted_to_rgb(lumen) -> None:
    cmyk = load_image(encoded(lumen.image.convert("CMYK"), "JPEG", quality=95))
    assert cmyk.source_mode == "CMYK" and cmyk.image.mode == "RGB"
    difference = np.abs(np.asarray(cmyk.image, float) - np.asarray(lumen.image, float))
    assert difference.mean() < 4
    result = score(cmyk, lumen.kit, lumen.placement, lumen.metadata)
    assert failed_rules(result) == set(), result.violations


def test_an_icc_profile_is_converted_to_srgb() -> None:
    red_in_profile = Image.new("RGB", (8, 8), (220, 30, 30))
    for image_format in ("PNG", "JPEG"):
        data = encoded(red_in_profile, image_format, icc_profile=swapped_primaries_profile())
        loaded = load_image(data)
        red, green, blue = loaded.image.getpixel((4, 4))
        assert blue > 200 and red < 60, (image_format, (red, green, blue))  # it was blue
        assert any("ICC profile" in note for note in loaded.conversions)


def test_an_exif_rotated_jpeg_is_turned_upright(lumen) -> None:
    loaded = load_image(exif_rotated_jpeg(lumen.image))
    assert loaded.image.size == lumen.image.size
    assert "EXIF orientation 6 applied" in loaded.conversions
    result = score(loaded, lumen.kit, lumen.placement, lumen.metadata)
    assert failed_rules(result) == set(), result.violations


def test_a_one_pixel_image_gets_a_clear_verdict(lumen) -> None:
    result = score(encoded(Image.new("RGB", (1, 1), "#00A6A6"), "PNG"), lumen.kit, lumen.placement)
    assert result.status == "passed_with_warnings"  # Lumen is lenient
    assert failed_rules(result) == {"logo", "platform_fit"}
    assert result.rule("palette_adherence").passed  # its one pixel is Electric Teal
    assert "1×1 px" in result.rule("platform_fit").message
    assert "logo not found" in result.rule("logo").message
    assert 0 < result.score < 100


@pytest.mark.parametrize(("width", "height"), [(8000, 6000), (20000, 20000)])
def test_an_image_over_the_pixel_limit_is_refused_without_decoding(width, height) -> None:
    data = png_with_header(width, height)
    tracemalloc.start()
    with pytest.raises(ImageRefusedError, match="pixel limit; refused without decoding"):
        load_image(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 5_000_000  # a decoded 48 MP image would be 144 MB
    assert f"{width * height:,}" in str(_refusal(data))


def _refusal(data: bytes) -> ImageRefusedError:
    try:
        load_image(data)
    except ImageRefusedError as error:
        return error
    raise AssertionError("not refused")


@pytest.mark.parametrize("data", [b"", b"not an image at all", png_with_header(40, 40)[:30]])
def test_empty_and_broken_files_are_refused_clearly(data: bytes) -> None:
    with pytest.raises(ImageRefusedError):
        load_image(data)
