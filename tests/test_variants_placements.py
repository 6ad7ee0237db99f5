"""Placement specs as data: the file, system_settings overrides per key, clear errors."""

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from core.placements import (
    PlacementSettingError,
    UnknownPlacementError,
    all_placements,
    find_placement,
    placements_for,
    primary_placement,
    with_overrides,
)
from resources.settings import placements as load_placements

PLACEMENTS_DOC = Path(__file__).resolve().parents[1] / "docs" / "PLACEMENTS.md"
OVERLAY = re.compile(r"(top|bottom|left|right) (\d+) px")
CORNER = re.compile(r"(top|bottom)-(left|right) (\d+)×(\d+) px \(the (.+)\)")


def documented() -> dict[str, tuple]:
    """docs/PLACEMENTS.md's table, read as text: an independent statement of the file."""
    rows = {}
    for line in PLACEMENTS_DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 6 or not cells[2][:1].isdigit():
            continue
        platform, placement, pixels, size, formats, overlays = cells
        width, height = (int(n) for n in pixels.split("×"))
        corners = tuple(
            (name, f"{v}_{h}", int(w), int(hh)) for v, h, w, hh, name in CORNER.findall(overlays)
        )
        bands = {} if corners else {side: int(n) for side, n in OVERLAY.findall(overlays)}
        rows[f"{platform}.{placement}"] = (
            width,
            height,
            int(size.removesuffix(" MB")),
            tuple(formats.split(", ")),
            bands,
            corners,
        )
    return rows


def test_the_file_is_docs_placements() -> None:
    found = {
        p.key: (
            p.width,
            p.height,
            p.max_bytes // 2**20,
            p.formats,
            p.safe_area_px,
            tuple((o.name, o.corner, o.width, o.height) for o in p.overlays_px),
        )
        for p in all_placements()
    }
    assert len(found) == 12
    assert found == documented()
    assert find_placement("instagram", "story").safe_area_px == {"top": 250, "bottom": 250}
    assert all(primary_placement(p.platform).primary for p in all_placements())


def test_code_cites_docs_placements_not_the_design() -> None:
    root = PLACEMENTS_DOC.parents[1]
    citing = [
        str(path.relative_to(root))
        for folder in ("assets", "pipeline_defs", "benchmarks")
        for path in (root / folder).rglob("*.py")
        if "DESIGN §6" in path.read_text()
    ]
    assert citing == []


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
        (
            "youtube.thumbnail",
            {"overlays_px": [{"name": "b", "corner": "middle", "width": 9, "height": 9}]},
            r"overlays_px\[0\]\.corner: 'middle'",
        ),
        (
            "youtube.thumbnail",
            {"overlays_px": [{"name": "b", "corner": "top_left", "width": 0, "height": 9}]},
            r"overlays_px\[0\]\.width",
        ),
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
