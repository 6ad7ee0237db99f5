"""The template renderer: text fitted inside its zones, readable, on brand, deterministic."""

import json
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assets.brand_kits import BrandKit, TemplateSpec, load_brand_kit, load_template
from assets.brand_kits.geometry import Box
from assets.rendering import WCAG_AA, contrast_ratio, luminance, render_template, request_texts
from core.generation import ImageSpec
from core.placements import all_placements
from resources.local_provider import LocalProvider
from socialpipe.demo.brands import BRANDS
from tests.test_brand_kits import (
    NORTHWIND,
    asset_rows,
    demo_kit,
    demo_media,  # noqa: F401 (a fixture)
    demo_template,
    profile_row,
    reader,
    template_row,
)

TEXTS = {
    "headline": "Slow mornings, single-origin pour-overs",
    "body": "Our new Ethiopian Yirgacheffe lands this week: bright, floral, with a jasmine "
    "finish. Pair it with an oat flat white.",
    "cta": "Order ahead",
}


def background_for(kit: BrandKit, template: TemplateSpec, seed: int = 7) -> Image.Image:
    spec = ImageSpec(
        prompt="",
        width=template.width,
        height=template.height,
        size_name="square_1_1",
        seed=seed,
        palette=kit.image_palette(),
    )
    images = LocalProvider().generate(
        spec, on_call=lambda call: None, before_billable_call=lambda n: None
    )
    return Image.open(BytesIO(images[0].data))


def box(record: dict) -> Box:
    return Box(**record)


def zone_mask(template: TemplateSpec, names: tuple[str, ...]) -> np.ndarray:
    mask = np.zeros((template.height, template.width), dtype=bool)
    for zone in (*template.text_zones, *template.image_zones):
        if zone.name in names:
            mask[zone.y : zone.bottom, zone.x : zone.right] = True
    return mask


@pytest.fixture(scope="module")
def kits(demo_media: Path) -> dict[str, BrandKit]:  # noqa: F811
    return {brand.key: demo_kit(brand, demo_media) for brand in BRANDS}


def check_result(result, kit: BrandKit, template: TemplateSpec) -> None:
    """What compliance relies on: sizes, boxes inside zones, contrast, fonts, logo."""
    assert result.image.mode == "RGB"
    assert result.image.size == (template.width, template.height)
    meta = result.metadata
    safe = template.safe_box
    for name, record in meta["text_zones"].items():
        assert record["drawn"], (name, record)
        zone, drawn = box(record["zone"]), box(record["text_box"])
        assert zone.contains(drawn), (name, drawn, zone)
        assert safe.contains(drawn)
        assert record["contrast_ratio"] >= WCAG_AA
        assert record["text_color"] in [c.hex for c in kit.palette] + ["#000000", "#FFFFFF"]
        assert Path(record["font_file"]).is_file()
        assert record["font_size"] >= 12 and record["lines"]
        if record["scrim"]:
            assert zone.contains(box(record["scrim"]["box"]))
    assert meta["fonts_used"] == sorted({r["font_file"] for r in meta["text_zones"].values()})
    assert meta["palette"] == [c.hex for c in kit.palette]
    logo = meta["logo"]
    assert box(logo["zone"]).contains(box(logo["box"])) and safe.contains(box(logo["box"]))
    pill = box(meta["text_zones"]["cta"]["pill"])
    assert box(meta["text_zones"]["cta"]["zone"]).contains(pill)


@pytest.mark.parametrize("brand", BRANDS, ids=lambda b: b.key)
def test_every_demo_template_renders_inside_its_zones(brand, kits) -> None:
    kit = kits[brand.key]
    for placement in all_placements():
        template = demo_template(brand, placement.key)
        result = render_template(background_for(kit, template), kit, template, TEXTS)
        check_result(result, kit, template)
        if placement.key == "instagram.feed_square":
            result.image.save(f"/tmp/render_{brand.key}.png")


def test_text_fonts_follow_the_zone_font_roles(kits) -> None:
    kit = kits["lumen-fitness"]  # DejaVu Sans headline, DejaVu Sans Mono body
    template = demo_template(BRANDS[2], "instagram.feed_square")
    zones = render_template(background_for(kit, template), kit, template, TEXTS).metadata
    zones = zones["text_zones"]
    assert zones["headline"]["font_file"] == kit.primary_font.bold_path
    assert zones["body"]["font_file"] == kit.secondary_font.path
    assert zones["body"]["font_family"] == "DejaVu Sans Mono" or kit.font_fallback
    assert zones["cta"]["font_role"] == "secondary"  # as the demo template says


def test_pixels_outside_the_text_zones_are_untouched(kits) -> None:
    kit = kits["northwind-coffee"]
    template = demo_template(NORTHWIND, "instagram.feed_portrait")
    background = background_for(kit, template)
    bare = np.asarray(render_template(background, kit, template, {}).image)
    full = np.asarray(render_template(background, kit, template, TEXTS).image)
    changed = (bare != full).any(axis=2)
    assert changed.any()
    assert not (changed & ~zone_mask(template, ("headline", "body", "cta"))).any()


def test_logo_is_drawn_in_its_zone(kits) -> None:
    kit = kits["northwind-reserve"]
    template = demo_template(BRANDS[1], "instagram.feed_square")
    background = background_for(kit, template)
    result = render_template(background, kit, template, TEXTS)
    logo = box(result.metadata["logo"]["box"])
    canvas = np.asarray(background.convert("RGB")).astype(int)
    drawn = np.asarray(result.image).astype(int)
    region = (slice(logo.y, logo.bottom), slice(logo.x, logo.right))
    differs = (np.abs(drawn[region] - canvas[region]).sum(axis=2) > 30).mean()
    assert differs > 0.25  # the diamond mark covers half its square
    # the logo's own primary colour is present inside the logo box
    primary = np.array(kit.primary_color.rgb)
    assert (np.abs(drawn[region] - primary).sum(axis=2) < 12).mean() > 0.2
    # the logo keeps its aspect ratio (square logo, square zone)
    assert logo.width == logo.height == template.image_zone("logo").width


def test_story_text_and_logo_stay_out_of_the_ui_bands(kits) -> None:
    kit = kits["lumen-fitness"]
    template = demo_template(BRANDS[2], "instagram.story")
    assert (template.safe_area.top, template.safe_area.bottom) == (250, 250)
    result = render_template(background_for(kit, template), kit, template, TEXTS)
    check_result(result, kit, template)
    background = np.asarray(render_template(background_for(kit, template), kit, template, {}).image)
    drawn = np.asarray(result.image)
    # nothing of the text is drawn in the top and bottom 250 px
    assert (drawn[:250] == background[:250]).all() and (drawn[-250:] == background[-250:]).all()


def test_a_huge_brief_shrinks_wraps_and_truncates(kits) -> None:
    kit = kits["northwind-coffee"]
    template = demo_template(NORTHWIND, "instagram.feed_square")
    brief = ("Freshly roasted beans from a single farm in the Sidama highlands. " * 1600)[:100_000]
    result = render_template(
        background_for(kit, template),
        kit,
        template,
        {"headline": brief, "body": brief, "cta": brief},
    )
    for name, record in result.metadata["text_zones"].items():
        assert record["truncated"], name
        assert record["lines"][-1].endswith("…")
        assert box(record["zone"]).contains(box(record["text_box"]))
        assert record["contrast_ratio"] >= WCAG_AA
    body = result.metadata["text_zones"]["body"]
    assert body["font_size"] < template.text_zone("body").max_font_size
    assert len(result.metadata["text_zones"]["cta"]["lines"]) == 1


def test_a_long_unbroken_word_is_split_inside_the_zone(kits) -> None:
    kit = kits["lumen-fitness"]
    template = demo_template(BRANDS[2], "linkedin.post")
    word = "Supercalifragilisticexpialidocious" * 3
    result = render_template(background_for(kit, template), kit, template, {"headline": word})
    record = result.metadata["text_zones"]["headline"]
    assert box(record["zone"]).contains(box(record["text_box"]))
    # split only because no size fits it whole; each piece but the last ends in a hyphen
    assert record["split_words"] == [word]
    assert all(line.endswith("-") for line in record["lines"][:-1])
    assert "".join(line.removesuffix("-") for line in record["lines"]).replace("…", "") in word
    assert result.metadata["text_zones"]["body"]["drawn"] is False


def test_text_on_a_busy_background_gets_a_scrim_and_reads(kits) -> None:
    kit = kits["northwind-reserve"]
    template = demo_template(BRANDS[1], "instagram.feed_square")
    stripes = np.zeros((1080, 1080, 3), dtype=np.uint8)
    stripes[:, ::8] = 255  # black with white stripes: no single ink colour reads on it
    stripes[:, 1::8] = 255
    stripes[:, 2::8] = 255
    stripes[:, 3::8] = 255
    result = render_template(Image.fromarray(stripes), kit, template, TEXTS)
    headline = result.metadata["text_zones"]["headline"]
    assert headline["scrim"] is not None and headline["contrast_ratio"] >= WCAG_AA
    # measured again here: text colour against the scrimmed pixels behind the text
    drawn = box(headline["text_box"])
    pixels = np.asarray(result.image.crop(drawn.corners)).reshape(-1, 3)
    ink = np.array([int(headline["text_color"][i : i + 2], 16) for i in (1, 3, 5)])
    behind = pixels[np.abs(pixels.astype(int) - ink).sum(axis=1) > 120]  # not the glyphs
    text_lum = float(luminance(ink))
    assert contrast_ratio(text_lum, float(np.median(luminance(behind)))) >= WCAG_AA


def test_the_cta_sits_on_an_accent_pill(kits) -> None:
    kit = kits["northwind-reserve"]
    template = demo_template(BRANDS[1], "instagram.feed_square")
    result = render_template(background_for(kit, template), kit, template, TEXTS)
    cta = result.metadata["text_zones"]["cta"]
    pill = box(cta["pill"])
    assert cta["pill_color"] == kit.accent_color.hex
    sample = result.image.getpixel((pill.x + pill.width // 2, pill.y + round(pill.height * 0.1)))
    assert sample == kit.accent_color.rgb
    assert cta["contrast_ratio"] >= WCAG_AA


def test_rendering_is_deterministic(kits) -> None:
    kit = kits["lumen-fitness"]
    template = demo_template(BRANDS[2], "instagram.story")
    first = render_template(background_for(kit, template), kit, template, TEXTS)
    second = render_template(background_for(kit, template), kit, template, TEXTS)
    assert first.png_bytes() == second.png_bytes()
    assert first.metadata == second.metadata
    assert json.loads(json.dumps(first.metadata)) == first.metadata  # storable as jsonb


def test_any_background_is_cover_cropped(kits) -> None:
    kit = kits["northwind-coffee"]
    template = demo_template(NORTHWIND, "instagram.story")
    wide = Image.new("RGBA", (400, 100), (255, 0, 0, 128))  # translucent, wrong aspect
    result = render_template(wide, kit, template, {})
    assert result.image.size == (1080, 1920)
    # a corner far from the logo: red composited over the primary colour
    red_over_primary = tuple(
        round((255 + c) / 2) if i == 0 else round(c / 2)
        for i, c in enumerate(kit.primary_color.rgb)
    )
    assert np.allclose(result.image.getpixel((1070, 1910)), red_over_primary, atol=2)


def test_a_kit_with_a_fallback_font_still_renders(demo_media: Path, tmp_path: Path) -> None:  # noqa: F811
    kit = load_brand_kit(
        profile_row(NORTHWIND),
        asset_rows(NORTHWIND, demo_media),
        reader(demo_media),
        font_dirs=[tmp_path],  # no fonts at all: Pillow's bundled font
    )
    template = demo_template(NORTHWIND, "instagram.feed_square")
    result = render_template(background_for(kit, template), kit, template, TEXTS)
    assert result.metadata["font_fallback"] is True
    assert result.metadata["fonts_used"] == ["pillow:load_default"]
    for record in result.metadata["text_zones"].values():
        assert box(record["zone"]).contains(box(record["text_box"]))


def test_a_zone_too_small_for_any_text_draws_nothing(kits) -> None:
    kit = kits["northwind-coffee"]
    row = template_row(NORTHWIND, "instagram.feed_square")
    row["text_zones"] = (
        '[{"name": "headline", "x": 100, "y": 400, "width": 300, "height": 8, "max_font_size": 40}]'
    )
    template = load_template(row)
    result = render_template(background_for(kit, template), kit, template, TEXTS)
    record = result.metadata["text_zones"]["headline"]
    assert record["drawn"] is False and "too small" in record["reason"]


def test_request_texts_maps_a_request_row() -> None:
    request = {
        "title": "Cold brew season",
        "description": None,
        "content_brief": "A long brief.",
        "style_preferences": '{"style": "photo", "cta": "Try it today"}',
    }
    assert request_texts(request) == {
        "headline": "Cold brew season",
        "body": "A long brief.",
        "cta": "Try it today",
    }
    assert request_texts({"title": "x", "style_preferences": {}})["cta"] == "Learn more"
