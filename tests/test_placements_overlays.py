"""UI overlay areas (docs/PLACEMENTS.md): TikTok's bands and YouTube's duration badge are
data, templates keep their zones out, the safe-zone rule finds text in them, crops frame
zones clear of them."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.brand_kits import TemplateError, load_template
from assets.compliance.render_info import read_render_info
from assets.compliance.safe_zones import safe_zone_rule
from assets.compliance.scorer import score
from assets.compliance.settings import DEFAULT_SETTINGS
from assets.variants.crops import Corner, Insets, Zone, plan_frame
from core.placements import find_placement, with_overrides
from socialpipe.demo.brands import BRANDS
from tests.compliance_corpus import on_brand
from tests.test_brand_kits import demo_media, template_row  # noqa: F401 (a fixture)

LUMEN = BRANDS[2]
# the badge on a 1280×720 thumbnail, written out: (left, top, right, bottom)
BADGE = (1280 - 200, 720 - 80, 1280, 720)


def moved(row: dict, zone: str, **where: int) -> dict:
    zones = json.loads(row["text_zones"])
    for item in zones:
        if item["name"] == zone:
            item.update(where)
    return {**row, "text_zones": json.dumps(zones)}


def intersects(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# ---- the data --------------------------------------------------------------------------


def test_tiktok_and_youtube_have_their_overlay_areas() -> None:
    photo = find_placement("tiktok", "photo")
    assert photo.safe_area_px == {"top": 150, "bottom": 440, "left": 60, "right": 140}
    (badge,) = find_placement("youtube", "thumbnail").overlays_px
    assert badge.box((1280, 720)) == (BADGE[0], BADGE[1], 200, 80)
    # a canvas twice the size: the badge keeps its corner and doubles
    assert badge.box((2560, 1440), (2.0, 2.0)) == (2160, 1280, 400, 160)


def test_overlays_are_overridable_like_the_rest() -> None:
    wider = {"name": "duration badge", "corner": "bottom_right", "width": 320, "height": 90}
    placements = with_overrides({"youtube.thumbnail": {"overlays_px": [wider]}})
    (badge,) = find_placement("youtube", "thumbnail", placements).overlays_px
    assert (badge.width, badge.height) == (320, 90)
    cleared = with_overrides({"tiktok.photo": {"safe_area_px": {}}})
    assert find_placement("tiktok", "photo", cleared).safe_area_px == {}


# ---- templates -------------------------------------------------------------------------


@pytest.mark.parametrize("brand", BRANDS, ids=lambda b: b.key)
def test_demo_templates_keep_their_zones_clear(brand) -> None:
    for key in ("tiktok.photo", "youtube.thumbnail"):
        spec = load_template(template_row(brand, key))
        area = spec.safe_box
        for zone in [*spec.text_zones, spec.image_zone("logo")]:
            assert area.contains(zone), (key, zone)
            for box in spec.overlay_boxes:
                assert not intersects(zone.corners, box.corners), (key, zone, box)


def test_a_zone_in_the_duration_badge_is_refused() -> None:
    row = template_row(LUMEN, "youtube.thumbnail")
    row = moved(row, "cta", x=800, y=560, width=400, height=120)
    with pytest.raises(TemplateError, match=r"text_zones\[2\].*'cta'.*duration badge"):
        load_template(row)


def test_a_zone_in_tiktoks_right_band_is_refused() -> None:
    row = moved(template_row(LUMEN, "tiktok.photo"), "headline", x=300, width=720)
    with pytest.raises(TemplateError, match=r"'headline'.*right 140 px"):
        load_template(row)


def test_a_templates_own_bad_overlay_names_the_field() -> None:
    row = template_row(LUMEN, "youtube.thumbnail")
    layout = {**json.loads(row["layout_config"]), "overlays_px": [{"name": "x", "corner": "mid"}]}
    with pytest.raises(TemplateError, match=r"layout_config\.overlays_px"):
        load_template({**row, "layout_config": json.dumps(layout)})


# ---- the safe-zone rule ----------------------------------------------------------------


def test_text_under_the_duration_badge_fails_the_safe_zone_rule(demo_media: Path) -> None:  # noqa: F811
    render = on_brand(LUMEN, "youtube.thumbnail", demo_media)
    assert (
        score(render.image, render.kit, render.placement, render.metadata).rule("safe_zones").passed
    )
    assert render.metadata["overlays"] == [
        {"name": "duration badge", "x": 1080, "y": 640, "width": 200, "height": 80}
    ]
    metadata = json.loads(json.dumps(render.metadata))
    metadata["text_zones"]["cta"]["pill"] = {"x": 1100, "y": 650, "width": 150, "height": 60}
    metadata["text_zones"]["cta"]["text_box"] = {"x": 1120, "y": 660, "width": 110, "height": 40}
    info = read_render_info(metadata, render.image.size)
    result = safe_zone_rule(render.image.size, render.placement, info, None, DEFAULT_SETTINGS)
    assert result.passed is False
    assert "duration badge" in result.message
    # the render metadata alone (no placement known) still carries the badge
    alone = safe_zone_rule(render.image.size, None, info, None, DEFAULT_SETTINGS)
    assert alone.passed is False and "duration badge" in alone.message
    # at half the size the badge is scaled with the image
    half = (640, 360)
    info_half = read_render_info(metadata, half)
    assert info_half.overlay_boxes[0].corners == (540, 320, 640, 360)


def test_tiktok_text_in_the_side_bands_fails_and_clear_text_passes(demo_media: Path) -> None:  # noqa: F811
    render = on_brand(LUMEN, "tiktok.photo", demo_media)
    size = render.image.size
    info = read_render_info(render.metadata, size)
    clear = safe_zone_rule(size, render.placement, info, None, DEFAULT_SETTINGS)
    assert clear.passed is True and "right 140 px" in clear.message
    metadata = json.loads(json.dumps(render.metadata))
    metadata["text_zones"]["body"]["text_box"] = {"x": 20, "y": 900, "width": 300, "height": 60}
    info = read_render_info(metadata, size)
    result = safe_zone_rule(size, render.placement, info, None, DEFAULT_SETTINGS)
    assert result.passed is False and "left" in result.message
    # the same placement without its bands (an override): nothing to keep clear of
    bare = replace(render.placement, safe_area_px={})
    bare_info = replace(info, safe_area=type(info.safe_area)())
    assert safe_zone_rule(size, bare, bare_info, None, DEFAULT_SETTINGS).passed is True


# ---- crops -----------------------------------------------------------------------------

YOUTUBE = find_placement("youtube", "thumbnail")
CORNERS = [Corner(o.name, o.corner, o.width, o.height) for o in YOUTUBE.overlays_px]


def output_box(frame, zone: Zone, target=(1280, 720)) -> tuple[float, float, float, float]:
    s = target[0] / frame.width
    x, y = (zone.x - frame.x) * s, (zone.y - frame.y) * s
    return (x, y, x + zone.width * s, y + zone.height * s)


def test_a_logo_in_the_badge_corner_is_framed_clear_of_it() -> None:
    logo = Zone("logo", 1420, 800, 150, 80)  # bottom-right of a 1600×900 source
    headline = Zone("headline", 100, 100, 700, 200)
    plain = plan_frame((1600, 900), (1280, 720), [logo, headline])
    assert intersects(output_box(plain, logo), BADGE)  # the overlay was needed
    frame = plan_frame((1600, 900), (1280, 720), [logo, headline], corners=CORNERS)
    for zone in (logo, headline):
        box = output_box(frame, zone)
        assert not intersects(box, BADGE), box
        assert box[0] >= -1e-6 and box[1] >= -1e-6 and box[2] <= 1280 + 1e-6
    assert frame.as_dict()["corners_cleared"] == ["duration badge"]


def test_zones_clear_of_the_corner_leave_the_frame_unchanged() -> None:
    zones = [Zone("headline", 100, 100, 700, 200)]
    assert plan_frame((1600, 900), (1280, 720), zones, corners=CORNERS) == plan_frame(
        (1600, 900), (1280, 720), zones
    )


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    sw=st.integers(300, 3000),
    sh=st.integers(300, 3000),
    fx=st.floats(0, 0.9),
    fy=st.floats(0, 0.9),
    fw=st.floats(0.02, 0.5),
    fh=st.floats(0.02, 0.5),
)
def test_kept_zones_never_land_in_the_badge(sw, sh, fx, fy, fw, fh) -> None:
    zone = Zone(
        "logo", fx * sw, fy * sh, max(1.0, fw * sw * (1 - fx)), max(1.0, fh * sh * (1 - fy))
    )
    frame = plan_frame((sw, sh), (1280, 720), [zone], Insets(), corners=CORNERS)
    if "logo" in frame.zones_kept:
        assert not intersects(output_box(frame, zone), BADGE)
