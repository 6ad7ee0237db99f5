"""Placement specs as data: the file, system_settings overrides per key, clear errors."""

import pytest
from sqlalchemy import text

from assets.placements import (
    PlacementSettingError,
    UnknownPlacementError,
    all_placements,
    find_placement,
    placements_for,
    primary_placement,
    with_overrides,
)
from resources.settings import placements as load_placements

DESIGN_SECTION_6 = {
    "instagram.feed_square": (1080, 1080, 30, ("jpeg", "png")),
    "instagram.feed_portrait": (1080, 1350, 30, ("jpeg", "png")),
    "instagram.feed_landscape": (1080, 566, 30, ("jpeg", "png")),
    "instagram.story": (1080, 1920, 30, ("jpeg", "png")),
    "facebook.feed": (1080, 1080, 30, ("jpeg", "png")),
    "facebook.link": (1200, 628, 30, ("jpeg", "png")),
    "x.post": (1200, 675, 5, ("jpeg", "png", "webp")),
    "linkedin.post": (1200, 628, 5, ("jpeg", "png")),
    "linkedin.square": (1200, 1200, 5, ("jpeg", "png")),
    "pinterest.pin": (1000, 1500, 10, ("jpeg", "png")),
    "tiktok.photo": (1080, 1920, 5, ("jpeg", "webp")),
    "youtube.thumbnail": (1280, 720, 2, ("jpeg", "png")),
}


def test_the_file_is_design_section_6() -> None:
    found = {p.key: (p.width, p.height, p.max_bytes // 2**20, p.formats) for p in all_placements()}
    assert found == DESIGN_SECTION_6
    assert find_placement("instagram", "story").safe_area_px == {"top": 250, "bottom": 250}
    assert all(primary_placement(p.platform).primary for p in all_placements())


def test_unknown_platform_and_placement_are_clear_errors() -> None:
    with pytest.raises(UnknownPlacementError, match=r"unknown platform 'myspace'.*instagram"):
        placements_for("myspace")
    with pytest.raises(
        UnknownPlacementError, match=r"unknown placement 'reel' for instagram.*story"
    ):
        find_placement("instagram", "reel")


def test_overrides_change_only_their_key() -> None:
    placements = with_overrides({"tiktok.photo": {"max_bytes": 4_000_000, "formats": ["jpeg"]}})
    photo = find_placement("tiktok", "photo", placements)
    assert (photo.max_bytes, photo.formats, photo.width) == (4_000_000, ("jpeg",), 1080)
    unchanged = [p for p in placements if p.key != "tiktok.photo"]
    assert unchanged == [p for p in all_placements() if p.key != "tiktok.photo"]
    assert find_placement("tiktok", "photo").max_bytes == 5_242_880  # the file is untouched


def test_a_complete_override_adds_a_placement() -> None:
    spec = {"width": 1080, "height": 1920, "max_bytes": 1_000_000, "formats": ["jpeg"]}
    placements = with_overrides({"instagram.reel_cover": spec})
    assert find_placement("instagram", "reel_cover", placements).height == 1920
    assert len(placements_for("instagram", placements)) == 5


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("tiktok", {"max_bytes": 1}, "must be '<platform>.<placement>'"),
        ("tiktok.photo", {"max_bytes": -5}, "max_bytes"),
        ("tiktok.photo", {"width": "wide"}, "width"),
        ("tiktok.photo", {"colour": "red"}, "colour"),
        ("tiktok.photo", {"formats": ["gif"]}, "unknown \\['gif'\\]"),
        ("tiktok.photo", {"safe_area_px": {"middle": 3}}, "safe_area_px"),
        ("tiktok.photo", 5_000_000, "must be an object"),
        ("instagram.reel_cover", {"width": 1080}, "needs height, max_bytes, formats"),
    ],
)
def test_bad_overrides_name_the_setting(key, value, message) -> None:
    with pytest.raises(PlacementSettingError, match=message) as raised:
        with_overrides({key: value})
    assert repr(key) in str(raised.value)


def test_overrides_are_read_from_system_settings(conn) -> None:
    conn.execute(
        text(
            "insert into system_settings (category, setting_key, setting_value) "
            "values ('placements', 'youtube.thumbnail', '{\"max_bytes\": 1000000}')"
        )
    )
    placements = load_placements(conn)
    assert find_placement("youtube", "thumbnail", placements).max_bytes == 1_000_000
