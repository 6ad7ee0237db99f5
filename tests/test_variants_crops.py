"""Crop planning: zones stay whole and out of overlay bands; the least loss otherwise."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.variants.crops import ZONE_WEIGHTS, Insets, Zone, cover_size, plan_frame
from core.placements import all_placements

TOL = 1e-6
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True)
NAMES = ("logo", "headline", "body", "cta")


@st.composite
def layouts(draw):
    """A source size, 1–4 zones inside it, a target placement and its overlay bands."""
    sw = draw(st.integers(120, 3000))
    sh = draw(st.integers(120, 3000))
    zones = []
    for name in NAMES[: draw(st.integers(1, 4))]:
        w = draw(st.integers(1, sw))
        h = draw(st.integers(1, sh))
        zones.append(Zone(name, draw(st.integers(0, sw - w)), draw(st.integers(0, sh - h)), w, h))
    placement = draw(st.sampled_from(all_placements()))
    if draw(st.booleans()):
        target, insets = (placement.width, placement.height), Insets.of(placement.safe_area_px)
    else:
        target = (draw(st.integers(50, 2000)), draw(st.integers(50, 2000)))
        insets = Insets(
            top=draw(st.integers(0, target[1] // 5)), bottom=draw(st.integers(0, target[1] // 5))
        )
    return (sw, sh), zones, target, insets


def safe_box(frame, target, insets):
    s = frame.width / target[0]
    return (
        frame.x + insets.left * s,
        frame.y + insets.top * s,
        frame.x + frame.width - insets.right * s,
        frame.y + frame.height - insets.bottom * s,
    )


def holds(box, zone, slack=TOL) -> bool:
    span = max(box[2] - box[0], box[3] - box[1])
    eps = slack * max(1.0, span)
    return (
        box[0] - eps <= zone.x
        and box[1] - eps <= zone.y
        and zone.right <= box[2] + eps
        and zone.bottom <= box[3] + eps
    )


def cut_fraction(zone, box) -> float:
    w = max(0.0, min(zone.right, box[2]) - max(zone.x, box[0]))
    h = max(0.0, min(zone.bottom, box[3]) - max(zone.y, box[1]))
    return 1 - w * h / (zone.width * zone.height)


def fill_of(frame, source) -> float:
    ox = max(0.0, min(frame.x + frame.width, source[0]) - max(frame.x, 0.0))
    oy = max(0.0, min(frame.y + frame.height, source[1]) - max(frame.y, 0.0))
    return 1 - ox * oy / (frame.width * frame.height)


def cover_positions(source, target, steps=16):
    cw, ch = cover_size(*source, target[0] / target[1])
    for i in range(steps + 1):
        for j in range(steps + 1):
            x, y = (source[0] - cw) * i / steps, (source[1] - ch) * j / steps
            yield x, y, cw, ch


@PROPERTY
@given(layouts())
def test_extend_keeps_every_zone_whole_and_clear_of_the_bands(layout) -> None:
    source, zones, target, insets = layout
    frame = plan_frame(source, target, zones, insets, margin=0)
    assert frame.width / frame.height == pytest.approx(target[0] / target[1], rel=1e-9)
    box = safe_box(frame, target, insets)
    assert all(holds(box, z) for z in zones), (frame, zones)
    assert frame.zones_kept == tuple(z.name for z in zones) and not frame.zones_cut
    assert frame.fill_fraction == pytest.approx(fill_of(frame, source), abs=1e-9)
    if frame.strategy == "cover":
        assert frame.inside(*source) and frame.fill_fraction == 0
    else:
        # the frame only leaves the source when no largest frame inside it holds the zones
        assert frame.strategy == "extend" and frame.fill_fraction > 0
        for x, y, w, h in cover_positions(source, target):
            shifted = type(frame)(x, y, w, h, "probe")
            box = safe_box(shifted, target, insets)
            assert not all(holds(box, z, slack=-1e-9) for z in zones)


@PROPERTY
@given(layouts())
def test_crop_policy_stays_inside_and_cuts_the_least(layout) -> None:
    source, zones, target, insets = layout
    frame = plan_frame(source, target, zones, insets, misfit="crop", margin=0)
    assert frame.inside(*source) and frame.fill_fraction == 0
    box = safe_box(frame, target, insets)
    cut = {z.name: cut_fraction(z, box) for z in zones}
    assert set(frame.zones_cut) == {n for n, v in cut.items() if v > TOL}
    for name, value in frame.zones_cut.items():
        assert value == pytest.approx(cut[name], abs=1e-6)
    loss = sum(ZONE_WEIGHTS.get(n, 1.0) * v for n, v in cut.items())
    for x, y, w, h in cover_positions(source, target):
        probe = safe_box(type(frame)(x, y, w, h, "probe"), target, insets)
        other = sum(ZONE_WEIGHTS.get(z.name, 1.0) * cut_fraction(z, probe) for z in zones)
        assert loss <= other + 1e-6


@PROPERTY
@given(
    st.integers(50, 4000),
    st.integers(50, 4000),
    st.sampled_from(all_placements()),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_without_zones_a_cover_frame_centres_on_the_focus(sw, sh, placement, fx, fy) -> None:
    focus = (fx * sw, fy * sh)
    frame = plan_frame((sw, sh), (placement.width, placement.height), focus=focus)
    assert frame.inside(sw, sh) and frame.strategy == "attention"
    assert (frame.width, frame.height) == pytest.approx(
        cover_size(sw, sh, placement.width / placement.height)
    )
    centre = (frame.x + frame.width / 2, frame.y + frame.height / 2)
    # centred on the focus unless the source edge is in the way
    for axis, size, extent in ((0, sw, frame.width), (1, sh, frame.height)):
        if extent / 2 <= focus[axis] <= size - extent / 2:
            assert centre[axis] == pytest.approx(focus[axis])


SQUARE_TEMPLATE = [
    Zone("logo", 65, 65, 152, 152),
    Zone("headline", 65, 274, 950, 285),
    Zone("body", 65, 587, 950, 190),
    Zone("cta", 255, 929, 570, 86),
]


def test_same_aspect_is_the_whole_image() -> None:
    frame = plan_frame((1080, 1080), (1080, 1080), SQUARE_TEMPLATE)
    assert (frame.strategy, frame.x, frame.y, frame.width, frame.height) == (
        "cover",
        0,
        0,
        1080,
        1080,
    )


def test_a_square_post_as_a_story_keeps_text_out_of_the_overlays() -> None:
    insets = Insets(top=250, bottom=250)
    frame = plan_frame((1080, 1080), (1080, 1920), SQUARE_TEMPLATE, insets)
    assert frame.strategy == "extend" and 0.3 < frame.fill_fraction < 0.5
    for zone in SQUARE_TEMPLATE:
        out = frame.to_output(zone, 1080)
        assert out.y >= 250 and out.bottom <= 1920 - 250 and out.x >= 0 and out.right <= 1080


def test_zones_keep_a_margin_from_the_frame_edge() -> None:
    frame = plan_frame((1080, 1080), (1080, 1350), SQUARE_TEMPLATE)
    outputs = [frame.to_output(z, 1080) for z in SQUARE_TEMPLATE]
    assert min(o.x for o in outputs) >= 0.04 * 1080 - 1
    assert max(o.right for o in outputs) <= 1080 - 0.04 * 1080 + 1


def test_the_crop_policy_records_what_it_cut() -> None:
    frame = plan_frame((1080, 1080), (1080, 566), SQUARE_TEMPLATE, misfit="crop")
    # the heavy zones (logo, headline) stay; the call to action and body pay
    assert set(frame.zones_kept) == {"logo", "headline"}
    assert frame.zones_cut["cta"] == pytest.approx(1.0)
    assert frame.as_dict()["zones_cut"]["body"] > 0


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="misfit"):
        plan_frame((100, 100), (10, 10), misfit="squash")
    with pytest.raises(ValueError, match="leave nothing"):
        plan_frame((100, 100), (100, 100), insets=Insets(top=60, bottom=40))
